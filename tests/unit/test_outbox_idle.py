"""An idle outbox sender reads; it does not take the write lock every second (issue 12)."""
from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

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


async def test_a_database_gone_for_a_while_is_logged_once_with_its_traceback_then_once_a_minute(
        uow_factory: UnitOfWorkFactory, clock: ManualClock, caplog: pytest.LogCaptureFixture) -> None:
    """Found with PostgreSQL refusing connections: the idle sender, turning every second, wrote a
    traceback at ERROR every second. Now one, a line a minute meanwhile, and one when it works again."""
    down = True

    def factory() -> Any:
        if down:
            raise OperationalError("SELECT 1", {}, Exception("the database system is starting up"))
        return uow_factory()

    config = OutboxConfig(idle_seconds=0.001, still_failing_seconds=0.05)  # a "minute" of 50 turns
    sender = OutboxSender(factory, _Bot(), SendThrottle(LocalSendLimiter(10_000, 10_000, 10_000)), clock,  # type: ignore[arg-type]
                          config)
    caplog.set_level(logging.WARNING, logger="scheduler.outbox")
    sender.start()
    while not any("still failing" in r.getMessage() for r in caplog.records):
        await asyncio.sleep(0.01)
    down = False
    while not any("working again" in r.getMessage() for r in caplog.records):
        await asyncio.sleep(0.01)
    await sender.close()
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and errors[0].exc_info is not None, caplog.text
    still = [r.getMessage() for r in caplog.records if "still failing" in r.getMessage()]
    assert still and "after 50 turns" in still[0], still


async def test_a_bug_in_the_outbox_is_logged_with_its_traceback_at_every_turn(
        uow_factory: UnitOfWorkFactory, clock: ManualClock, caplog: pytest.LogCaptureFixture) -> None:
    def factory() -> Any:
        raise KeyError("a bug of ours")

    sender = OutboxSender(factory, _Bot(), SendThrottle(LocalSendLimiter(10_000, 10_000, 10_000)), clock,  # type: ignore[arg-type]
                          OutboxConfig(idle_seconds=0.001))
    caplog.set_level(logging.WARNING, logger="scheduler.outbox")
    sender.start()
    while len([r for r in caplog.records if r.levelno >= logging.ERROR]) < 3:
        await asyncio.sleep(0.01)
    await sender.close()
    assert all(r.exc_info is not None for r in caplog.records if r.levelno >= logging.ERROR)
