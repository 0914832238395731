"""The one outbox sender: everything the bot sends on its own goes out here, once.

Reminders, week openings, broadcast copies, nudges and digests are rows in `deliveries`,
written in the same transaction as the decision to send them. This sender, in short
transactions:

1. claim    up to `batch_size` due rows nobody holds (token + expiry, committed; PostgreSQL:
            SKIP LOCKED). Rows left "sending" by a dead sender become 'unknown' first.
2. pace     reserve the limiter's turns for a small group of rows (30/s, 1/s per chat, a 429
            pauses everyone) and wait for the first BEFORE marking them, so a mark is followed at
            once by the request (each row then goes at its own turn);
3. mark     "sending" on the group, conditional on the claim and on the broadcast still being
            sent (a pause or cancel stops at the next group), committed;
4. send     the group concurrently;
5. record   sent (with the message id) / blocked (403; the learner is marked inactive) /
            failed (400, with Telegram's reason; not retried) / pending again (429, 5xx,
            network: retried with growing backoff, until `max_attempts`) / unknown (a timeout or
            a dropped connection after the request went out: maybe delivered, not sent again).

Crash semantics: dead before 3, the claim expires and the rows are taken again; nothing was
sent. Dead between 3 and 5, the rows stay "sending" and become 'unknown' (maybe delivered):
never sent again, so no one gets a message twice. The window is one group's requests in flight.
"""
from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol
from datetime import timedelta

from aiohttp import ClientConnectorError
from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import Message

from bot.db.models import Delivery
from bot.db.repositories.outbox import BLOCKED, FAILED, PENDING, SENT, UNKNOWN, Outcome
from bot.db.uow import UnitOfWorkFactory
from bot.services.clock import Clock
from bot.telegram.outbox_payloads import is_paid, method_of
from bot.telegram.passing_failures import is_passing
from bot.telegram.throttle import ALREADY_PACED, SendThrottle, sleep_until, wait_until_turn

log = logging.getLogger(__name__)

Observer = Callable[[set[int]], Awaitable[None]]


class OutboxMetrics(Protocol):
    def outbox_looked(self, depth: int) -> None: ...

    def outbox_row_settled(self, kind: str, state: str) -> None: ...
AfterSend = Callable[[Delivery], Awaitable[None]]


@dataclass(frozen=True)
class OutboxConfig:
    batch_size: int = 200
    claim_seconds: float = 300  # far longer than a batch takes at 30 messages a second
    # Rows marked "sending" together, each then sent at its own turn: the most a crash can leave
    # 'unknown'. One at 30/s (two commits a message cost little; a crash skips no one who was
    # not already being sent to); 50 at 1000/s, where a commit per message would be the bottleneck.
    group_size: int = 1
    paid_group_size: int = 50
    idle_seconds: float = 1.0  # how often an idle sender looks for new rows
    still_failing_seconds: float = 60  # while the database (or network) is gone: a log line this often
    max_attempts: int = 8
    first_retry_seconds: float = 5
    longest_retry_seconds: float = 900


