"""Buttons on PostgreSQL: parallel transactions (no in-process write lock) start one attempt;
the end-to-end scenarios of issue 9 items 3, 5 and 6 run on PostgreSQL in tests/e2e."""
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
