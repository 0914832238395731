"""The reminder sweep: claim the learners who are due, send, record — safely across crashes and replicas.

The database holds the truth: each enrolment's `next_remind_at` says when to look at the
learner again. One sweep, in short transactions:

1. claim   up to `batch_size` due rows not held by anyone: a random token and an expiry
           (`claimed_until`) go on each row, committed. (PostgreSQL: SKIP LOCKED.)
2. plan    read the learners' rows and decide, per learner, what is due now (services/reminders.py).
           Nothing due: store the next wake-up and let go of the row.
3. mark    for each message about to go out, write "sending" (kind, lecture, time) on the
           row — conditional on still holding the claim — and commit BEFORE the send.
4. send    through the bot's one paced session (SendThrottle).
5. record  in one commit: what was sent (nudge count, announced week), the next wake-up,
           and clear the mark and the claim — again only while holding the claim.

Crash semantics (at most once, by choice: a doubled nudge annoys, a lost one is cheap):
- dead before 3: the claim expires and the row is taken again; nothing was sent.
- dead between 3 and 5 (sent or not): the next sweep to take the row after the claim
  expires finds "sending" and records it as sent without sending again.
- a sweep that outlives its claim: another takes the row, and the slow one's mark or
  record changes nothing (token mismatch), so it neither sends nor overwrites.
A message is sent only after a successful mark, and a marked row is never sent again,
so two sweepers (two processes, two replicas) never send the same message twice.
APScheduler holds nothing but the timer: a restart rebuilds everything from these columns.
"""
from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from aiogram import Bot
from aiogram.utils.i18n import I18n

from bot.db.repositories.reminders import Recorded
from bot.db.uow import UnitOfWorkFactory
from bot.services.clock import Clock
from scheduler.delivery import Delivery, deliver
from scheduler.planning import Outgoing, plan_learner

log = logging.getLogger(__name__)
MAX_BATCHES_PER_SWEEP = 10_000  # a bound, not a budget: each batch moves its rows' next look forward

AfterSend = Callable[[Outgoing], Awaitable[None]]


@dataclass(frozen=True)
class SweepConfig:
    batch_size: int = 500
    claim_seconds: float = 300  # longer than a batch takes to send at 30 messages a second
    send_concurrency: int = 25  # sends in flight; the throttle paces them
    retry_after_failure: timedelta = timedelta(minutes=15)


@dataclass
class SweepReport:
    claimed: int = 0
    sent: int = 0
    recovered: int = 0  # found "sending" after a crash: recorded as sent, not sent again
    rescheduled: int = 0  # looked at, nothing due yet (or nothing ever)
    blocked: int = 0
    failed: int = 0


class Sweeper:
    def __init__(self, uow_factory: UnitOfWorkFactory, bot: Bot, i18n: I18n, clock: Clock, default_locale: str,
                 config: SweepConfig | None = None, after_send: AfterSend | None = None) -> None:
        self._uow_factory = uow_factory
        self._bot = bot
        self._i18n = i18n
        self._clock = clock
        self._default_locale = default_locale
        self._config = config or SweepConfig()
        # A test seam: runs after a send and before it is recorded (to simulate a crash there).
        self._after_send = after_send
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
        step = self._config.send_concurrency
        for start in range(0, len(outgoing), step):
            await self._send_group(token, outgoing[start:start + step], report)

    async def _send_group(self, token: str, group: Sequence[Outgoing], report: SweepReport) -> None:
        now = self._clock.now()
        async with self._uow_factory() as uow:
            await uow.begin_write()
            ids = await uow.reminders.mark_sending(
                token, [(item.enrolment_id, item.kind.value, item.lecture_key) for item in group], now)
            await uow.commit()
        marked = [item for item in group if item.enrolment_id in ids]
        outcomes = await asyncio.gather(*(self._deliver(item) for item in marked))
        done = []
        async with self._uow_factory() as uow:
            await uow.begin_write()
            for item, outcome in zip(marked, outcomes):
                if outcome is Delivery.BLOCKED:
                    await uow.reminders.deactivate(item.user_id)
                    report.blocked += 1
                elif outcome is Delivery.NOT_SENT:
                    await uow.reminders.unmark(item.enrolment_id, token, now + self._config.retry_after_failure)
                    report.failed += 1
                else:  # sent, or maybe sent, or refused for good: either way not sent again
                    done.append(item.after)
                    report.sent += outcome is Delivery.SENT
                    report.failed += outcome is not Delivery.SENT
            await uow.reminders.record(token, done, now)
            await uow.commit()

    async def _deliver(self, item: Outgoing) -> Delivery:
        outcome = await deliver(self._bot, self._i18n, item)
        if outcome is Delivery.SENT and self._after_send is not None:
            await self._after_send(item)
        return outcome

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
