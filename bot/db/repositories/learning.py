"""Enrolments and per-lecture progress."""
from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Course, Enrolment, LectureProgress


class EnrolmentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._courses_read: list[Course] = []  # the session keeps a row only while someone refers to it

    async def get(self, enrolment_id: int) -> Enrolment | None:
        return await self._session.get(Enrolment, enrolment_id)

    async def find(self, user_id: int, course_id: int) -> Enrolment | None:
        statement = select(Enrolment).where(Enrolment.user_id == user_id, Enrolment.course_id == course_id)
        return await self._session.scalar(statement)

    async def latest_for_user(self, user_id: int) -> Enrolment | None:
        """The course the learner touched last: commands without a course act on it.

        Its course row comes in the same statement (issue 12): the learner's context asks for it
        next (is there a newer version?), and the session then answers without a query."""
        row = (await self._session.execute(_LATEST_WITH_COURSE, {"user": user_id})).first()
        if row is None:
            return None
        self._courses_read.append(row[1])
        return row[0]

    async def for_user(self, user_id: int) -> Sequence[Enrolment]:
        """Every course of the learner, the most recently active first."""
        statement = (
            select(Enrolment)
            .where(Enrolment.user_id == user_id)
            .order_by(Enrolment.last_activity_at.desc(), Enrolment.id.desc())
        )
        return (await self._session.scalars(statement)).all()

    def add(self, enrolment: Enrolment) -> Enrolment:
        self._session.add(enrolment)
        return enrolment

    async def flush(self) -> None:
        await self._session.flush()


class ProgressRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def for_enrolment(self, enrolment_id: int) -> dict[str, LectureProgress]:
        statement = select(LectureProgress).where(LectureProgress.enrolment_id == enrolment_id)
        return {row.lecture_key: row for row in await self._session.scalars(statement)}

    async def get(self, enrolment_id: int, lecture_key: str) -> LectureProgress | None:
        statement = select(LectureProgress).where(
            LectureProgress.enrolment_id == enrolment_id, LectureProgress.lecture_key == lecture_key
        )
        return await self._session.scalar(statement)

    def add(self, progress: LectureProgress) -> LectureProgress:
        self._session.add(progress)
        return progress

    async def all_for(self, enrolment_ids: Sequence[int]) -> Sequence[LectureProgress]:
        statement = select(LectureProgress).where(LectureProgress.enrolment_id.in_(enrolment_ids))
        return (await self._session.scalars(statement)).all()

    async def move_cursor(self, progress_id: int, expected: int, target: int) -> bool:
        """Move the chunk cursor only from where the caller saw it: a double "Next" moves it once."""
        statement = (
            update(LectureProgress)
            .where(LectureProgress.id == progress_id, LectureProgress.chunk_cursor == expected)
            .values(chunk_cursor=target)
        )
        result = await self._session.execute(statement)
        return bool(result.rowcount)


_LATEST_WITH_COURSE = (select(Enrolment, Course)
                       .join(Course, Course.id == Enrolment.course_id)
                       .where(Enrolment.user_id == bindparam("user"))
                       .order_by(Enrolment.last_activity_at.desc(), Enrolment.id.desc())
                       .limit(1))
