"""APScheduler keeps time and nothing else: one interval job runs the sweep, and every
fact it acts on is in the database, so a restart loses nothing."""
from __future__ import annotations

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from scheduler.digest import WeeklyDigest
from scheduler.housekeeping import Housekeeper
from scheduler.sweep import Sweeper

SWEEP_JOB_ID = "reminder-sweep"
HOUSEKEEPING_JOB_ID = "housekeeping"
HOUSEKEEPING_INTERVAL_SECONDS = 3600
DIGEST_JOB_ID = "weekly-digest"
# Mondays 06:00 UTC: the morning in Kazakhstan (UTC+5), the week just ended.
DIGEST_TRIGGER = {"day_of_week": "mon", "hour": 6, "minute": 0}


def build_scheduler(sweeper: Sweeper, interval_seconds: float,
                    housekeeper: Housekeeper | None = None, digest: WeeklyDigest | None = None) -> AsyncIOScheduler:
    """A scheduler (not started) that sweeps every `interval_seconds`; a run that is still
    going when the next is due is not doubled (max_instances=1), and runs missed while the
    loop was busy collapse into one (coalesce)."""
    scheduler = AsyncIOScheduler(timezone="UTC")
    scheduler.add_job(sweeper.sweep, IntervalTrigger(seconds=interval_seconds), id=SWEEP_JOB_ID,
                      max_instances=1, coalesce=True, misfire_grace_time=None)
    if housekeeper is not None:
        scheduler.add_job(housekeeper.run, IntervalTrigger(seconds=HOUSEKEEPING_INTERVAL_SECONDS),
                          id=HOUSEKEEPING_JOB_ID, max_instances=1, coalesce=True, misfire_grace_time=None)
    if digest is not None:  # its dedupe key makes a second run in the same ISO week add nothing
        scheduler.add_job(digest.run, CronTrigger(timezone="UTC", **DIGEST_TRIGGER), id=DIGEST_JOB_ID,
                          max_instances=1, coalesce=True, misfire_grace_time=3600)
    return scheduler
