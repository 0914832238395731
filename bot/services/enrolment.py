"""Enrolling learners in published courses."""
from __future__ import annotations

from dataclasses import dataclass

from bot.db.models import Enrolment, LectureProgress
from bot.db.uow import UnitOfWork
from bot.services.clock import Clock
from bot.services.reminders import ReminderPolicy, wake_after_activity
from bot.services.refusals import raise_refused
from bot.services.views import CourseSummary, Refusal, Refused


@dataclass(frozen=True)
class Enrolled:
    enrolment_id: int
    course: CourseSummary
    is_new: bool


class EnrolmentService:
    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def published_courses(self) -> list[CourseSummary]:
        summaries = []
        for course in await self._uow.courses.published():
            version = await self._uow.courses.version(course.current_version_id or 0)
            if version is not None:
                summaries.append(CourseSummary(course.id, course.slug, version.title))
        return summaries

    async def find_by_slug(self, slug: str) -> CourseSummary | None:
        course = await self._uow.courses.by_slug(slug)
        if course is None or not course.is_published or course.current_version_id is None:
            return None
        version = await self._uow.courses.version(course.current_version_id)
        return CourseSummary(course.id, course.slug, version.title) if version else None

    async def is_enrolled(self, user_id: int) -> bool:
        return await self._uow.enrolments.latest_for_user(user_id) is not None

    async def enrol(self, user_id: int, course_id: int) -> Enrolled:
        """Enrol the learner (once); the first lecture opens at once. Raises RefusedError."""
        return raise_refused(await self._enrol(user_id, course_id))

    async def _enrol(self, user_id: int, course_id: int) -> Enrolled | Refused:
        """Enrol the learner (once); the first lecture opens at once."""
        course = await self._uow.courses.get(course_id)
        if course is None or not course.is_published or course.current_version_id is None:
            return Refused(Refusal.UNKNOWN_COURSE)
        version = await self._uow.courses.version(course.current_version_id)
        assert version is not None
        summary = CourseSummary(course.id, course.slug, version.title)
        now = self._clock.now()
        existing = await self._uow.enrolments.find(user_id, course_id)
        if existing is not None:
            existing.last_activity_at = now
            return Enrolled(existing.id, summary, is_new=False)
        lectures = await self._uow.courses.lectures(version.id)
        policy = ReminderPolicy.of(version)
        # A cohort course may not have opened yet: the sweep then announces the first week.
        opens_at = policy.schedule.opens_at(lectures[0].week, now) if lectures else None
        enrolment = self._uow.enrolments.add(
            Enrolment(user_id=user_id, course_id=course_id, version_id=version.id,
                      enrolled_at=now, last_activity_at=now,
                      next_remind_at=wake_after_activity(now, policy, opens_at))
        )
        await self._uow.enrolments.flush()
        if lectures:
            self._uow.progress.add(
                LectureProgress(enrolment_id=enrolment.id, lecture_key=lectures[0].key, opened_at=now)
            )
        return Enrolled(enrolment.id, summary, is_new=True)
