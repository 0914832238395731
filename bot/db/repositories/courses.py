"""Courses, their versions and the content of each version."""
from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Chunk, Course, CourseVersion, Lecture, Question


class CourseRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, course_id: int) -> Course | None:
        return await self._session.get(Course, course_id)

    async def by_slug(self, slug: str) -> Course | None:
        return await self._session.scalar(select(Course).where(Course.slug == slug))

    async def published(self) -> Sequence[Course]:
        statement = (
            select(Course)
            .where(Course.is_published.is_(True), Course.current_version_id.is_not(None))
            .order_by(Course.id)
        )
        return (await self._session.scalars(statement)).all()

    async def count(self) -> int:
        return int(await self._session.scalar(select(func.count()).select_from(Course)) or 0)

    async def version(self, version_id: int) -> CourseVersion | None:
        return await self._session.get(CourseVersion, version_id)

    async def latest_version_number(self, course_id: int) -> int:
        statement = select(func.max(CourseVersion.number)).where(CourseVersion.course_id == course_id)
        return int(await self._session.scalar(statement) or 0)

    async def lectures(self, version_id: int) -> Sequence[Lecture]:
        statement = select(Lecture).where(Lecture.version_id == version_id).order_by(Lecture.position)
        return (await self._session.scalars(statement)).all()

    async def lecture(self, lecture_id: int) -> Lecture | None:
        return await self._session.get(Lecture, lecture_id)

    async def lecture_by_key(self, version_id: int, key: str) -> Lecture | None:
        statement = select(Lecture).where(Lecture.version_id == version_id, Lecture.key == key)
        return await self._session.scalar(statement)

    async def chunks(self, lecture_id: int) -> Sequence[Chunk]:
        statement = select(Chunk).where(Chunk.lecture_id == lecture_id).order_by(Chunk.position)
        return (await self._session.scalars(statement)).all()

    async def chunk(self, chunk_id: int) -> Chunk | None:
        return await self._session.get(Chunk, chunk_id)

    async def chunk_at(self, lecture_id: int, position: int) -> Chunk | None:
        statement = select(Chunk).where(Chunk.lecture_id == lecture_id, Chunk.position == position)
        return await self._session.scalar(statement)

    async def questions(self, lecture_id: int) -> Sequence[Question]:
        statement = select(Question).where(Question.lecture_id == lecture_id).order_by(Question.id)
        return (await self._session.scalars(statement)).all()

    async def questions_by_ids(self, ids: Sequence[int]) -> dict[int, Question]:
        rows = await self._session.scalars(select(Question).where(Question.id.in_(ids)))
        return {row.id: row for row in rows}

    def add(self, *rows: object) -> None:
        self._session.add_all(rows)

    async def flush(self) -> None:
        await self._session.flush()
