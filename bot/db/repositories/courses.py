"""Courses, their versions and the content of each version."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Chunk, Course, CourseVersion, Lecture, Question


class ContentCache:
    """Published course content never changes (a new version gets new rows), so each
    process keeps what it has read: most updates then touch the database only for the
    learner's own rows. Cached rows are detached from any session and must not be edited.
    """

    def __init__(self, max_entries: int = 20_000) -> None:
        self.max_entries = max_entries
        self.entries: dict[tuple[str, int], Any] = {}

    def get(self, kind: str, key: int) -> Any:
        return self.entries.get((kind, key))

    def put(self, session: AsyncSession, kind: str, key: int, value: Any) -> Any:
        rows = value if isinstance(value, tuple) else (value,)
        for row in rows:
            if row is not None and row in session:
                session.expunge(row)
        if len(self.entries) >= self.max_entries:
            self.entries.clear()
        self.entries[(kind, key)] = value
        return value


class CourseRepository:
    def __init__(self, session: AsyncSession, cache: ContentCache | None = None) -> None:
        self._session = session
        self._cache = cache or ContentCache(max_entries=0)

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
        cached = self._cache.get("version", version_id)
        if cached is not None:
            return cached
        row = await self._session.get(CourseVersion, version_id)
        return self._cache.put(self._session, "version", version_id, row) if row is not None else None

    async def latest_version_number(self, course_id: int) -> int:
        statement = select(func.max(CourseVersion.number)).where(CourseVersion.course_id == course_id)
        return int(await self._session.scalar(statement) or 0)

    async def lectures(self, version_id: int) -> Sequence[Lecture]:
        cached = self._cache.get("lectures", version_id)
        if cached is not None:
            return cached
        statement = select(Lecture).where(Lecture.version_id == version_id).order_by(Lecture.position)
        rows = tuple((await self._session.scalars(statement)).all())
        return self._cache.put(self._session, "lectures", version_id, rows) if rows else rows

    async def lecture(self, lecture_id: int) -> Lecture | None:
        cached = self._cache.get("lecture", lecture_id)
        if cached is not None:
            return cached
        row = await self._session.get(Lecture, lecture_id)
        return self._cache.put(self._session, "lecture", lecture_id, row) if row is not None else None

    async def lecture_by_key(self, version_id: int, key: str) -> Lecture | None:
        statement = select(Lecture).where(Lecture.version_id == version_id, Lecture.key == key)
        return await self._session.scalar(statement)

    async def chunks(self, lecture_id: int) -> Sequence[Chunk]:
        cached = self._cache.get("chunks", lecture_id)
        if cached is not None:
            return cached
        statement = select(Chunk).where(Chunk.lecture_id == lecture_id).order_by(Chunk.position)
        rows = tuple((await self._session.scalars(statement)).all())
        return self._cache.put(self._session, "chunks", lecture_id, rows) if rows else rows

    async def chunk(self, chunk_id: int) -> Chunk | None:
        cached = self._cache.get("chunk", chunk_id)
        if cached is not None:
            return cached
        row = await self._session.get(Chunk, chunk_id)
        return self._cache.put(self._session, "chunk", chunk_id, row) if row is not None else None

    async def questions(self, lecture_id: int) -> Sequence[Question]:
        cached = self._cache.get("questions", lecture_id)
        if cached is not None:
            return cached
        statement = select(Question).where(Question.lecture_id == lecture_id).order_by(Question.id)
        rows = tuple((await self._session.scalars(statement)).all())
        for row in rows:
            self._cache.put(self._session, "question", row.id, row)
        return self._cache.put(self._session, "questions", lecture_id, rows) if rows else rows

    async def questions_by_ids(self, ids: Sequence[int]) -> dict[int, Question]:
        found = {key: self._cache.get("question", key) for key in ids}
        missing = [key for key, row in found.items() if row is None]
        if missing:
            for row in await self._session.scalars(select(Question).where(Question.id.in_(missing))):
                found[row.id] = self._cache.put(self._session, "question", row.id, row)
        return {key: row for key, row in found.items() if row is not None}

    def add(self, *rows: object) -> None:
        self._session.add_all(rows)

    async def flush(self) -> None:
        await self._session.flush()
