"""The outbox on PostgreSQL: two senders claiming side by side never take the same row (SKIP LOCKED).
The end-to-end outbox scenarios run on PostgreSQL in tests/e2e (their `postgresql` variants)."""
from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

from bot.db.repositories.outbox import NewDelivery
from bot.db.uow import UnitOfWorkFactory
from bot.services.clock import ManualClock


async def test_postgres_outbox_claim_skips_rows_another_open_transaction_holds(
        pg_uow_factory: UnitOfWorkFactory, clock: ManualClock) -> None:
    now = clock.now()
    async with pg_uow_factory() as uow:
        await uow.outbox.enqueue([NewDelivery("note", chat_id, {"method": "sendMessage", "params": {"text": "x"}},
                                              now) for chat_id in range(8001, 8005)])
        await uow.commit()
    until = now + timedelta(minutes=2)
    async with pg_uow_factory() as first, pg_uow_factory() as second:
        held = await first.outbox.claim_due(now, uuid.uuid4().hex, until, 2)
        assert len(held) == 2
        # Not committed: those rows are locked; the second sender skips them without waiting.
        other = await asyncio.wait_for(second.outbox.claim_due(now, uuid.uuid4().hex, until, 10), timeout=10)
        assert len(other) == 2 and not {row.id for row in held} & {row.id for row in other}
        await second.commit()
        await first.commit()
