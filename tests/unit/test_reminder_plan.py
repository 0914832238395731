"""The reminder rules on plain snapshots: which message comes next, and when."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from bot.services.quiet_hours import QuietHours
from bot.services.releases import ReleaseSchedule
from bot.services.reminder_views import NoticeKind
from bot.services.reminders import (
    AttemptFacts,
    Due,
    LearnerSnapshot,
    Preferences,
    ReminderPolicy,
    after_sending,
    next_notice,
    snapshot_of,
    wake_after_activity,
)

UTC = timezone.utc
T0 = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)
POLICY = ReminderPolicy(3 * DAY, 4 * DAY, 2 * DAY, "22:00-08:00", "UTC", ReleaseSchedule.of("self_paced", "UTC"))
ALL_ON = Preferences(True, True, True, None, ZoneInfo("UTC"))


def snapshot(**changes: object) -> LearnerSnapshot:
    base = LearnerSnapshot(lecture_key="l1", started=True, opens_at=None, waiting_since=T0, last_activity=T0,
                           failed_at=None, nudges_sent=0, last_nudge_at=None, announced=None)
    return replace(base, **changes)


def send_all(state: LearnerSnapshot, prefs: Preferences = ALL_ON, until: datetime = T0 + 60 * DAY) -> list[Due]:
    """Every message the rules would send, in order, if the learner never acts again."""
    sent = []
    while (due := next_notice(state, POLICY, prefs)) is not None and due.at <= until:
        sent.append(due)
        state = after_sending(state, due.kind, due.at)
    return sent


def test_a_stalled_learner_gets_two_nudges_then_silence() -> None:
    assert send_all(snapshot()) == [Due(NoticeKind.STALLED, T0 + 3 * DAY), Due(NoticeKind.STALLED, T0 + 7 * DAY)]


def test_acting_starts_the_count_afresh() -> None:
    state = after_sending(after_sending(snapshot(), NoticeKind.STALLED, T0 + 3 * DAY), NoticeKind.STALLED, T0 + 7 * DAY)
    assert next_notice(state, POLICY, ALL_ON) is None
    acted = replace(state, last_activity=T0 + 10 * DAY)
    assert next_notice(acted, POLICY, ALL_ON) == Due(NoticeKind.STALLED, T0 + 13 * DAY)


def test_a_failed_quiz_gets_review_and_retry_first_then_one_stalled_nudge() -> None:
    failed = snapshot(failed_at=T0)
    assert send_all(failed) == [Due(NoticeKind.RETRY, T0 + 2 * DAY), Due(NoticeKind.STALLED, T0 + 6 * DAY)]


def test_reviewing_after_a_failure_does_not_repeat_the_retry_nudge() -> None:
    nudged = after_sending(snapshot(failed_at=T0), NoticeKind.RETRY, T0 + 2 * DAY)
    reviewing = replace(nudged, last_activity=T0 + 2 * DAY + timedelta(hours=5))
    assert next_notice(reviewing, POLICY, ALL_ON) == Due(NoticeKind.STALLED, reviewing.last_activity + 3 * DAY)


def test_turned_off_kinds_are_not_sent() -> None:
    no_retry = replace(ALL_ON, retry=False)
    assert send_all(snapshot(failed_at=T0), no_retry)[0] == Due(NoticeKind.STALLED, T0 + 3 * DAY)
    assert send_all(snapshot(), replace(ALL_ON, stalled=False, retry=False)) == []


def test_a_waiting_learner_hears_when_the_week_opens_and_the_silence_counts_from_then() -> None:
    opens = T0 + 5 * DAY
    waiting = snapshot(started=False, opens_at=opens, lecture_key="l2", waiting_since=T0)
    assert send_all(waiting, until=opens + 4 * DAY) == [Due(NoticeKind.NEW_WEEK, opens),
                                                        Due(NoticeKind.STALLED, opens + 3 * DAY)]
    # A learner who passed after the week had opened has nothing to wait for.
    assert next_notice(replace(waiting, waiting_since=opens + DAY), POLICY, ALL_ON).kind is NoticeKind.STALLED


def test_nothing_is_sent_in_quiet_hours_it_waits_for_the_morning() -> None:
    almaty = ZoneInfo("Asia/Almaty")
    evening = datetime(2026, 1, 5, 23, 0, tzinfo=almaty).astimezone(UTC)
    prefs = replace(ALL_ON, quiet=QuietHours.parse("22:00-08:00"), zone=almaty)
    due = next_notice(snapshot(last_activity=evening), POLICY, prefs)
    assert due is not None and due.at == datetime(2026, 1, 9, 8, 0, tzinfo=almaty).astimezone(UTC)


def test_everything_passed_means_nothing_to_send() -> None:
    assert next_notice(snapshot(lecture_key=None), POLICY, ALL_ON) is None


def test_the_wake_up_after_activity_is_never_later_than_a_release() -> None:
    assert wake_after_activity(T0, POLICY, None) == T0 + 2 * DAY
    assert wake_after_activity(T0, POLICY, T0 + DAY) == T0 + DAY
    assert wake_after_activity(T0, POLICY, T0 - DAY) == T0 + 2 * DAY


def test_a_snapshot_from_rows() -> None:
    lectures = [SimpleNamespace(key="l1", week=1), SimpleNamespace(key="l2", week=2)]
    progress = {"l1": SimpleNamespace(passed_at=T0 + DAY, chunk_cursor=5),
                "l2": SimpleNamespace(passed_at=None, chunk_cursor=-1)}
    enrolment = SimpleNamespace(enrolled_at=T0, last_activity_at=T0 + DAY, nudges_sent=1, last_nudge_at=None,
                                announced_lecture=None)
    weekly = ReleaseSchedule.of("weekly_from_enrolment", "UTC")
    failed_earlier = AttemptFacts("l1", T0, False, 2, 5)
    state, lecture = snapshot_of(enrolment, T0 + 2 * DAY, lectures, progress, weekly, failed_earlier)  # type: ignore[arg-type]
    assert lecture is lectures[1]
    assert state == LearnerSnapshot("l2", False, T0 + 7 * DAY, T0 + DAY, T0 + 2 * DAY, None, 1, None, None)
    failed_here = AttemptFacts("l2", T0 + 3 * DAY, False, 2, 5)
    state, _ = snapshot_of(enrolment, T0, lectures, progress, weekly, failed_here)  # type: ignore[arg-type]
    assert state.failed_at == T0 + 3 * DAY
