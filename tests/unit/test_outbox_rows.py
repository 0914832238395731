"""Outbox rows on a real SQLite file: a claim renewed at the mark, what a network failure leaves,
and which rows housekeeping forgets (issue 11: one outbox; review of the merge)."""
from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from typing import Any

from aiohttp import ClientConnectorError
from aiohttp.client_reqrep import ConnectionKey
from aiogram.exceptions import TelegramNetworkError
from aiogram.methods import SendMessage

from bot.db.repositories.outbox import NewDelivery
from bot.db.uow import UnitOfWorkFactory
from bot.services.clock import ManualClock
from bot.telegram.outbox_payloads import text_payload
from bot.telegram.throttle import LocalSendLimiter, SendThrottle
from scheduler.housekeeping import Housekeeper
from scheduler.outbox import OutboxConfig, OutboxSender


def _row(chat_id: int, clock: ManualClock, **extra: Any) -> NewDelivery:
    return NewDelivery("note", chat_id, text_payload("hello"), clock.now(), chat_id, **extra)


async def _enqueue(uow_factory: UnitOfWorkFactory, *rows: NewDelivery) -> None:
    async with uow_factory() as uow:
        await uow.outbox.enqueue(list(rows))
        await uow.commit()


async def _states(uow_factory: UnitOfWorkFactory) -> dict[int, str]:
    async with uow_factory() as uow:
        return {row.chat_id: row.state for row in await uow.outbox.of_kind("note")}


async def test_a_row_marked_late_in_its_claim_is_not_given_up_while_its_request_may_be_answered(
        uow_factory: UnitOfWorkFactory, clock: ManualClock) -> None:
    await _enqueue(uow_factory, _row(1, clock))
    token = uuid.uuid4().hex
    async with uow_factory() as uow:
        [row] = await uow.outbox.claim_due(clock.now(), token, clock.now() + timedelta(seconds=120), 10)
        await uow.commit()
    clock.advance(seconds=119)  # a long batch: the row's turn comes just before the claim ends
    async with uow_factory() as uow:
        assert await uow.outbox.mark_sending(token, [row.id], clock.now(), clock.now() + timedelta(seconds=120))
        await uow.commit()
    clock.advance(seconds=2)  # past the first claim: another sender looks
    async with uow_factory() as uow:
        assert await uow.outbox.give_up_stale(clock.now()) == 0
        await uow.commit()
    clock.advance(seconds=120)  # past the renewed claim: its sender is gone
    async with uow_factory() as uow:
        assert await uow.outbox.give_up_stale(clock.now()) == 1
        await uow.commit()
    assert await _states(uow_factory) == {1: "unknown"}


class _FailingBot:
    """Answers each send with the network failure given for its chat, like aiogram's session raises them."""

    id = 1

    def __init__(self, failures: dict[int, BaseException]) -> None:
        self._failures = failures

    async def __call__(self, method: SendMessage) -> Any:
        cause = self._failures[int(method.chat_id)]
        raise TelegramNetworkError(method=method, message=f"{type(cause).__name__}") from cause


async def test_a_timeout_is_maybe_delivered_and_never_resent_a_refused_connection_is_retried(
        uow_factory: UnitOfWorkFactory, clock: ManualClock) -> None:
    """review item 5: a read timeout may follow a delivered message (no doubles); a connection never
    made reached no one (try again)."""
    refused = ClientConnectorError(ConnectionKey("api.telegram.org", 443, True, True, None, None, None),
                                   OSError(111, "Connection refused"))
    await _enqueue(uow_factory, _row(1, clock), _row(2, clock))
    bot = _FailingBot({1: asyncio.TimeoutError(), 2: refused})
    sender = OutboxSender(uow_factory, bot, SendThrottle(LocalSendLimiter(10_000, 10_000, 10_000)), clock,  # type: ignore[arg-type]
                          OutboxConfig())
    report = await sender.drain()
    assert (report.unknown, report.retried, report.sent) == (1, 1, 0)
    assert await _states(uow_factory) == {1: "unknown", 2: "pending"}


async def test_housekeeping_forgets_old_settled_rows_but_keeps_pending_ones_and_broadcast_figures(
        uow_factory: UnitOfWorkFactory, clock: ManualClock) -> None:
    async with uow_factory() as uow:
        broadcast = await uow.broadcasts.create(created_by=1, now=clock.now(), send_at=clock.now(),
                                                audience={"kind": "everyone"}, locale="en", recipients=1)
        await uow.outbox.enqueue([_row(1, clock), _row(2, clock), _row(3, clock, broadcast_id=broadcast.id)])
        await uow.commit()
    async with uow_factory() as uow:
        token = uuid.uuid4().hex
        rows = await uow.outbox.claim_due(clock.now(), token, clock.now() + timedelta(minutes=2), 10)
        await uow.outbox.mark_sending(token, [row.id for row in rows if row.chat_id != 2], clock.now(),
                                      clock.now() + timedelta(minutes=2))
        await uow.commit()
    async with uow_factory() as uow:
        from bot.db.repositories.outbox import Outcome

        await uow.outbox.record(token, [Outcome(row.id, "sent", clock.now(), message_id=7) for row in rows
                                        if row.chat_id != 2])
        await uow.outbox.release(token)
        await uow.commit()
    clock.advance(days=31)
    assert await Housekeeper(uow_factory, clock).forget_old_deliveries() == 1
    async with uow_factory() as uow:
        # The old sent one-to-one row is gone; the waiting one and the broadcast's (its figures) stay.
        assert await _states(uow_factory) == {2: "pending", 3: "sent"}
        assert await uow.outbox.figures(broadcast.id) == {"sent": 1}
