"""Queueing a sweep's reminders: one statement compiled once, many parameter sets, duplicates skipped."""
from __future__ import annotations

from typing import Any

from sqlalchemy import event, func, select

from bot.db.models import Delivery
from bot.db.repositories.outbox import NewDelivery
from bot.db.uow import UnitOfWorkFactory
from bot.services.clock import ManualClock


async def test_queueing_many_deliveries_reuses_one_compiled_insert(uow_factory: UnitOfWorkFactory,
                                                                  clock: ManualClock) -> None:
    """issue 12 (the sweep over 100,000 learners): the INSERT of 1,200 deliveries is compiled once
    and sent as batches of parameter sets, not recompiled as a 5,000-parameter statement per 500
    rows (half of a 5,000-reminder sweep's time); a dedupe key already queued is skipped and not counted."""
    items = [NewDelivery("reminder", chat_id, {"method": "sendMessage", "params": {"text": f"hi {chat_id}"}},
                         clock.now(), user_id=chat_id, dedupe_key=f"reminder:{chat_id}") for chat_id in range(1, 1201)]
    async with uow_factory() as uow:
        assert await uow.outbox.enqueue(items[:2]) == 2
        await uow.commit()
    compiled: list[Any] = []
    async with uow_factory() as uow:
        engine = uow.session.bind

        @event.listens_for(engine.sync_engine, "before_cursor_execute")
        def record(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
            if statement.lstrip().upper().startswith("INSERT INTO DELIVERIES"):
                compiled.append(context.compiled)

        assert await uow.outbox.enqueue(items) == 1198  # the first two were queued before
        await uow.commit()
        event.remove(engine.sync_engine, "before_cursor_execute", record)
        assert await uow.session.scalar(select(func.count()).select_from(Delivery)) == 1200
        texts = {row.payload["params"]["text"] for row in (await uow.session.scalars(select(Delivery))).all()}
    assert texts == {f"hi {chat_id}" for chat_id in range(1, 1201)}
    assert len({id(statement) for statement in compiled}) == 1, "one compiled INSERT for every chunk"
