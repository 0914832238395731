"""Draft and published versions of a course, and the audit log of content changes."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import AuditEntry, Chunk, Course, CourseVersion, Enrolment, Lecture, LectureProgress, Question

DRAFT, PUBLISHED, RETIRED = "draft", "published", "retired"


class CourseDraftRepository:
    """Reads that must see rows as they are now (a draft's chunks change when a file is
    attached), so nothing here goes through the content cache."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def all_courses(self) -> Sequence[Course]:
        return (await self._session.scalars(select(Course).order_by(Course.id))).all()

    async def draft(self, course_id: int) -> CourseVersion | None:
        statement = select(CourseVersion).where(CourseVersion.course_id == course_id,
                                                CourseVersion.state == DRAFT)
        return await self._session.scalar(statement.order_by(CourseVersion.number.desc()).limit(1))

    async def version(self, version_id: int) -> CourseVersion | None:
        return await self._session.get(CourseVersion, version_id)

    async def published_before(self, course_id: int, number: int) -> CourseVersion | None:
        """The newest version live before version `number` (published, or loaded before drafts)."""
        statement = (select(CourseVersion)
                     .where(CourseVersion.course_id == course_id, CourseVersion.number < number,
                            (CourseVersion.state == PUBLISHED) | CourseVersion.state.is_(None))
                     .order_by(CourseVersion.number.desc()).limit(1))
        return await self._session.scalar(statement)

    async def lectures(self, version_id: int) -> Sequence[Lecture]:
        statement = select(Lecture).where(Lecture.version_id == version_id).order_by(Lecture.position)
        return (await self._session.scalars(statement)).all()

    async def chunks(self, lecture_id: int) -> Sequence[Chunk]:
        statement = select(Chunk).where(Chunk.lecture_id == lecture_id).order_by(Chunk.position)
        return (await self._session.scalars(statement)).all()

    async def questions(self, lecture_id: int) -> Sequence[Question]:
        statement = select(Question).where(Question.lecture_id == lecture_id).order_by(Question.id)
        return (await self._session.scalars(statement)).all()

    async def passed_lecture(self, course_id: int, lecture_keys: Sequence[str]) -> Sequence[tuple[int, str]]:
        """(user id, lecture key) of every learner of the course who passed one of these lectures."""
        if not lecture_keys:
            return []
        statement = (select(Enrolment.user_id, LectureProgress.lecture_key)
                     .join(LectureProgress, LectureProgress.enrolment_id == Enrolment.id)
                     .where(Enrolment.course_id == course_id, LectureProgress.lecture_key.in_(list(lecture_keys)),
                            LectureProgress.passed_at.is_not(None))
                     .order_by(Enrolment.user_id, LectureProgress.lecture_key))
        return [(row[0], row[1]) for row in (await self._session.execute(statement)).all()]

    async def history(self, course_id: int | None, limit: int) -> Sequence[AuditEntry]:
        statement = select(AuditEntry)
        if course_id is not None:
            statement = statement.where(AuditEntry.course_id == course_id)
        return (await self._session.scalars(statement.order_by(AuditEntry.id.desc()).limit(limit))).all()

    def record(self, course_id: int, version_number: int | None, user_id: int, user_name: str, action: str,
               details: str, at: datetime) -> None:
        self._session.add(AuditEntry(course_id=course_id, version_number=version_number, user_id=user_id,
                                     user_name=user_name, action=action, details=details, at=at))

    async def flush(self) -> None:
        await self._session.flush()
