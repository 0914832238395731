"""What a learner should be sent next, and when: the rules of reminders, on plain data.

Three kinds of message, one learner at a time:
- NEW_WEEK: the learner passed everything before a lecture whose week was not yet open;
  they hear the moment it opens (once per lecture).
- RETRY: the last attempt at the open lecture failed and no new one was started; one
  nudge `retry_remind_after` days after the failure.
- STALLED: no activity on the open lecture for `remind_after` days; at most one more
  `remind_again` days after the first nudge (a RETRY nudge counts as the first); then
  silence until the learner acts. Activity is "silence is over": the count starts afresh.
Nothing is sent in quiet hours: the moment moves to the end of the window.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.db.models import CourseVersion, Enrolment, Lecture, LectureProgress, User
from bot.db.repositories.reminders import AttemptFacts  # the repository's row; reminders reason about it
from bot.services.quiet_hours import QuietHours, defer_past_quiet
from bot.services.releases import ReleaseSchedule
from bot.services.reminder_views import NoticeKind

MAX_NUDGES = 2  # stalled or retry nudges per silence


@dataclass(frozen=True)
class ReminderPolicy:
    """A course version's reminder settings and release schedule."""

    remind_after: timedelta
    remind_again: timedelta
    retry_after: timedelta
    quiet_hours: str
    zone: str
    schedule: ReleaseSchedule

    @classmethod
    def of(cls, version: CourseVersion) -> ReminderPolicy:
        return cls(timedelta(days=version.remind_after_days), timedelta(days=version.remind_again_days),
                   timedelta(days=version.retry_remind_days), version.quiet_hours, version.timezone,
                   schedule_of(version))


def schedule_of(version: CourseVersion) -> ReleaseSchedule:
    return ReleaseSchedule.of(version.release_mode, version.timezone, version.release_time, version.release_dates)


@dataclass(frozen=True)
class Preferences:
    """What the learner lets us send, and their clock."""

    new_week: bool
    stalled: bool
    retry: bool
    quiet: QuietHours | None
    zone: ZoneInfo


def preferences_of(user: User, policy: ReminderPolicy) -> Preferences:
    return Preferences(user.remind_new_week, user.remind_stalled, user.remind_retry,
                       QuietHours.parse(user.quiet_hours or policy.quiet_hours),
                       ZoneInfo(user.timezone or policy.zone))


@dataclass(frozen=True)
class LearnerSnapshot:
    lecture_key: str | None  # the first lecture not passed; None: every lecture passed
    started: bool  # the learner has opened it
    opens_at: datetime | None  # when its week opens (None: as soon as the one before is passed)
    waiting_since: datetime  # when the lecture before it was passed (or the enrolment)
    last_activity: datetime
    failed_at: datetime | None  # the newest attempt at it failed then, and none was started since
    nudges_sent: int
    last_nudge_at: datetime | None
    announced: str | None  # the lecture whose opening was announced last


@dataclass(frozen=True)
class Due:
    kind: NoticeKind
    at: datetime


def silence_began(snapshot: LearnerSnapshot) -> datetime:
    """The learner's last activity, or the opening of their lecture if that came later."""
    if snapshot.opens_at is not None and snapshot.opens_at > snapshot.last_activity:
        return snapshot.opens_at
    return snapshot.last_activity


def nudges_this_silence(snapshot: LearnerSnapshot) -> int:
    """Nudges sent since the learner last acted (acting starts the count afresh)."""
    if snapshot.last_nudge_at is None or snapshot.last_nudge_at < silence_began(snapshot):
        return 0
    return snapshot.nudges_sent


def next_notice(snapshot: LearnerSnapshot, policy: ReminderPolicy, prefs: Preferences) -> Due | None:
    """The next message for this learner and the moment to send it; None: nothing, ever,
    until something changes (the learner acts, or changes their settings)."""
    if snapshot.lecture_key is None:
        return None
    candidates: list[Due] = []
    opens_at = snapshot.opens_at
    if (prefs.new_week and opens_at is not None and opens_at > snapshot.waiting_since
            and snapshot.announced != snapshot.lecture_key and not snapshot.started):
        candidates.append(Due(NoticeKind.NEW_WEEK, opens_at))
    sent = nudges_this_silence(snapshot)
    retry_pending = snapshot.failed_at is not None and (
        snapshot.last_nudge_at is None or snapshot.last_nudge_at < snapshot.failed_at)
    if sent < MAX_NUDGES:
        if prefs.retry and retry_pending and snapshot.failed_at is not None:
            candidates.append(Due(NoticeKind.RETRY, snapshot.failed_at + policy.retry_after))
        elif prefs.stalled and sent == 0:
            candidates.append(Due(NoticeKind.STALLED, silence_began(snapshot) + policy.remind_after))
        elif prefs.stalled and snapshot.last_nudge_at is not None:
            candidates.append(Due(NoticeKind.STALLED, snapshot.last_nudge_at + policy.remind_again))
    if not candidates:
        return None
    first = min(candidates, key=lambda due: due.at)
    return Due(first.kind, defer_past_quiet(first.at, prefs.quiet, prefs.zone))


def after_sending(snapshot: LearnerSnapshot, kind: NoticeKind, at: datetime,
                  lecture_key: str | None = None) -> LearnerSnapshot:
    """The snapshot once `kind` (about `lecture_key`) was sent at `at`: what to store, and
    what to plan the next message from."""
    if kind is NoticeKind.NEW_WEEK:
        return replace(snapshot, announced=lecture_key or snapshot.lecture_key)
    return replace(snapshot, nudges_sent=nudges_this_silence(snapshot) + 1, last_nudge_at=at)


def wake_after_activity(now: datetime, policy: ReminderPolicy, opens_at: datetime | None) -> datetime:
    """No message can be due before this after the learner acts at `now` (the sweep then
    works out exactly what, if anything, is due)."""
    wake = now + min(policy.remind_after, policy.retry_after)
    return opens_at if opens_at is not None and now < opens_at < wake else wake


def snapshot_of(enrolment: Enrolment, last_seen: datetime, lectures: Sequence[Lecture],
                progress: Mapping[str, LectureProgress], schedule: ReleaseSchedule,
                newest_attempt: AttemptFacts | None) -> tuple[LearnerSnapshot, Lecture | None]:
    """The learner's standing from their rows, and the lecture it is about."""
    waiting_since = enrolment.enrolled_at
    current: Lecture | None = None
    for lecture in lectures:
        row = progress.get(lecture.key)
        if row is None or row.passed_at is None:
            current = lecture
            break
        waiting_since = row.passed_at
    last_activity = max(enrolment.last_activity_at, last_seen)
    common = dict(last_activity=last_activity, nudges_sent=enrolment.nudges_sent,
                  last_nudge_at=enrolment.last_nudge_at, announced=enrolment.announced_lecture)
    if current is None:
        return LearnerSnapshot(None, False, None, waiting_since, failed_at=None, **common), None
    row = progress.get(current.key)
    failed_at = None
    if (newest_attempt is not None and newest_attempt.lecture_key == current.key
            and newest_attempt.finished_at is not None and newest_attempt.passed is False):
        failed_at = newest_attempt.finished_at
    snapshot = LearnerSnapshot(
        lecture_key=current.key,
        started=row is not None and row.chunk_cursor >= 0,
        opens_at=schedule.opens_at(current.week, enrolment.enrolled_at),
        waiting_since=waiting_since,
        failed_at=failed_at,
        **common,
    )
    return snapshot, current
