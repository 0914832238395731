"""An idle outbox sender reads; it does not take the write lock every second (issue 12)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import event

from bot.db.repositories.outbox import NewDelivery
from bot.db.uow import UnitOfWorkFactory
from bot.services.clock import ManualClock
from bot.telegram.outbox_payloads import text_payload
from bot.telegram.throttle import LocalSendLimiter, SendThrottle
from scheduler.outbox import OutboxConfig, OutboxSender


class _Bot:
    def __init__(self) -> None:
        self.sent: list[int] = []

    async def __call__(self, method: Any, request_timeout: int | None = None) -> Any:
        self.sent.append(int(method.chat_id))
        return type("Sent", (), {"message_id": 1})()


async def test_an_idle_outbox_turn_writes_nothing_and_a_queued_message_still_goes(
        uow_factory: UnitOfWorkFactory, clock: ManualClock) -> None:
    """issue 12: with nothing queued, a sender's turn was four UPDATEs and a commit under the
    write lock (each second); now one read, no write. A message queued later is still sent."""
    bot = _Bot()
    sender = OutboxSender(uow_factory, bot, SendThrottle(LocalSendLimiter(10_000, 10_000, 10_000)), clock,  # type: ignore[arg-type]
                          OutboxConfig())
    statements: list[str] = []
    async with uow_factory() as uow:
        engine = uow.session.bind

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement.lstrip().split()[0].upper())

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        report = await sender.run_once()
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)
    assert report.claimed == 0
    assert statements == ["SELECT"], statements
    async with uow_factory() as uow:
        await uow.outbox.enqueue([NewDelivery("note", 5, text_payload("hello"), clock.now(), 5)])
        await uow.commit()
    report = await sender.drain()
    assert (report.claimed, report.sent) == (1, 1)
    assert bot.sent == [5]