@dataclass
class OutboxReport:
    claimed: int = 0
    sent: int = 0
    failed: int = 0
    blocked: int = 0
    retried: int = 0
    unknown: int = 0  # found "sending" after a crash: not sent again
    broadcasts: set[int] = field(default_factory=set)

    def add(self, other: "OutboxReport") -> None:
        for name in ("claimed", "sent", "failed", "blocked", "retried", "unknown"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.broadcasts |= other.broadcasts


class OutboxSender:
    def __init__(self, uow_factory: UnitOfWorkFactory, bot: Bot, throttle: SendThrottle, clock: Clock,
                 config: OutboxConfig | None = None, after_send: AfterSend | None = None,
                 metrics: OutboxMetrics | None = None) -> None:
        self._uow_factory = uow_factory
        self._metrics = metrics
        self._bot = bot
        self._throttle = throttle
        self._clock = clock
        self._config = config or OutboxConfig()
        self._after_send = after_send  # a test seam: runs after a send, before it is recorded
        self.observers: list[Observer] = []  # told which broadcasts moved, after every group
        self._lock = asyncio.Lock()  # one batch at a time in this process
        self._closing = False
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()

    # -- running ---------------------------------------------------------------------------

    def start(self) -> None:
        if self._task is None:
            self._closing = False
            self._task = asyncio.create_task(self._run_forever(), name="outbox-sender")

    def wake(self) -> None:
        """Look for rows now instead of at the next idle tick (after enqueueing, say)."""
        self._wake.set()

    async def close(self) -> None:
        """Stop after the current group and wait for it."""
        self._closing = True
        self._wake.set()
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        async with self._lock:
            pass

    async def _run_forever(self) -> None:
        failures = 0  # turns failed in a row
        while not self._closing:
            try:
                report = await self.drain()
            except Exception as error:
                failures += 1
                self._log_failure(error, failures)
                report = OutboxReport()
            else:
                if failures:
                    log.warning("outbox: working again after %d failed turn(s)", failures)
                    failures = 0
            if report.claimed == 0 and not self._closing:
                self._wake.clear()
                try:
                    await asyncio.wait_for(self._wake.wait(), timeout=self._config.idle_seconds)
                except asyncio.TimeoutError:
                    pass

    def _log_failure(self, error: Exception, failures: int) -> None:
        """A bug at every turn, with its traceback; a database or network that went away once,
        then a line a minute: turning every second, the sender wrote a traceback a second."""
        if failures == 1 or not is_passing(error):
            log.exception("outbox: a batch failed; trying again in %s s", self._config.idle_seconds)
        elif failures % max(1, round(self._config.still_failing_seconds / self._config.idle_seconds)) == 0:
            log.warning("outbox: still failing after %d turns (%r); trying again every %s s",
                        failures, error, self._config.idle_seconds)

    async def drain(self, max_batches: int = 10_000) -> OutboxReport:
        """Send batches until nothing is due now; returns what happened."""
        total = OutboxReport()
        for _ in range(max_batches):
            report = await self.run_once()
            total.add(report)
            if report.claimed == 0 or self._closing:
                break
        return total

    async def run_once(self) -> OutboxReport:
        """Claim one batch of due rows and send it."""
        async with self._lock:
            report = OutboxReport()
            token = uuid.uuid4().hex
            rows = await self._claim(token, report)
            report.claimed = len(rows)
            # Stop taking turns well before the claim runs out (long 429 pauses, a shared pace):
            # rows not marked by then go back and are taken again, by this sender or another.
            stop_at = self._clock.now() + timedelta(seconds=self._config.claim_seconds / 2)
            try:
                for group in self._groups(rows):
                    if self._closing or self._clock.now() >= stop_at:
                        break
                    await self._send_group(token, group, report)
            finally:
                if rows:
                    await self._release(token)
            if report.claimed or report.broadcasts:
                await self._notify(report.broadcasts)
            if report.claimed:
                log.info("outbox: %s", report)
            return report

    # -- the steps -------------------------------------------------------------------------

    async def _claim(self, token: str, report: OutboxReport) -> list[Delivery]:
        now = self._clock.now()
        async with self._uow_factory() as uow:
            if not await uow.outbox.anything_to_do():  # idle: a read, not the write lock every second
                if self._metrics is not None:
                    self._metrics.outbox_looked(0)
                return []
            await uow.begin_write()
            report.unknown = await uow.outbox.give_up_stale(now)
            report.broadcasts.update(await uow.broadcasts.start_due(now))
            rows = await uow.outbox.claim_due(now, token, now + timedelta(seconds=self._config.claim_seconds),
                                              self._config.batch_size)
            report.broadcasts.update(await uow.broadcasts.finish_drained(now))
            depth = await uow.outbox.depth() if self._metrics is not None else 0
            await uow.commit()
        if self._metrics is not None:
            self._metrics.outbox_looked(depth)
        return rows

    def _groups(self, rows: Sequence[Delivery]) -> list[list[Delivery]]:
        groups: list[list[Delivery]] = []
        for row in rows:
            size = self._config.paid_group_size if _is_paid(row) else self._config.group_size
            if not groups or len(groups[-1]) >= size or _is_paid(groups[-1][0]) != _is_paid(row):
                groups.append([])
            groups[-1].append(row)
        return groups

    async def _send_group(self, token: str, group: Sequence[Delivery], report: OutboxReport) -> None:
        # Each row's turn is reserved first, and each request goes at its own turn: sending a
        # group at once would put bursts into Telegram's one-second windows.
        turns = []
        for row in group:
            wait = await self._throttle.limiter.turn(row.chat_id, paid=_is_paid(row))
            turns.append(time.monotonic() + wait)
        await sleep_until(turns[0])  # the first turn has come: mark, then send at once
        now = self._clock.now()
        async with self._uow_factory() as uow:
            await uow.begin_write()
            marked = await uow.outbox.mark_sending(token, [row.id for row in group], now,
                                                   now + timedelta(seconds=self._config.claim_seconds))
            await uow.commit()
        sending = [(row, turn) for row, turn in zip(group, turns) if row.id in marked]
        outcomes = await asyncio.gather(*(self._send_at(row, turn) for row, turn in sending))
        sending = [row for row, _turn in sending]
        async with self._uow_factory() as uow:
            await uow.begin_write()
            await uow.outbox.record(token, outcomes)
            for row, outcome in zip(sending, outcomes):
                if outcome.state == BLOCKED and row.user_id is not None:
                    await uow.reminders.deactivate(row.user_id)
            if any(row.broadcast_id is not None for row in sending):
                report.broadcasts.update(await uow.broadcasts.finish_drained(self._clock.now()))
            await uow.commit()
        for row, outcome in zip(sending, outcomes):
            if self._metrics is not None:
                self._metrics.outbox_row_settled(row.kind, outcome.state)
            if row.broadcast_id is not None:
                report.broadcasts.add(row.broadcast_id)
            if outcome.state == SENT:
                report.sent += 1
            elif outcome.state == BLOCKED:
                report.blocked += 1
            elif outcome.state == FAILED:
                report.failed += 1
            elif outcome.state == UNKNOWN:
                report.unknown += 1
            else:
                report.retried += 1
        if report.broadcasts:
            await self._notify(set(report.broadcasts))

    async def _send_at(self, row: Delivery, turn: float) -> Outcome:
        await wait_until_turn(self._throttle.limiter, row.chat_id, turn, paid=_is_paid(row))
        return await self._send(row)

    async def _send(self, row: Delivery) -> Outcome:
        """One request; never raises for a Telegram or network failure."""
        try:
            method = method_of(row.payload, row.chat_id)
        except (ValueError, TypeError) as error:
            log.error("outbox row %s (%s) has a payload the bot cannot send: %s", row.id, row.kind, error)
            return Outcome(row.id, FAILED, self._clock.now(), error=f"bad payload: {error}")
        marker = ALREADY_PACED.set(True)
        try:
            result = await self._bot(method)
        except TelegramForbiddenError as error:
            log.info("outbox row %s: chat %s blocked the bot (%s)", row.id, row.chat_id, error.message)
            return Outcome(row.id, BLOCKED, self._clock.now(), error=error.message)
        except TelegramRetryAfter as error:  # the throttle paused every send; this row goes again
            return self._retry(row, f"429: retry after {error.retry_after} s", after=error.retry_after)
        except TelegramBadRequest as error:
            log.error("outbox row %s (%s) to chat %s refused by Telegram, not retried: %s", row.id, row.kind,
                      row.chat_id, error.message)
            return Outcome(row.id, FAILED, self._clock.now(), error=error.message)
        except TelegramServerError as error:
            log.warning("outbox row %s to chat %s: %s; retrying later", row.id, row.chat_id, error)
            return self._retry(row, str(error))
        except TelegramNetworkError as error:
            if isinstance(error.__cause__, ClientConnectorError):  # no connection: nothing reached Telegram
                log.warning("outbox row %s to chat %s: %s; retrying later", row.id, row.chat_id, error)
                return self._retry(row, str(error))
            # A timeout or a dropped connection after the request went out: it may have arrived.
            log.warning("outbox row %s (%s) to chat %s may or may not have arrived (%s); not sent again",
                        row.id, row.kind, row.chat_id, error)
            return Outcome(row.id, UNKNOWN, self._clock.now(), error=f"maybe delivered: {error}")
        except TelegramAPIError as error:
            log.error("outbox row %s (%s) to chat %s failed: %s", row.id, row.kind, row.chat_id, error)
            return Outcome(row.id, FAILED, self._clock.now(), error=str(error))
        finally:
            ALREADY_PACED.reset(marker)
        if self._after_send is not None:
            await self._after_send(row)
        message_id = result.message_id if isinstance(result, Message) else getattr(result, "message_id", None)
        return Outcome(row.id, SENT, self._clock.now(), message_id=message_id)

    def _retry(self, row: Delivery, error: str, after: float | None = None) -> Outcome:
        now = self._clock.now()
        attempts = row.attempts + 1  # the mark counted this one
        if attempts >= self._config.max_attempts:
            log.error("outbox row %s to chat %s: giving up after %s attempts (%s)", row.id, row.chat_id, attempts,
                      error)
            return Outcome(row.id, FAILED, now, error=f"gave up after {attempts} attempts: {error}")
        backoff = after if after is not None else min(self._config.first_retry_seconds * 2 ** (attempts - 1),
                                                      self._config.longest_retry_seconds)
        return Outcome(row.id, PENDING, now, error=error, retry_at=now + timedelta(seconds=backoff))

    async def _release(self, token: str) -> None:
        async with self._uow_factory() as uow:
            await uow.begin_write()
            await uow.outbox.release(token)
            await uow.commit()

    async def _notify(self, broadcast_ids: set[int]) -> None:
        if not broadcast_ids:
            return
        for observer in self.observers:
            try:
                await observer(set(broadcast_ids))
            except Exception:
                log.exception("outbox observer %r failed for broadcasts %s", observer, sorted(broadcast_ids))


def _is_paid(row: Delivery) -> bool:
    return is_paid(row.payload or {})
