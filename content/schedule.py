"""The course's release schedule and reminder settings, as an author writes them.

    settings:
      release:
        mode: cohort                 # self_paced | weekly_from_enrolment | cohort
        dates: [2026-03-02, 2026-03-09]   # cohort: the day each week opens, or
        start: 2026-03-02            # cohort: week N opens start + 7·(N-1) days
        time: "09:00"                # when on that day (course time zone), default 00:00
      remind_after: 3                # days without activity before a nudge
      remind_again: 3                # days after the first nudge before the second (the last)
      retry_remind_after: 2          # days after a failed quiz before "review and retry"
      quiet_hours: "22:00-08:00"     # or "off"; learners may change it in /settings

Only the shape is checked here; "one date per week" spans settings and weeks and lives in
`content.rules.release_issues`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from content.errors import CourseReason

ReleaseMode = Literal["self_paced", "weekly_from_enrolment", "cohort"]
DEFAULT_QUIET_HOURS = "22:00-08:00"
NO_QUIET_HOURS = "off"
MAX_REMIND_DAYS = 60

_CLOCK = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")


def parse_clock(value: str) -> int:
    """Minutes after midnight of an "HH:MM" time; ValueError otherwise."""
    match = _CLOCK.fullmatch(value.strip())
    if not match:
        raise CourseReason(f"a time must be written as HH:MM, like \"09:00\" (got {value!r})", "bad_clock",
                           value=repr(value))
    return int(match.group(1)) * 60 + int(match.group(2))


def parse_quiet_hours(value: str) -> tuple[int, int] | None:
    """(start, end) in minutes after midnight, or None for "off"; ValueError otherwise."""
    text = value.strip().replace("–", "-")
    if text.lower() == NO_QUIET_HOURS:
        return None
    start, _, end = text.partition("-")
    if not _CLOCK.fullmatch(start.strip()) or not _CLOCK.fullmatch(end.strip()):
        raise CourseReason(f"quiet hours must be written as \"22:00-08:00\" or \"off\" (got {value!r})",
                           "bad_quiet_hours", value=repr(value))
    first, last = parse_clock(start), parse_clock(end)
    if first == last:
        raise CourseReason("quiet hours must start and end at different times (or write \"off\")",
                           "quiet_hours_empty")
    return first, last


def _clock_text(value: Any) -> Any:
    # YAML reads an unquoted 9:00 as the number 540 (base 60); say so instead of "not a string".
    if isinstance(value, int) and not isinstance(value, bool):
        raise CourseReason(f"write the time in quotes, like \"09:00\" (YAML read it as the number {value})",
                           "clock_needs_quotes", value=value)
    return value


def _check_clock(value: str) -> str:
    parse_clock(value)
    return value


def _check_quiet_hours(value: str) -> str:
    parse_quiet_hours(value)
    return value


ClockText = Annotated[str, BeforeValidator(_clock_text), AfterValidator(_check_clock)]
QuietHoursText = Annotated[str, AfterValidator(_check_quiet_hours)]


class ReleaseSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    mode: ReleaseMode = "self_paced"
    dates: list[dt.date] | None = Field(default=None, min_length=1)
    start: dt.date | None = None
    time: ClockText = "00:00"

    @model_validator(mode="after")
    def _dates_fit_the_mode(self) -> ReleaseSettings:
        if self.mode != "cohort":
            if self.dates is not None or self.start is not None:
                raise CourseReason(f"`dates` and `start` belong to mode: cohort, not {self.mode}", "dates_need_cohort",
                                   mode=self.mode)
            return self
        if (self.dates is None) == (self.start is None):
            raise CourseReason("mode: cohort needs either `dates` (one per week) or `start` (the first week's date)",
                               "cohort_needs_dates")
        if self.dates is not None:
            for earlier, later in zip(self.dates, self.dates[1:]):
                if later <= earlier:
                    raise CourseReason(f"release dates must be in order, each after the one before "
                                       f"({later} follows {earlier})",
                                       "release_dates_out_of_order", later=later, earlier=earlier)
        return self

    def week_dates(self, weeks: int) -> list[dt.date] | None:
        """The day each of `weeks` weeks opens (cohort), or None when release is per learner."""
        if self.mode != "cohort":
            return None
        if self.dates is not None:
            return list(self.dates[:weeks])
        assert self.start is not None
        return [self.start + dt.timedelta(days=7 * index) for index in range(weeks)]


RemindDays = Annotated[int, Field(ge=1, le=MAX_REMIND_DAYS)]
