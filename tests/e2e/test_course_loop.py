"""A learner takes the whole sample course, in each language, and what they see is checked."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.app import Talimger
from bot.db.models import AttemptItem, Certificate, QuizAttempt
from sandbox.client import SandboxClient
from tests.e2e.conftest import PUBLIC_BASE_URL
from tests.e2e.driver import CourseKey, LearnerDriver

LECTURE_WORD = {"en": "Lecture 1.", "ru": "Лекция 1.", "kk": "1-дәріс."}
COMPLETE_WORD = {"en": "Congratulations", "ru": "Поздравляем", "kk": "Құттықтаймыз"}


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

    certificate = await user.wait_for(lambda m: COMPLETE_WORD[locale] in m.text)
    assert f"{PUBLIC_BASE_URL}/c/" in certificate.text
    code = certificate.text.split(f"{PUBLIC_BASE_URL}/c/")[1].split()[0]

    assert bot_app.uow_factory is not None
    async with bot_app.uow_factory() as uow:
        stored = await uow.certificates.by_code(code)
        assert stored is not None and stored.holder_name == "Aigerim Sadykova"
        assert stored.average_score == 80.0 and stored.lecture_count == lectures
        attempts = await uow.session.scalar(select(func.count()).select_from(QuizAttempt))
        answers = await uow.session.scalar(
            select(func.count()).select_from(AttemptItem).where(AttemptItem.answered_at.is_not(None)))
        assert attempts == lectures and answers == 5 * lectures
        assert await uow.session.scalar(select(func.count()).select_from(Certificate)) == 1
