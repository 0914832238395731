"""The broadcast rules that need no chat: "this week's lecture" on each kind of schedule, the time
a coordinator types in the course's zone, and the Stars estimate (issue 11, broadcasts)."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.db.repositories.broadcast_audience import VersionPlan
from bot.services.broadcast import estimated_stars, parse_local_time, time_example
from bot.services.broadcast_audience import Audience, this_weeks_lecture

UTC = timezone.utc
LECTURES = (("a", 1), ("b", 2), ("c", 3))


def plan(mode: str, dates: list[str] | None = None) -> VersionPlan:
    return VersionPlan(mode, "Asia/Almaty", "09:00", dates, LECTURES)


def test_this_weeks_lecture_weekly_from_enrolment_is_the_latest_week_open_for_the_learner() -> None:
    """issue 11: "not opened this week's lecture" follows each learner's own weeks."""
    enrolled = datetime(2026, 1, 1, 6, tzinfo=UTC)
    weekly = plan("weekly_from_enrolment")
    assert this_weeks_lecture(weekly, enrolled, set(), datetime(2026, 1, 7, tzinfo=UTC)) == "a"
    assert this_weeks_lecture(weekly, enrolled, set(), datetime(2026, 1, 9, tzinfo=UTC)) == "b"
    assert this_weeks_lecture(weekly, enrolled, {"a", "b"}, datetime(2026, 3, 1, tzinfo=UTC)) == "c"


def test_this_weeks_lecture_on_cohort_dates_and_before_the_first_one() -> None:
    """issue 11: a cohort's week opens at its date's release time in the course's zone."""
    cohort = plan("cohort", ["2026-02-02", "2026-02-09", "2026-02-16"])
    anyone = datetime(2026, 1, 1, tzinfo=UTC)
    assert this_weeks_lecture(cohort, anyone, set(), datetime(2026, 2, 1, tzinfo=UTC)) is None  # nothing open yet
    assert this_weeks_lecture(cohort, anyone, set(), datetime(2026, 2, 9, 3, 59, tzinfo=UTC)) == "a"  # 08:59 Almaty
    assert this_weeks_lecture(cohort, anyone, set(), datetime(2026, 2, 9, 4, 0, tzinfo=UTC)) == "b"  # 09:00 Almaty


def test_this_weeks_lecture_self_paced_is_the_first_not_passed() -> None:
    self_paced = plan("self_paced")
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert this_weeks_lecture(self_paced, now, set(), now) == "a"
    assert this_weeks_lecture(self_paced, now, {"a"}, now) == "b"
    assert this_weeks_lecture(self_paced, now, {"a", "b", "c"}, now) is None


def test_a_typed_time_is_read_in_the_courses_zone() -> None:
    """issue 11: the schedule time is typed in the course's zone."""
    assert parse_local_time("2026-03-09 09:05", "Asia/Almaty") == datetime(2026, 3, 9, 4, 5, tzinfo=UTC)
    assert parse_local_time("09.03.2026 09:05", "Europe/Berlin") == datetime(2026, 3, 9, 8, 5, tzinfo=UTC)
    assert parse_local_time("tomorrow", "UTC") is None
    assert parse_local_time(time_example(datetime(2026, 1, 5, 20, tzinfo=UTC), "Asia/Almaty"), "Asia/Almaty") == \
        datetime(2026, 1, 7, 4, 0, tzinfo=UTC)  # 01:00 on the 6th in Almaty: tomorrow is the 7th


def test_the_stars_estimate_is_a_tenth_of_a_star_per_message() -> None:
    """issue 11 paid mode: 0.1 Telegram Stars per message (Bot API allow_paid_broadcast)."""
    assert estimated_stars(6) == 0.6 and estimated_stars(10_000) == 1000


@pytest.mark.parametrize("bad", [dict(kind="language", language="de"), dict(kind="stalled", days=0),
                                 dict(kind="stalled", days=366), dict(kind="all")])
def test_an_audience_out_of_range_is_refused(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        Audience(**bad)  # type: ignore[arg-type]


def test_broadcast_buttons_fit_64_bytes_and_forged_ones_do_not_parse() -> None:
    """issue 11: the draft and control buttons stay within Telegram's limit; a forged word or an
    id past the column's range fails to parse (the press then reaches no handler that acts)."""
    from bot.telegram.callbacks import MAX_ROW_ID
    from bot.telegram.keyboards_broadcast import BroadcastControlCb, BroadcastDraftCb

    for data in (BroadcastDraftCb(a="confirm", n=MAX_ROW_ID, w="not_started"),
                 BroadcastControlCb(a="resume", b=MAX_ROW_ID)):
        assert len(data.pack().encode()) <= 64
    for forged in ("bcd:send:0:", "bcd:kind:0:everybody", f"bcd:course:{MAX_ROW_ID + 1}:", "bcx:pause:0",
                   "bcx:delete:5"):
        prefix = forged.split(":")[0]
        with pytest.raises(ValueError):
            (BroadcastDraftCb if prefix == "bcd" else BroadcastControlCb).unpack(forged)


def test_the_eta_follows_the_pace_seen_never_faster_than_the_senders() -> None:
    """issue 11 progress: the ETA of the progress message."""
    from bot.services.broadcast import BroadcastFigures

    start = datetime(2026, 1, 5, 9, tzinfo=UTC)

    def figures(settled: int, remaining: int, paid: bool = False) -> BroadcastFigures:
        return BroadcastFigures(1, "sending", Audience(), None, start, start, None, paid, settled + remaining, 0,
                                sent=settled, failed=0, blocked=0, cancelled=0, remaining=remaining)

    assert figures(0, 300).eta_seconds(start) == 10  # nothing seen yet: 30 a second
    assert figures(300, 300).eta_seconds(start.replace(second=10)) == 10  # 30/s seen
    assert figures(100, 300).eta_seconds(start.replace(second=10)) == 30  # 429s slowed it to 10/s
    assert figures(3000, 3000).eta_seconds(start.replace(second=1)) == 100  # never faster than 30/s
    assert figures(3000, 3000, paid=True).eta_seconds(start.replace(second=3)) == 3  # paid: 1000/s
