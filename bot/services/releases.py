"""When each week of a course opens: at once, a week at a time from enrolment, or on cohort dates.

Weeks open on the course's wall clock, so "week 2 opens at 00:00 on 9 March" in New York is
04:00 UTC after the spring DST change and 05:00 UTC before it; adding 7×24 hours in UTC
would be an hour off for every week that straddles a change.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

SELF_PACED = "self_paced"
WEEKLY_FROM_ENROLMENT = "weekly_from_enrolment"
COHORT = "cohort"
WEEK = timedelta(days=7)


def wall_clock_to_utc(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The moment `day at` happens in `zone`. A time skipped by a DST jump (02:30 on the
    spring-forward night) is read with the offset before the jump, so it lands just after it."""
    return datetime.combine(day, at, tzinfo=zone).astimezone(timezone.utc)


def add_local_days(moment: datetime, days: int, zone: ZoneInfo) -> datetime:
    """`moment` plus whole days on the wall clock of `zone` (the same local time of day)."""
    local = moment.astimezone(zone).replace(tzinfo=None) + timedelta(days=days)
    return local.replace(tzinfo=zone).astimezone(timezone.utc)


@dataclass(frozen=True)
class ReleaseSchedule:
    """A course version's schedule; `opens_at` answers for one learner and one week."""

    mode: str
    zone: ZoneInfo
    at: time = time(0, 0)
    dates: tuple[date, ...] = ()

    @classmethod
    def of(cls, mode: str | None, zone: str, release_time: str | None = None,
           dates: list[str] | None = None) -> ReleaseSchedule:
        hours, minutes = (int(part) for part in (release_time or "00:00").split(":"))
        return cls(mode or SELF_PACED, ZoneInfo(zone or "UTC"), time(hours, minutes),
                   tuple(date.fromisoformat(text) for text in dates or ()))

    @property
    def is_self_paced(self) -> bool:
        return self.mode == SELF_PACED

    def opens_at(self, week: int, enrolled_at: datetime) -> datetime | None:
        """When week `week` (1-based) opens for a learner enrolled at `enrolled_at`;
        None when only passing the lecture before it counts."""
        if self.mode == WEEKLY_FROM_ENROLMENT:
            return enrolled_at if week <= 1 else add_local_days(enrolled_at, 7 * (week - 1), self.zone)
        if self.mode == COHORT and self.dates:
            if week <= len(self.dates):
                day = self.dates[week - 1]
            else:  # a newer version added weeks beyond the list: keep the weekly rhythm
                day = self.dates[-1] + WEEK * (week - len(self.dates))
            return wall_clock_to_utc(day, self.at, self.zone)
        return None
