"""Delivering a lecture chunk by chunk, with a cursor that survives restarts."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.db.models import Chunk, Lecture, LectureProgress
from bot.db.uow import UnitOfWork
from bot.services.clock import Clock
from bot.services.learner_context import (
    LearnerContext,
    context_for_button,
    learner_zone,
    lecture_for_button,
    load_context,
    load_current,
    reachable_lecture,
    refusal_for,
    touch,
)
from bot.services.refusals import raise_refused
from bot.services.views import ChunkView, LectureState, Refusal, Refused


@dataclass(frozen=True)
class CourseFinished:
    """Every lecture is passed: nothing left to read."""

    certificate_code: str | None
    enrolment_id: int | None = None  # the finished course


@dataclass(frozen=True)
class NotEnrolled:
    """No course yet: nothing to resume (an answer about where the learner is, not a refusal)."""


@dataclass(frozen=True)
class WeekNotOpen:
    """Passed up to a lecture whose week opens later."""

    until: datetime | None
    zone: str


class LessonService:
    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def resume(self, user_id: int) -> ChunkView | CourseFinished | NotEnrolled | WeekNotOpen:
        """Where the learner left off: the chunk at the cursor of the open lecture."""
        context = await load_current(self._uow, user_id, self._clock.now())
        if context is None:
            return NotEnrolled()
        lecture = context.current_lecture()
        waiting = context.next_unpassed() if lecture is None else None
        if waiting is not None:  # passed up to a lecture whose week has not opened yet
            return WeekNotOpen(context.release_at(waiting), await learner_zone(self._uow, context))
        if lecture is None:
            certificate = await self._uow.certificates.for_enrolment(context.enrolment.id)
            return CourseFinished(certificate.code if certificate else None, context.enrolment.id)
        touch(context, self._clock.now())
        progress = await self._progress_row(context, lecture)
        position = max(progress.chunk_cursor, 0)
        progress.chunk_cursor = position
        return await self._view(context, lecture, position)

    async def open_lecture(self, user_id: int, lecture_id: int, enrolment_id: int | None = None) -> ChunkView:
        """An open lecture resumes at its cursor; a passed one is re-read from the start. Raises RefusedError."""
        return raise_refused(await self._open_lecture(user_id, lecture_id, enrolment_id))

    async def _open_lecture(self, user_id: int, lecture_id: int,
                            enrolment_id: int | None = None) -> ChunkView | Refused:
        """An open lecture resumes at its cursor; a passed one is re-read from the start."""
        reached = await reachable_lecture(self._uow, user_id, lecture_id, self._clock.now(), enrolment_id)
        if isinstance(reached, Refused):
            return reached
        context, lecture = reached
        state = context.state_of(lecture)
        touch(context, self._clock.now())
        progress = await self._progress_row(context, lecture)
        if state is LectureState.PASSED:
            return await self._view(context, lecture, 0, rereading=True)
        progress.chunk_cursor = max(progress.chunk_cursor, 0)
        return await self._view(context, lecture, progress.chunk_cursor)

    async def advance(self, user_id: int, enrolment_id: int, lecture_id: int, position: int,
                      rereading: bool = False) -> ChunkView:
        """The learner pressed "Next" under chunk `position`: deliver the chunk after it. Raises RefusedError."""
        return raise_refused(await self._advance(user_id, enrolment_id, lecture_id, position, rereading))

    async def _advance(self, user_id: int, enrolment_id: int, lecture_id: int, position: int,
                       rereading: bool = False) -> ChunkView | Refused:
        """The learner pressed "Next" under chunk `position`: deliver the chunk after it."""
        enrolment = await self._uow.enrolments.get(enrolment_id)
        if enrolment is None or enrolment.user_id != user_id:
            return Refused(Refusal.NOT_YOURS)
        context = await load_context(self._uow, enrolment, self._clock.now())
        lecture = await lecture_for_button(self._uow, context, lecture_id)
        if lecture is None:
            return Refused(Refusal.STALE)
        refused = await refusal_for(self._uow, context, lecture)
        if refused is not None:
            return refused
        chunks = await self._uow.courses.chunks(lecture.id)
        target = position + 1
        if target >= len(chunks):
            return Refused(Refusal.STALE)
        if not rereading:
            progress = await self._progress_row(context, lecture)
            await self._uow.session.flush()
            # Only a press under the chunk at the cursor moves on: a double press, or an
            # old "Next", would otherwise deliver the same chunk twice.
            if not await self._uow.progress.move_cursor(progress.id, position, target):
                return Refused(Refusal.STALE)
            progress.chunk_cursor = target
        touch(context, self._clock.now())
        return self._chunk_view(context, lecture, chunks[target], len(chunks), rereading)

    async def review(self, user_id: int, chunk_id: int, enrolment_id: int | None = None) -> ChunkView:
        """Show one chunk again (the learner follows a "review" pointer after a failed quiz). Raises RefusedError."""
        return raise_refused(await self._review(user_id, chunk_id, enrolment_id))

    async def _review(self, user_id: int, chunk_id: int, enrolment_id: int | None = None) -> ChunkView | Refused:
        """Show one chunk again (the learner follows a "review" pointer after a failed quiz)."""
        chunk = await self._uow.courses.chunk(chunk_id)
        named = await self._uow.courses.lecture(chunk.lecture_id) if chunk else None
        if chunk is None or named is None:
            return Refused(Refusal.STALE)
        # The course the chunk's button was sent for, not the one touched last.
        context = await context_for_button(self._uow, user_id, named.id, self._clock.now(), enrolment_id)
        if isinstance(context, Refused):
            return context
        version = await self._uow.courses.version(named.version_id)
        if version is None or version.course_id != context.enrolment.course_id:
            return Refused(Refusal.NOT_YOURS)
        lecture = await lecture_for_button(self._uow, context, named.id)
        if lecture is None:
            return Refused(Refusal.STALE)
        chunks = await self._uow.courses.chunks(lecture.id)
        if lecture.id != named.id:  # a button from an older version: the same chunk in the learner's
            key = chunk.key
            chunk = next((candidate for candidate in chunks if candidate.key == key), None)
            if chunk is None:
                return Refused(Refusal.STALE)
        if context.state_of(lecture) in (LectureState.LOCKED, LectureState.SCHEDULED):
            return Refused(Refusal.LOCKED)
        return self._chunk_view(context, lecture, chunk, len(chunks), rereading=True)

    async def _view(self, context: LearnerContext, lecture: Lecture, position: int,
                    rereading: bool = False) -> ChunkView:
        chunks = await self._uow.courses.chunks(lecture.id)
        position = min(position, len(chunks) - 1)
        return self._chunk_view(context, lecture, chunks[position], len(chunks), rereading)

    def _chunk_view(self, context: LearnerContext, lecture: Lecture, chunk: Chunk, total: int,
                    rereading: bool = False) -> ChunkView:
        return ChunkView(
            chunk_id=chunk.id,
            enrolment_id=context.enrolment.id,
            lecture_id=lecture.id,
            lecture_title=lecture.title,
            lecture_number=lecture.position + 1,
            position=chunk.position,
            total=total,
            kind=chunk.kind,
            title=chunk.title,
            body=chunk.body,
            source_dir=context.version.source_dir,
            rereading=rereading,
            course_id=context.version.course_id,
            course_title=context.version.title,
            chunk_key=chunk.key,
        )

    async def _progress_row(self, context: LearnerContext, lecture: Lecture) -> LectureProgress:
        progress = context.progress.get(lecture.key)
        if progress is None:
            progress = self._uow.progress.add(
                LectureProgress(enrolment_id=context.enrolment.id, lecture_key=lecture.key,
                                opened_at=self._clock.now())
            )
            context.progress[lecture.key] = progress
        return progress
