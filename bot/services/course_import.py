"""Storing a validated course file as a new version of a course."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.db.models import Chunk, Course, CourseVersion, Lecture, Question
from bot.db.uow import UnitOfWork
from bot.services.clock import Clock
from content.schema import Course as CourseSpec


@dataclass(frozen=True)
class ImportResult:
    course_id: int
    slug: str
    version_number: int
    is_new_version: bool


def _text(value: Any) -> dict[str, str] | None:
    return None if value is None else value.model_dump(mode="json")


def chunk_body(chunk: Any) -> dict[str, Any]:
    """A chunk's kind-specific fields as stored (and as the presenter reads them)."""
    return chunk.model_dump(mode="json", exclude={"key", "title", "type"}, exclude_none=True)


class CourseImporter:
    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def publish(self, spec: CourseSpec) -> ImportResult:
        """Store the course as its newest version; an unchanged course makes no new version."""
        now = self._clock.now()
        course = await self._uow.courses.by_slug(spec.slug)
        if course is None:
            course = Course(slug=spec.slug, is_published=True, created_at=now)
            self._uow.courses.add(course)
            await self._uow.courses.flush()
        elif course.current_version_id is not None:
            current = await self._uow.courses.version(course.current_version_id)
            if current is not None and current.content_hash == spec.content_hash:
                return ImportResult(course.id, course.slug, current.number, is_new_version=False)

        number = await self._uow.courses.latest_version_number(course.id) + 1
        final = spec.settings.final_test
        version = CourseVersion(
            course_id=course.id,
            number=number,
            content_hash=spec.content_hash,
            title=_text(spec.title),
            passport=self._passport(spec),
            quiz_size=spec.settings.quiz_size,
            pass_score=spec.settings.pass_score,
            retry_cooldown_minutes=spec.settings.retry_cooldown_minutes,
            timezone=spec.settings.timezone,
            final_test_size=final.size if final else None,
            final_test_pass_percent=final.pass_percent if final else None,
            final_test_attempts=final.attempts if final else None,
            final_test_cooldown_minutes=final.cooldown_minutes if final else 0,
            source_dir=str(self._source_dir(spec)),
            created_at=now,
            **self._schedule(spec),
        )
        self._uow.courses.add(version)
        await self._uow.courses.flush()
        for position, lecture_spec in enumerate(spec.lectures):
            await self._add_lecture(version, position, lecture_spec, spec)
        # Learners move to the new version at their next step (see learner_context).
        course.current_version_id = version.id
        course.is_published = True
        return ImportResult(course.id, course.slug, number, is_new_version=True)

    async def _add_lecture(self, version: CourseVersion, position: int, spec: Any, course: CourseSpec) -> None:
        lecture = Lecture(
            version_id=version.id,
            key=spec.key,
            position=position,
            week=spec.week or position + 1,
            title=_text(spec.title),
            quiz_size=course.quiz_size(spec),
            pass_score=course.pass_score(spec),
            lab=spec.lab.model_dump(mode="json", exclude_none=True) if spec.lab else None,
        )
        self._uow.courses.add(lecture)
        await self._uow.courses.flush()
        chunk_positions: dict[str, int] = {}
        for chunk_position, chunk in enumerate(spec.chunks):
            chunk_positions[chunk.key] = chunk_position
            body = chunk_body(chunk)
            self._uow.courses.add(Chunk(lecture_id=lecture.id, key=chunk.key, position=chunk_position,
                                        kind=chunk.type, title=_text(chunk.title), body=body))
        for question in spec.questions:
            self._uow.courses.add(Question(
                lecture_id=lecture.id,
                key=question.key,
                chunk_position=chunk_positions[question.chunk],
                text=_text(question.text),
                options=[option.model_dump(mode="json") for option in question.options],
                correct_index=next(index for index, option in enumerate(question.options) if option.correct),
                explanation=_text(question.explanation),
            ))

    @staticmethod
    def _schedule(spec: CourseSpec) -> dict[str, Any]:
        """Release and reminder settings as CourseVersion columns; a cohort's dates one per week."""
        settings = spec.settings
        dates = settings.release.week_dates(len(spec.weeks))
        return dict(
            release_mode=settings.release.mode,
            release_dates=[day.isoformat() for day in dates] if dates is not None else None,
            release_time=settings.release.time,
            remind_after_days=settings.remind_after,
            remind_again_days=settings.remind_again,
            retry_remind_days=settings.retry_remind_after,
            quiet_hours=settings.quiet_hours,
        )

    @staticmethod
    def _passport(spec: CourseSpec) -> dict[str, Any]:
        return {
            "abstract": _text(spec.abstract),
            "authors": [author.model_dump(mode="json", exclude_none=True) for author in spec.authors],
            "format": _text(spec.format),
            "workload_hours": spec.workload_hours,
            "prerequisites": _text(spec.prerequisites),
            "weeks": [
                {"number": week.number, "title": _text(week.title), "summary": _text(week.summary),
                 "lectures": [lecture.key for lecture in week.lectures]}
                for week in spec.weeks
            ],
        }

    @staticmethod
    def _source_dir(spec: CourseSpec) -> Any:
        source = spec.source
        if source is None:
            return ""
        return source if source.is_dir() else source.parent
