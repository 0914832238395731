"""The staff's view of every course: learners, versions, drafts; a version by its number."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.db.models import Course, CourseVersion, Enrolment


@dataclass(frozen=True)
class CourseRow:
    course_id: int
    slug: str
    title: dict[str, Any] | None  # of the current version (None: nothing published)
    current_number: int | None
    draft_number: int | None  # the course's draft (an upload not yet published), if any
    versions: int
    learners: int


class CatalogRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def courses(self) -> list[CourseRow]:
        """Every course, oldest first, with its current version's number and title."""
        versions = (select(CourseVersion.course_id, func.count().label("total"),
                           func.max(case((CourseVersion.state == "draft", CourseVersion.number))).label("draft"))
                    .group_by(CourseVersion.course_id).subquery())
        learners = (select(Enrolment.course_id, func.count().label("learners"))
                    .group_by(Enrolment.course_id).subquery())
        current = aliased(CourseVersion)
        statement = (
            select(Course.id, Course.slug, current.title, current.number, versions.c.draft, versions.c.total,
                   learners.c.learners)
            .outerjoin(current, current.id == Course.current_version_id)
            .outerjoin(versions, versions.c.course_id == Course.id)
            .outerjoin(learners, learners.c.course_id == Course.id)
            .order_by(Course.id)
        )
        return [CourseRow(row[0], row[1], row[2], row[3], row[4], int(row[5] or 0), int(row[6] or 0))
                for row in (await self._session.execute(statement)).all()]

    async def version_by_number(self, course_id: int, number: int) -> CourseVersion | None:
        statement = select(CourseVersion).where(CourseVersion.course_id == course_id,
                                                CourseVersion.number == number)
        return await self._session.scalar(statement)
