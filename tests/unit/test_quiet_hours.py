"""Quiet hours move a message to the learner's morning, on their own clock."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.services.quiet_hours import QuietHours

UTC = timezone.utc
BERLIN = ZoneInfo("Europe/Berlin")


def at(zone: ZoneInfo, *parts: int) -> datetime:
    return datetime(*parts, tzinfo=zone).astimezone(UTC)


def test_parse_and_show() -> None:
    assert str(QuietHours.parse("22:00-08:00")) == "22:00-08:00"
    assert QuietHours.parse("off") is None and QuietHours.parse(None) is None
    with pytest.raises(ValueError):
        QuietHours.parse("22-8")


@pytest.mark.parametrize("local, expected", [
    ((2026, 1, 5, 21, 59), (2026, 1, 5, 21, 59)),  # before the window: unchanged
    ((2026, 1, 5, 22, 0), (2026, 1, 6, 8, 0)),  # evening: the next morning
    ((2026, 1, 6, 3, 15), (2026, 1, 6, 8, 0)),  # after midnight: this morning
    ((2026, 1, 6, 8, 0), (2026, 1, 6, 8, 0)),  # the window is over
])
def test_a_window_across_midnight(local: tuple[int, ...], expected: tuple[int, ...]) -> None:
    quiet = QuietHours.parse("22:00-08:00")
    assert quiet is not None
    assert quiet.defer(at(BERLIN, *local), BERLIN) == at(BERLIN, *expected)


def test_a_window_within_one_day() -> None:
    quiet = QuietHours.parse("13:00-14:30")
    assert quiet is not None
    assert quiet.defer(at(BERLIN, 2026, 1, 5, 13, 40), BERLIN) == at(BERLIN, 2026, 1, 5, 14, 30)
    assert quiet.defer(at(BERLIN, 2026, 1, 5, 23, 0), BERLIN) == at(BERLIN, 2026, 1, 5, 23, 0)


def test_the_morning_after_the_spring_dst_change_is_local_eight() -> None:
    quiet = QuietHours.parse("22:00-08:00")
    assert quiet is not None
    # The night of 28-29 March 2026 loses an hour in Berlin: 08:00 CEST is 06:00 UTC.
    assert quiet.defer(datetime(2026, 3, 28, 23, 0, tzinfo=UTC), BERLIN) == datetime(2026, 3, 29, 6, 0, tzinfo=UTC)
