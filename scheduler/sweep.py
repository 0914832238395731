"""The reminder sweep: claim the learners who are due, decide, and queue what is due in the outbox.

The database holds the truth: each enrolment's `next_remind_at` says when to look at the
learner again. One sweep, in short transactions:

1. claim   up to `batch_size` due rows not held by anyone: a random token and an expiry
           (`claimed_until`) go on each row, committed. (PostgreSQL: SKIP LOCKED.)
2. plan    read the learners' rows and decide, per learner, what is due now (services/reminders.py).
           Nothing due: store the next wake-up and let go of the row.
3. queue   in ONE transaction, for the rows still held under the claim: an outbox row per
           message (the outbox sender, scheduler/outbox.py, sends it once) and what was decided
           (nudge count, announced week, the next wake-up), letting go of the claim.

Crash semantics: dead before 3 commits, the claim expires and the row is taken again; nothing
was queued. Step 3 is one commit: a message is queued exactly when its decision is stored. A
sweep that outlived its claim (another took the row) queues nothing: the rows are checked
under the claim inside the same transaction (PostgreSQL: FOR UPDATE).
APScheduler holds nothing but the timer: a restart rebuilds everything from these columns.
"""
from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from aiogram.utils.i18n import I18n

from bot.db.repositories.reminders import Recorded
from bot.db.uow import UnitOfWorkFactory
from bot.services.clock import Clock
from scheduler.delivery import notice_delivery
from scheduler.planning import Outgoing, plan_learner

log = logging.getLogger(__name__)
MAX_BATCHES_PER_SWEEP = 10_000  # a bound, not a budget: each batch moves its rows' next look forward

BeforeQueue = Callable[[Sequence[Outgoing]], Awaitable[None]]


@dataclass(frozen=True)
class SweepConfig:
    batch_size: int = 500
    claim_seconds: float = 300  # longer than a batch takes to plan


@dataclass
class SweepReport:
    claimed: int = 0
    queued: int = 0  # messages handed to the outbox
    recovered: int = 0  # found "sending" by a sweep from before the outbox: recorded as sent
    rescheduled: int = 0  # looked at, nothing due yet (or nothing ever)


class Sweeper:
    def __init__(self, uow_factory: UnitOfWorkFactory, i18n: I18n, clock: Clock, default_locale: str,
                 config: SweepConfig | None = None, before_queue: BeforeQueue | None = None) -> None:
        self._uow_factory = uow_factory
        self._i18n = i18n
        self._clock = clock
        self._default_locale = default_locale
        self._config = config or SweepConfig()
        # A test seam: runs after planning and before the queueing commit (a crash or a takeover there).
        self._before_queue = before_queue
        self._lock = asyncio.Lock()  # one sweep at a time in this process
        self._closing = False

    async def sweep(self) -> SweepReport:
        """Send everything due now; returns what happened."""
        async with self._lock:
            report = SweepReport()
            looked_at: set[int] = set()
            for _ in range(MAX_BATCHES_PER_SWEEP):
                if self._closing:
                    break
                token = uuid.uuid4().hex
                ids = await self._claim(token)
                report.claimed += len(ids)
                if not ids:
                    break
                try:
                    await self._process(ids, token, report)
                except BaseException:
                    await self._let_go(ids, token)
                    raise
                # A row can be due again at once (the learner acted meanwhile, or a second
                # message is due): one more look in this sweep, then it waits for the next.
                if len(ids) < self._config.batch_size or looked_at.issuperset(ids):
                    break
                looked_at.update(ids)
            if report.claimed:
                log.info("reminder sweep: %s", report)
            return report

    async def close(self) -> None:
        """Stop after the current batch and wait for it."""
        self._closing = True
        async with self._lock:
            pass

    async def _claim(self, token: str) -> list[int]:
        now = self._clock.now()
        async with self._uow_factory() as uow:
            await uow.begin_write()
            ids = await uow.reminders.claim_due(now, token, now + timedelta(seconds=self._config.claim_seconds),
                                                self._config.batch_size)
            await uow.commit()
        return ids

    async def _process(self, ids: list[int], token: str, report: SweepReport) -> None:
        now = self._clock.now()
        plans: list[Recorded | Outgoing] = []
        async with self._uow_factory() as uow:
            rows = await uow.reminders.claimed(ids, token)
            progress = await uow.reminders.progress_of(ids)
            attempts = await uow.reminders.newest_attempts(ids)
            recovered = sum(1 for enrolment, _ in rows if enrolment.sending_kind is not None)
            for enrolment, user in rows:
                plans.append(await plan_learner(uow, enrolment, user, progress[enrolment.id],
                                                attempts.get(enrolment.id), now, self._default_locale))
        settled = [plan for plan in plans if isinstance(plan, Recorded)]
        report.recovered += recovered
        report.rescheduled += len(settled) - recovered
        if settled:
            await self._record(token, settled)
        outgoing = [plan for plan in plans if isinstance(plan, Outgoing)]
        if outgoing:
            await self._queue(token, outgoing, report)

    async def _queue(self, token: str, outgoing: Sequence[Outgoing], report: SweepReport) -> None:
        """The messages and the decisions behind them, in one commit, for the rows still held."""
        if self._before_queue is not None:
            await self._before_queue(outgoing)
        now = self._clock.now()
        async with self._uow_factory() as uow:
            await uow.begin_write()
            held = await uow.reminders.held([item.enrolment_id for item in outgoing], token)
            mine = [item for item in outgoing if item.enrolment_id in held]
            await uow.outbox.enqueue([notice_delivery(self._i18n, item, now) for item in mine])
            await uow.reminders.record(token, [item.after for item in mine], now)
            await uow.commit()
        report.queued += len(mine)

    async def _record(self, token: str, settled: Sequence[Recorded]) -> None:
        now = self._clock.now()
        async with self._uow_factory() as uow:
            await uow.begin_write()
            await uow.reminders.record(token, settled, now)
            await uow.commit()

    async def _let_go(self, ids: list[int], token: str) -> None:
        """Rows a failed batch still holds and never marked go back at once, not at expiry."""
        async with self._uow_factory() as uow:
            await uow.begin_write()
            await uow.reminders.release_unmarked(ids, token)
            await uow.commit()
