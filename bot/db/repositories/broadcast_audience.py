"""The SQL behind a broadcast's audience: learners' enrolments with what the rules need to tell
them apart (bot/services/broadcast_audience.py holds the rules). Plain data out, no commits."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Course, CourseVersion, Delivery, Enrolment, Lecture, LectureProgress, User

_IN_CHUNK = 500  # ids per IN (...): far below SQLite's bound on parameters


@dataclass(frozen=True)
class AudienceRow:
    """One enrolment of an active learner."""

    user_id: int
    enrolment_id: int
    course_id: int
    version_id: int
    locale: str | None
    telegram_language: str | None
    announcements: bool
    enrolled_at: datetime
    completed_at: datetime | None
    last_activity_at: datetime


@dataclass(frozen=True)
class VersionPlan:
    """What "this week's lecture" needs of a course version: its schedule and lectures in order."""

    release_mode: str
    timezone: str
    release_time: str
    release_dates: list[Any] | None
    lectures: tuple[tuple[str, int], ...]  # (key, week), by position


@dataclass(frozen=True)
class CourseChoice:
    course_id: int
    slug: str
    title: dict[str, Any]
    timezone: str


class BroadcastAudienceRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def cancel_unsent_to(self, user_id: int) -> int:
        """A learner opted out of announcements: their copies of broadcasts not yet sent are dropped
        (the sender marks only pending rows "sending", so a cancelled one is never sent)."""
        result = await self._session.execute(
            update(Delivery).where(Delivery.user_id == user_id, Delivery.kind == "broadcast",
                                   Delivery.state == "pending")
            .values(state="cancelled", claim_token=None, claimed_until=None, error="opted out of announcements")
            .execution_options(synchronize_session=False)
        )
        return int(result.rowcount or 0)

    async def enrolments(self, course_ids: frozenset[int] | None, *, finished: bool | None = None,
                         idle_before: datetime | None = None, not_started: bool = False) -> list[AudienceRow]:
        """Enrolments of learners who have not blocked the bot, in `course_ids` (None: every course).

        finished: True only completed ones, False only those not completed; idle_before: last
        activity before that moment; not_started: no lecture opened yet."""
        statement = (
            select(Enrolment.user_id, Enrolment.id, Enrolment.course_id, Enrolment.version_id, User.locale,
                   User.telegram_language, User.announcements, Enrolment.enrolled_at, Enrolment.completed_at,
                   Enrolment.last_activity_at)
            .join(User, User.id == Enrolment.user_id)
            .where(User.is_active.is_(True))
            .order_by(Enrolment.user_id, Enrolment.id)
        )
        if course_ids is not None:
            statement = statement.where(Enrolment.course_id.in_(sorted(course_ids)))
        if finished is True:
            statement = statement.where(Enrolment.completed_at.is_not(None))
        elif finished is False:
            statement = statement.where(Enrolment.completed_at.is_(None))
        if idle_before is not None:
            statement = statement.where(Enrolment.last_activity_at < idle_before)
        if not_started:
            statement = statement.where(~exists().where(LectureProgress.enrolment_id == Enrolment.id))
        result = await self._session.execute(statement)
        return [AudienceRow(*row) for row in result.all()]

    async def opened_and_passed(self, enrolment_ids: Iterable[int]) -> dict[int, tuple[set[str], set[str]]]:
        """Per enrolment: the lecture keys opened, and those passed."""
        found: dict[int, tuple[set[str], set[str]]] = {}
        ids = sorted(set(enrolment_ids))
        for start in range(0, len(ids), _IN_CHUNK):
            result = await self._session.execute(
                select(LectureProgress.enrolment_id, LectureProgress.lecture_key, LectureProgress.passed_at)
                .where(LectureProgress.enrolment_id.in_(ids[start:start + _IN_CHUNK])))
            for enrolment_id, key, passed_at in result.all():
                opened, passed = found.setdefault(enrolment_id, (set(), set()))
                opened.add(key)
                if passed_at is not None:
                    passed.add(key)
        return found

    async def plans(self, version_ids: Iterable[int]) -> dict[int, VersionPlan]:
        ids = sorted(set(version_ids))
        if not ids:
            return {}
        versions = (await self._session.scalars(select(CourseVersion).where(CourseVersion.id.in_(ids)))).all()
        lectures: dict[int, list[tuple[str, int]]] = {}
        result = await self._session.execute(
            select(Lecture.version_id, Lecture.key, Lecture.week).where(Lecture.version_id.in_(ids))
            .order_by(Lecture.version_id, Lecture.position))
        for version_id, key, week in result.all():
            lectures.setdefault(version_id, []).append((key, week))
        return {version.id: VersionPlan(version.release_mode, version.timezone or "UTC", version.release_time,
                                        version.release_dates, tuple(lectures.get(version.id, ())))
                for version in versions}

    async def hold_confirmations_of(self, user_id: int) -> None:
        """Lock the coordinator's user row (PostgreSQL: FOR UPDATE; SQLite: the write turn already
        serializes): two confirmations of one draft then run one after the other, and the second
        finds the first one's broadcast."""
        await self._session.execute(select(User.id).where(User.id == user_id).with_for_update())

    async def courses(self, course_ids: frozenset[int] | None) -> list[CourseChoice]:
        """Published courses (of `course_ids`; None: all) with their current title and time zone."""
        statement = (
            select(Course.id, Course.slug, CourseVersion.title, CourseVersion.timezone)
            .join(CourseVersion, CourseVersion.id == Course.current_version_id)
            .order_by(Course.id)
        )
        if course_ids is not None:
            statement = statement.where(Course.id.in_(sorted(course_ids)))
        result = await self._session.execute(statement)
        return [CourseChoice(course_id, slug, title or {}, zone or "UTC") for course_id, slug, title, zone in result.all()]

