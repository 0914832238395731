"""One claimed learner: what to send now (Outgoing), or what to store and when to look again (Recorded)."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from bot.db.models import Enrolment, Lecture, LectureProgress, User
from bot.db.repositories.reminders import Recorded
from bot.db.uow import UnitOfWork
from bot.services.reminder_views import NoticeKind, NoticeView
from bot.services.reminders import (
    AttemptFacts,
    LearnerSnapshot,
    ReminderPolicy,
    after_sending,
    next_notice,
    preferences_of,
    snapshot_of,
)
from bot.services.users import locale_from_telegram


@dataclass(frozen=True)
class Outgoing:
    """A message to send under the claim, and what to store once it is sent."""

    enrolment_id: int
    user_id: int
    locale: str
    view: NoticeView
    lecture_key: str
    after: Recorded

    @property
    def kind(self) -> NoticeKind:
        return self.view.kind


async def plan_learner(uow: UnitOfWork, enrolment: Enrolment, user: User, progress: Mapping[str, LectureProgress],
                       attempt: AttemptFacts | None, now: datetime, default_locale: str) -> Recorded | Outgoing:
    version = await uow.courses.version(enrolment.version_id)
    assert version is not None, "an enrolment always points at a stored version"
    lectures = await uow.courses.lectures(version.id)
    policy = ReminderPolicy.of(version)
    snapshot, lecture = snapshot_of(enrolment, user.last_seen_at, lectures, progress, policy.schedule, attempt)
    seen = enrolment.last_activity_at
    prefs = preferences_of(user, policy)
    if enrolment.sending_kind is not None:
        # Marked "sending" by a process whose claim then expired: it died after the mark,
        # maybe after the send. Count it as sent; a lost nudge is better than a doubled one.
        kind = NoticeKind(enrolment.sending_kind)
        sent = after_sending(snapshot, kind, enrolment.sending_at or now, enrolment.sending_lecture)
        following = next_notice(sent, policy, prefs) if user.is_active else None
        return _recorded(enrolment.id, seen, sent, kind, following.at if following else None)
    if not user.is_active or lecture is None:
        return Recorded(enrolment.id, seen, None)
    due = next_notice(snapshot, policy, prefs)
    if due is None or due.at > now:
        return Recorded(enrolment.id, seen, due.at if due is not None else None)
    sent = after_sending(snapshot, due.kind, now, lecture.key)
    following = next_notice(sent, policy, prefs)
    return Outgoing(
        enrolment_id=enrolment.id,
        user_id=user.id,
        locale=user.locale or locale_from_telegram(user.telegram_language, default_locale),
        view=await _notice_view(uow, due.kind, lecture, progress.get(lecture.key), attempt),
        lecture_key=lecture.key,
        after=_recorded(enrolment.id, seen, sent, due.kind, following.at if following else None),
    )


def _recorded(enrolment_id: int, seen: datetime, sent: LearnerSnapshot, kind: NoticeKind,
              next_at: datetime | None) -> Recorded:
    if kind is NoticeKind.NEW_WEEK:
        return Recorded(enrolment_id, seen, next_at, announced_lecture=sent.announced)
    return Recorded(enrolment_id, seen, next_at, nudges_sent=sent.nudges_sent, last_nudge_at=sent.last_nudge_at)


async def _notice_view(uow: UnitOfWork, kind: NoticeKind, lecture: Lecture, progress: LectureProgress | None,
                       attempt: AttemptFacts | None) -> NoticeView:
    total = len(await uow.courses.chunks(lecture.id))
    cursor = progress.chunk_cursor if progress is not None else -1
    failed = attempt if kind is NoticeKind.RETRY else None
    return NoticeView(
        kind=kind,
        lecture_id=lecture.id,
        lecture_number=lecture.position + 1,
        week=lecture.week,
        lecture_title=lecture.title,
        part=cursor + 1 if cursor >= 0 else None,
        total=total,
        score=failed.score if failed else None,
        size=failed.size if failed else None,
        pass_score=min(lecture.pass_score, failed.size) if failed else None,
    )
