"""Buttons on PostgreSQL: parallel transactions (no in-process write lock) start one attempt;
the SQLite end-to-end scenarios of issue 9 items 3, 5 and 6 re-run with the bot on PostgreSQL."""
from __future__ import annotations

import pytest

import asyncio
import random

from sqlalchemy import func, select

from bot.db.models import QuizAttempt
from bot.db.uow import UnitOfWorkFactory
from bot.services.clock import ManualClock
from bot.services.quiz import QuizService
from bot.services.refusals import RefusedError
from bot.services.views import QuestionView, Refusal, Refused
from tests.unit.learner_steps import Learner

from tests.e2e.test_concurrent_quiz_start import (  # noqa: F401
    test_take_the_quiz_under_another_message_shows_the_running_question_again,
    test_twenty_concurrent_take_the_quiz_presses_start_one_attempt_and_show_question_one_once,
)
from tests.e2e.test_forged_buttons import (  # noqa: F401
    test_a_forged_name_confirmation_mid_course_is_refused,
    test_forged_callback_data_with_huge_numbers_is_answered_and_changes_nothing,
)
from tests.e2e.test_two_enrolments import (  # noqa: F401
    test_a_button_naming_another_learners_enrolment_changes_nothing,
    test_the_first_courses_reminder_continue_opens_the_first_course,
    test_the_first_courses_take_the_quiz_starts_the_first_courses_quiz,
)

BUTTON_MESSAGE = 41


async def test_a_start_in_a_parallel_transaction_waits_and_finds_the_first_attempt(
        pg_uow_factory: UnitOfWorkFactory, clock: ManualClock, pg_mini_course: int) -> None:
    """issue 9 item 5: two "Take the quiz" presses in open transactions at once; the unique index
    of running attempts makes the second wait for the first and then show nothing more."""
    learner = Learner(pg_uow_factory, clock, random.Random(1), 9101)
    last = await learner.read_to_end(await learner.enrol(pg_mini_course))
    async with pg_uow_factory() as first, pg_uow_factory() as second:
        started = await QuizService(first, clock).start(learner.user_id, last.lecture_id, last.enrolment_id,
                                                        BUTTON_MESSAGE)
        assert isinstance(started, QuestionView)
        racing = asyncio.create_task(QuizService(second, clock).start(
            learner.user_id, last.lecture_id, last.enrolment_id, BUTTON_MESSAGE))
        await asyncio.sleep(0.5)
        assert not racing.done(), "the second insert waits on the first transaction's running attempt"
        await first.commit()
        with pytest.raises(RefusedError) as refused:  # issue 10: services refuse by raising
            await asyncio.wait_for(racing, timeout=10)
        assert refused.value.refused == Refused(Refusal.QUIZ_RUNNING)
        await second.commit()
    async with pg_uow_factory() as uow:
        assert await uow.session.scalar(select(func.count()).select_from(QuizAttempt)) == 1
