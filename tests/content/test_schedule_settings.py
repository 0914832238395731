"""Release schedules and reminder settings in course.yaml: checked with the line and the reason."""
from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from content import Course, load_course
from tests.content.helpers import errors_of
from tests.content.test_schema import course, lecture

COURSE = "course.yaml"


def settings(*lines: str) -> list[tuple[str, str]]:
    """Add settings after line 11 (pass_score); an error in them is reported on line 12."""
    return [("  pass_score: 1", "\n".join(("  pass_score: 1", *lines)))]


def test_a_full_schedule_loads_with_its_defaults_filled(make_course) -> None:
    root = make_course(course=settings("  timezone: Europe/Berlin",
                                       '  release: {mode: cohort, start: 2026-03-02, time: "09:00"}',
                                       "  remind_after: 2", '  quiet_hours: "23:00-07:00"'))
    loaded = load_course(root).settings
    assert loaded.release.mode == "cohort" and loaded.release.week_dates(2) == [date(2026, 3, 2), date(2026, 3, 9)]
    assert (loaded.remind_after, loaded.remind_again, loaded.retry_remind_after) == (2, 3, 2)
    assert loaded.quiet_hours == "23:00-07:00"


def test_the_defaults_are_self_paced_three_days_and_a_quiet_night(make_course) -> None:
    loaded = load_course(make_course()).settings
    assert loaded.release.mode == "self_paced" and loaded.release.week_dates(1) is None
    assert (loaded.remind_after, loaded.remind_again, loaded.retry_remind_after) == (3, 3, 2)
    assert loaded.quiet_hours == "22:00-08:00"


@pytest.mark.parametrize("line, reason", [
    ("  release: {mode: weekly}",
     "settings.release.mode: must be one of 'self_paced', 'weekly_from_enrolment' or 'cohort' (got 'weekly')"),
    ("  release: {mode: cohort}",
     "settings.release: mode: cohort needs either `dates` (one per week) or `start` (the first week's date)"),
    ("  release: {mode: cohort, dates: [2026-03-09, 2026-03-02]}",
     "settings.release: release dates must be in order, each after the one before (2026-03-02 follows 2026-03-09)"),
    ("  release: {mode: weekly_from_enrolment, start: 2026-03-02}",
     "settings.release: `dates` and `start` belong to mode: cohort, not weekly_from_enrolment"),
    ("  release: {mode: cohort, start: 2026-03-02, time: 9:00}",
     'settings.release.time: write the time in quotes, like "09:00" (YAML read it as the number 540)'),
    ("  quiet_hours: 22-08",
     "settings.quiet_hours: quiet hours must be written as \"22:00-08:00\" or \"off\" (got '22-08')"),
    ("  remind_after: 0", "settings.remind_after: must be at least 1 (got 0)"),
])
def test_a_bad_schedule_is_reported_with_line_and_reason(make_course, line: str, reason: str) -> None:
    assert errors_of(make_course(course=settings(line))) == [(COURSE, 12, reason)]


def test_a_cohort_needs_a_date_for_every_week() -> None:
    data = course(lecture("l1"), lecture("l2"), settings={"release": {"mode": "cohort", "dates": ["2026-03-02"]}})
    with pytest.raises(ValidationError, match="the course has 2 weeks but only 1 release date"):
        Course.model_validate(data)
    data["settings"]["release"]["dates"].append("2026-03-09")
    assert Course.model_validate(data).settings.release.dates == [date(2026, 3, 2), date(2026, 3, 9)]
