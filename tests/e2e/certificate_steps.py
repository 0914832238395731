"""Given a learner who has passed every lecture (the full walk is tests/e2e/test_course_loop.py):
their progress and attempts are written straight into the bot's database."""
from __future__ import annotations

from datetime import datetime

from bot.app import Talimger
from bot.db.uow import UnitOfWorkFactory
from bot.db.models import LectureProgress, QuizAttempt
from bot.services.final_test_rules import FINAL_KIND, FINAL_TEST_KEY


async def seed_lectures_passed(app: Talimger, user_id: int, final_test_passed: bool = False) -> None:
    """Every lecture passed with 4 of 5 (and, if asked, the final test with 9 of 10)."""
    assert app.uow_factory is not None
    await seed_progress(app.uow_factory, app.clock.now(), user_id, final_test_passed)


async def seed_progress(uow_factory: UnitOfWorkFactory, now: datetime, user_id: int, final_test_passed: bool) -> None:
    async with uow_factory() as uow:
        enrolment = await uow.enrolments.latest_for_user(user_id)
        assert enrolment is not None, "the learner must have enrolled (/start) first"
        progress = await uow.progress.for_enrolment(enrolment.id)
        for lecture in await uow.courses.lectures(enrolment.version_id):
            row = progress.get(lecture.key) or uow.progress.add(
                LectureProgress(enrolment_id=enrolment.id, lecture_key=lecture.key, opened_at=now))
            row.chunk_cursor, row.passed_at, row.best_score = 99, now, 4
            uow.attempts.add(QuizAttempt(enrolment_id=enrolment.id, lecture_id=lecture.id, lecture_key=lecture.key,
                                         size=5, pass_score=3, started_at=now, finished_at=now, score=4, passed=True))
        if final_test_passed:
            uow.attempts.add(QuizAttempt(enrolment_id=enrolment.id, lecture_id=None, lecture_key=FINAL_TEST_KEY,
                                         kind=FINAL_KIND, size=10, pass_score=6, started_at=now, finished_at=now,
                                         score=9, passed=True))
        await uow.commit()
