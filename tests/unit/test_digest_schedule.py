"""The weekly digest is an APScheduler job beside the sweep (issue 11, analytics)."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, cast

from scheduler.digest import WeeklyDigest, iso_week
from scheduler.setup import DIGEST_JOB_ID, build_scheduler
from scheduler.sweep import Sweeper


class _Sweeper:
    async def sweep(self) -> None:
        return None


def test_the_digest_job_runs_mondays_at_six_utc() -> None:
    """issue 11 (analytics) weekly digest: the job exists and its next run is a Monday 06:00 UTC."""
    digest = cast(WeeklyDigest, cast(Any, object.__new__(WeeklyDigest)))
    scheduler = build_scheduler(cast(Sweeper, _Sweeper()), 60, None, digest)
    job = scheduler.get_job(DIGEST_JOB_ID)
    assert job is not None and job.func == digest.run
    wednesday = datetime(2026, 12, 2, 12, 0, tzinfo=timezone.utc)
    assert job.trigger.get_next_fire_time(None, wednesday) == datetime(2026, 12, 7, 6, 0, tzinfo=timezone.utc)
    assert build_scheduler(cast(Sweeper, _Sweeper()), 60).get_job(DIGEST_JOB_ID) is None


def test_the_dedupe_week_is_the_iso_week() -> None:
    """issue 11 (analytics): a Sunday belongs to the week of the Monday before it (ISO 8601)."""
    assert iso_week(datetime(2026, 12, 6, 23, 0, tzinfo=timezone.utc)) == "2026-W49"
    assert iso_week(datetime(2026, 12, 7, 6, 0, tzinfo=timezone.utc)) == "2026-W50"
    assert iso_week(datetime(2027, 1, 1, 6, 0, tzinfo=timezone.utc)) == "2026-W53"
