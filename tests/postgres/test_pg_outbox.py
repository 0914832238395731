"""The outbox on PostgreSQL: the SQLite scenarios re-run with the bot on PostgreSQL (see conftest.py),
and two senders claiming side by side never take the same row (SKIP LOCKED)."""
from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

from bot.db.repositories.outbox import NewDelivery
from bot.db.uow import UnitOfWorkFactory
from bot.services.clock import ManualClock

from tests.e2e.test_outbox_core import (  # noqa: F401
    test_two_senders_with_their_own_engines_send_each_copy_once,
    test_a_paused_broadcast_sends_nothing_until_resumed_and_a_cancelled_one_stops,
    test_a_scheduled_broadcast_waits_for_its_time_and_one_to_one_messages_go_first,
    test_each_answer_from_telegram_settles_its_row_as_the_issue_says,
)


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
