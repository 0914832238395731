"""The sample course's lab starter files and cheat sheet reach each learner in their language."""
from __future__ import annotations

import pytest

from bot.app import Talimger
from bot.db.models import LectureProgress
from sandbox.client import ChatUser, SandboxClient
from sandbox.client_models import SandboxMessage
from tests.e2e.driver import CourseKey, LearnerDriver

# A line each language's copy has and the others do not.
LAB_ONE = {"kk": "1-зертханалық жұмыс", "ru": "Лабораторная работа 1", "en": "Lab 1"}
LAB_ONE_PROMPT = {"kk": 'input("Атыңыз: ")', "ru": 'input("Ваше имя: ")', "en": 'input("Your name: ")'}
CHEAT_SHEET = {"kk": "АНЫҚТАМАЛЫҚ ПАРАҚ", "ru": "ШПАРГАЛКА", "en": "CHEAT SHEET"}


async def document_text(client: SandboxClient, message: SandboxMessage) -> str:
    assert message.media is not None and message.media.kind == "document"
    return (await client.download(message.media.file_id)).decode("utf-8")


def is_document(message: SandboxMessage) -> bool:
    return message.media is not None and message.media.kind == "document"


@pytest.mark.parametrize("locale", ["kk", "ru", "en"])
async def test_the_first_lab_starter_file_comes_in_the_learners_language(
        bot_app: Talimger, client: SandboxClient, course_key: CourseKey, locale: str) -> None:
    """issue 9 item 23 (review row 25): a kk learner gets the Kazakh calc.py, a ru learner the Russian one."""
    learner = LearnerDriver(await client.new_user("Aigul", language_code=locale), course_key, locale)
    await learner.take_quiz(await learner.read_lecture(await learner.start()), correct=5)
    starter = await learner.user.wait_for(is_document)
    text = await document_text(client, starter)
    assert LAB_ONE[locale] in text and LAB_ONE_PROMPT[locale] in text
    for other in {"kk", "ru", "en"} - {locale}:
        assert LAB_ONE_PROMPT[other] not in text


async def pass_first_three_lectures(app: Talimger, user: ChatUser) -> None:
    assert app.uow_factory is not None
    now = app.clock.now()
    async with app.uow_factory() as uow:
        enrolment = await uow.enrolments.latest_for_user(user.id)
        assert enrolment is not None
        progress = await uow.progress.for_enrolment(enrolment.id)
        lectures = await uow.courses.lectures(enrolment.version_id)
        for lecture in lectures:
            row = progress.get(lecture.key) or uow.progress.add(
                LectureProgress(enrolment_id=enrolment.id, lecture_key=lecture.key, opened_at=now))
            if lecture.position < 3:
                row.chunk_cursor, row.passed_at, row.best_score = 99, now, 5
            else:
                row.chunk_cursor = 0
        await uow.commit()


@pytest.mark.parametrize("locale", ["kk", "ru"])
async def test_the_cheat_sheet_comes_in_the_learners_language(
        bot_app: Talimger, client: SandboxClient, course_key: CourseKey, locale: str) -> None:
    """issue 9 item 23 (review row 25): the caption promises the course on one page, in their language."""
    user = await client.new_user("Bolat", language_code=locale)
    learner = LearnerDriver(user, course_key, locale)
    await learner.start()
    await pass_first_three_lectures(bot_app, user)
    await user.send("/lesson")
    message = await user.wait_for(lambda m: learner.words["next"] in m.button_texts and "4" in m.text)
    while not is_document(message):
        await user.press(message, learner.words["next"])
        previous = message.message_id
        message = await user.wait_for(lambda m: m.message_id > previous and m.buttons != [])
    text = await document_text(client, message)
    assert CHEAT_SHEET[locale] in text.splitlines()[0] and "CHEAT SHEET" not in text
