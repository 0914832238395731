"""What the bot does on its own, beside answering updates: the periodic sweep (reminders, week
openings), housekeeping, the weekly digest, and the outbox that sends what those queue."""
from __future__ import annotations

from aiogram import Bot
from aiogram.utils.i18n import I18n
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.config import Settings
from bot.db.uow import UnitOfWorkFactory
from bot.metrics import BotMetrics
from bot.services.clock import Clock
from bot.telegram.throttle import SendThrottle
from scheduler.digest import WeeklyDigest
from scheduler.housekeeping import Housekeeper
from scheduler.outbox import OutboxConfig, OutboxSender
from scheduler.setup import build_scheduler
from scheduler.sweep import SweepConfig, Sweeper


def build_sweeper(settings: Settings, uow_factory: UnitOfWorkFactory, i18n: I18n, clock: Clock) -> Sweeper:
    return Sweeper(uow_factory, i18n, clock, settings.default_locale,
                   SweepConfig(settings.sweep_batch_size, settings.sweep_claim_seconds))


def build_outbox(settings: Settings, uow_factory: UnitOfWorkFactory, bot: Bot, throttle: SendThrottle,
                 clock: Clock, metrics: BotMetrics) -> OutboxSender:
    return OutboxSender(uow_factory, bot, throttle, clock,
                        OutboxConfig(batch_size=settings.outbox_batch_size,
                                     claim_seconds=settings.outbox_claim_seconds,
                                     group_size=settings.outbox_group_size),
                        metrics=metrics)


def start_background_jobs(settings: Settings, uow_factory: UnitOfWorkFactory, clock: Clock, sweeper: Sweeper,
                          outbox: OutboxSender | None, digest: WeeklyDigest | None) -> AsyncIOScheduler | None:
    """The periodic jobs and the outbox; nothing to restore, the database says what is due.
    None when SCHEDULER_ENABLED is off (tests then run each job by hand)."""
    if not settings.scheduler_enabled:
        return None
    scheduler = build_scheduler(sweeper, settings.sweep_interval_seconds, Housekeeper(uow_factory, clock), digest)
    scheduler.start()
    if outbox is not None:
        outbox.start()
    return scheduler


async def stop_background_jobs(scheduler: AsyncIOScheduler | None, sweeper: Sweeper | None,
                               outbox: OutboxSender | None) -> None:
    if scheduler is not None:
        scheduler.shutdown(wait=False)
    if sweeper is not None:
        await sweeper.close()  # a sweep in progress finishes its batch before the session closes
    if outbox is not None:
        await outbox.close()  # the group in flight is recorded before the session closes
