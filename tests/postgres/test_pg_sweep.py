"""The reminder sweep on PostgreSQL: claims use FOR UPDATE SKIP LOCKED, so two sweepers
(two engines, no in-process write lock) side by side send each reminder exactly once —
the end-to-end sweep scenarios run on PostgreSQL in tests/e2e (their `postgresql` variants)."""
from __future__ import annotations

import asyncio
import random
import uuid
from datetime import timedelta

from bot.db.uow import UnitOfWorkFactory
from bot.services.clock import ManualClock
from tests.unit.learner_steps import Learner


async def test_postgres_claim_skips_rows_another_open_transaction_holds(
        pg_uow_factory: UnitOfWorkFactory, clock: ManualClock, pg_mini_course: int) -> None:
    for user_id in range(7001, 7005):
        await Learner(pg_uow_factory, clock, random.Random(user_id), user_id).enrol(pg_mini_course)
    clock.advance(days=30)
    now = clock.now()
    until = now + timedelta(minutes=5)
    async with pg_uow_factory() as first, pg_uow_factory() as second:
        held = await first.reminders.claim_due(now, uuid.uuid4().hex, until, 2)
        assert len(held) == 2
        # The first claim is not committed: its rows are locked; the second skips them without waiting.
        other = await asyncio.wait_for(second.reminders.claim_due(now, uuid.uuid4().hex, until, 10), timeout=10)
        assert len(other) == 2 and not set(held) & set(other)
        await second.commit()
        await first.commit()
    async with pg_uow_factory() as third:
        assert await third.reminders.claim_due(now, uuid.uuid4().hex, until, 10) == []
