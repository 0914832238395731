"""A learner takes the whole sample course, in each language, and what they see is checked."""
from __future__ import annotations

import aiohttp
import pytest
from sqlalchemy import func, select

from bot.app import Talimger
from bot.db.models import AttemptItem, Certificate, QuizAttempt
from sandbox.client import SandboxClient
from tests.e2e.conftest import PUBLIC_BASE_URL
from tests.e2e.driver import CourseKey, LearnerDriver
from tests.pdf_tools import pdf_text

LECTURE_WORD = {"en": "Lecture 1.", "ru": "Лекция 1.", "kk": "1-дәріс."}
COMPLETE_WORD = {"en": "Congratulations", "ru": "Поздравляем", "kk": "Құттықтаймыз"}
VALID_WORD = {"en": "VALID", "ru": "ДЕЙСТВИТЕЛЕН", "kk": "ЖАРАМДЫ"}


@pytest.mark.parametrize("locale", ["kk", "ru", "en"])
async def test_learner_completes_the_sample_course(locale: str, bot_app: Talimger, client: SandboxClient,
                                                   course_key: CourseKey) -> None:
    user = await client.new_user("Aigerim", last_name="Sadykova", language_code=locale)
    learner = LearnerDriver(user, course_key, locale)
    chunk = await learner.start()
    assert LECTURE_WORD[locale] in chunk.text
    assert course_key.lecture_titles[locale][0] in chunk.text

    lectures = len(course_key.lecture_titles[locale])
    for number in range(lectures):
        last = await learner.read_lecture(chunk)
        result = await learner.take_quiz(last, correct=4)
        assert "4" in result.text and "5" in result.text
        if number + 1 < lectures:
            assert course_key.lecture_titles[locale][number + 1] in result.text
            await user.press(result, learner.words["next_lecture"])
            chunk = await user.wait_for(lambda m: learner.words["next"] in m.button_texts)
            assert course_key.lecture_titles[locale][number + 1] in chunk.text

    # Every lecture passed: the final test (10 questions from all the banks, 60 % to pass).
    offer = await user.wait_for(lambda m: learner.words["final"] in m.button_texts)
    final = await learner.take_final_test(offer, correct=8)
    assert "8" in final.text and "10" in final.text
    # The one-time name check before anything is printed.
    question = await user.wait_for(lambda m: learner.words["name_yes"] in m.button_texts)
    assert "Aigerim Sadykova" in question.text
    await user.press(question, learner.words["name_yes"])

    certificate = await user.wait_for(lambda m: COMPLETE_WORD[locale] in m.text)
    assert f"{PUBLIC_BASE_URL}/c/" in certificate.text
    code = certificate.text.split(f"{PUBLIC_BASE_URL}/c/")[1].split()[0]
    document = await user.wait_for(lambda m: m.media is not None and m.media.kind == "document")
    assert document.media is not None and document.media.file_name == f"certificate-{code}.pdf"
    pdf = await client.download(document.media.file_id)
    assert pdf.startswith(b"%PDF") and code in pdf_text(pdf) and "Aigerim Sadykova" in pdf_text(pdf)

    # The link, opened on the bot's own web app, says VALID in the learner's language.
    assert bot_app.web is not None
    async with aiohttp.ClientSession() as http, http.get(f"{bot_app.web.url}/c/{code}?lang={locale}") as page:
        html = await page.text()
        assert page.status == 200 and VALID_WORD[locale] in html and "Aigerim Sadykova" in html

    assert bot_app.uow_factory is not None
    async with bot_app.uow_factory() as uow:
        stored = await uow.certificates.by_code(code)
        assert stored is not None and stored.holder_name == "Aigerim Sadykova"
        assert stored.average_score == 80.0 and stored.lecture_count == lectures
        assert stored.final_test_percent == 80.0
        attempts = await uow.session.scalar(select(func.count()).select_from(QuizAttempt))
        answers = await uow.session.scalar(
            select(func.count()).select_from(AttemptItem).where(AttemptItem.answered_at.is_not(None)))
        assert attempts == lectures + 1 and answers == 5 * lectures + 10  # the lectures' quizzes and the final test
        assert await uow.session.scalar(select(func.count()).select_from(Certificate)) == 1
