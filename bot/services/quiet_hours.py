"""Quiet hours: a window of the learner's night in which nothing is sent; it waits for the morning."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from content.schedule import parse_quiet_hours

MINUTES_A_DAY = 24 * 60


@dataclass(frozen=True)
class QuietHours:
    start: int  # minutes after local midnight
    end: int

    @classmethod
    def parse(cls, text: str | None) -> QuietHours | None:
        """From "22:00-08:00"; None for "off" (or nothing stored)."""
        if not text:
            return None
        window = parse_quiet_hours(text)
        return cls(*window) if window else None

    def __str__(self) -> str:
        return f"{self.start // 60:02d}:{self.start % 60:02d}-{self.end // 60:02d}:{self.end % 60:02d}"

    def contains(self, minute: int) -> bool:
        if self.start < self.end:
            return self.start <= minute < self.end
        return minute >= self.start or minute < self.end  # the window crosses midnight

    def defer(self, moment: datetime, zone: ZoneInfo) -> datetime:
        """`moment`, or the end of the quiet window it falls in (the learner's morning)."""
        local = moment.astimezone(zone)
        minute = local.hour * 60 + local.minute
        if not self.contains(minute):
            return moment
        day = local.date()
        if self.start >= self.end and minute >= self.start:
            day += timedelta(days=1)  # evening: the window ends tomorrow morning
        end = datetime.combine(day, time(self.end // 60, self.end % 60), tzinfo=zone).astimezone(timezone.utc)
        return max(end, moment)


def defer_past_quiet(moment: datetime, quiet: QuietHours | None, zone: ZoneInfo) -> datetime:
    return moment if quiet is None else quiet.defer(moment, zone)
