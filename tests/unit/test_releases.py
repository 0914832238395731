"""Release dates: per learner from enrolment, or cohort dates on the course's wall clock."""
from __future__ import annotations

from datetime import date, datetime, timezone

from bot.services.releases import ReleaseSchedule
from content.schedule import ReleaseSettings

UTC = timezone.utc


def test_self_paced_weeks_have_no_date() -> None:
    schedule = ReleaseSchedule.of("self_paced", "Asia/Almaty")
    assert schedule.opens_at(3, datetime(2026, 1, 5, 9, tzinfo=UTC)) is None


def test_weekly_from_enrolment_keeps_the_local_time_of_day_across_a_dst_change() -> None:
    schedule = ReleaseSchedule.of("weekly_from_enrolment", "America/New_York")
    enrolled = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)  # 10:00 EST
    assert schedule.opens_at(1, enrolled) == enrolled
    # 10:00 EDT a week later: 14:00 UTC, not 15:00 (7×24 hours would be an hour late).
    assert schedule.opens_at(2, enrolled) == datetime(2026, 3, 9, 14, 0, tzinfo=UTC)
    assert schedule.opens_at(3, enrolled) == datetime(2026, 3, 16, 14, 0, tzinfo=UTC)


def test_cohort_dates_open_at_the_given_time_in_the_course_zone() -> None:
    schedule = ReleaseSchedule.of("cohort", "Europe/Berlin", "09:00", ["2026-03-23", "2026-03-30"])
    anyone = datetime(2026, 1, 1, tzinfo=UTC)
    assert schedule.opens_at(1, anyone) == datetime(2026, 3, 23, 8, 0, tzinfo=UTC)  # CET, UTC+1
    assert schedule.opens_at(2, anyone) == datetime(2026, 3, 30, 7, 0, tzinfo=UTC)  # CEST, UTC+2
    # A week the list does not reach keeps the weekly rhythm.
    assert schedule.opens_at(3, anyone) == datetime(2026, 4, 6, 7, 0, tzinfo=UTC)


def test_a_time_skipped_by_the_spring_dst_jump_lands_just_after_it() -> None:
    schedule = ReleaseSchedule.of("cohort", "America/New_York", "02:30", ["2026-03-08"])
    assert schedule.opens_at(1, datetime(2026, 1, 1, tzinfo=UTC)) == datetime(2026, 3, 8, 7, 30, tzinfo=UTC)


def test_a_cohort_start_date_gives_one_date_a_week() -> None:
    release = ReleaseSettings(mode="cohort", start=date(2026, 3, 2))
    assert release.week_dates(3) == [date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 16)]
    assert ReleaseSettings().week_dates(3) is None
