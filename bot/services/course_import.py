"""Storing a validated course file as a new version of a course.

Local media files are copied into the bot's media store first (see `bot.media_store`), and
the version's rows name each by its store key: what learners receive no longer depends on
the folder the course was loaded from.
"""
from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.db.models import Chunk, Course, CourseVersion, Lecture, Question
from bot.db.uow import UnitOfWork
from bot.media_store import MediaRefused, MediaStore
from bot.services.clock import Clock
from content.errors import CourseError, CourseValidationError, kinded, params_of
from content.schema import Course as CourseSpec
from content.schema_base import MediaSource


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
    """`media` is where local media files are copied; without one (tests that never send a
    file) a version keeps the absolute paths of the folder it was loaded from."""

    def __init__(self, uow: UnitOfWork, clock: Clock, media: MediaStore | None = None) -> None:
        self._uow = uow
        self._clock = clock
        self._media = media
        self._stored: dict[Path, str] = {}  # media file → its store key, for this publish

    async def publish(self, spec: CourseSpec, *, as_draft: bool = False) -> ImportResult:
        """Store the course as its newest version; an unchanged course makes no new version.

        `as_draft`: the version is stored as the course's draft (an upload; see
        `bot.services.course_drafts`): always a new version, learners keep the published one,
        and a course seen for the first time is created unpublished.

        Raises `CourseValidationError` when a media file cannot be taken into the store (it
        became a symlink or vanished since validation).
        """
        now = self._clock.now()
        await self._store_media(spec)
        course = await self._uow.courses.by_slug(spec.slug)
        if course is None:
            course = Course(slug=spec.slug, is_published=not as_draft, created_at=now)
            self._uow.courses.add(course)
            await self._uow.courses.flush()
        elif course.current_version_id is not None and not as_draft:
            current = await self._uow.courses.version(course.current_version_id)
            if (current is not None and current.content_hash == spec.content_hash
                    and not await self._has_unstored_media(current.id)):
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
            # An upload's folder is a temporary one: its media live on in the store only.
            source_dir="" if as_draft else str(self._source_dir(spec)),
            created_at=now,
            state="draft" if as_draft else "published",
            **self._schedule(spec),
        )
        self._uow.courses.add(version)
        await self._uow.courses.flush()
        for position, lecture_spec in enumerate(spec.lectures):
            await self._add_lecture(version, position, lecture_spec, spec)
        if as_draft:
            return ImportResult(course.id, course.slug, number, is_new_version=True)
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
            lab=self._lab_body(spec.lab, course) if spec.lab else None,
        )
        self._uow.courses.add(lecture)
        await self._uow.courses.flush()
        chunk_positions: dict[str, int] = {}
        for chunk_position, chunk in enumerate(spec.chunks):
            chunk_positions[chunk.key] = chunk_position
            body = chunk_body(chunk)
            for name in ("video", "file"):
                source = getattr(chunk, name, None)
                if isinstance(source, MediaSource) and name in body:
                    body[name] = self._media_body(source, body[name], course)
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

    def _lab_body(self, lab: Any, course: CourseSpec) -> dict[str, Any]:
        body = lab.model_dump(mode="json", exclude_none=True)
        body["files"] = [self._media_body(source, dumped, course)
                         for source, dumped in zip(lab.files, body.get("files", []))]
        return body

    def _media_body(self, source: MediaSource, dumped: dict[str, Any], course: CourseSpec) -> dict[str, Any]:
        """Each local file as `{file: <path as written, relative to the course>, stored: <key>}`:
        the main file in place, any other file of the source (a language's own copy) under its
        field's name."""
        paths = {name: value for name in type(source).model_fields
                 if isinstance(value := getattr(source, name), Path)}
        if not paths or self._media is None:
            return dumped
        body = dict(dumped)
        for name, path in paths.items():
            try:
                written = path.relative_to(self._source_dir(course)).as_posix()
            except ValueError:
                written = path.name
            entry = {"file": written, "stored": self._stored[path]}
            if name == "file":
                body.update(entry)
            else:
                body[name] = entry
        return body

    async def _store_media(self, spec: CourseSpec) -> None:
        """Copy every local media file of the course into the store (off the event loop)."""
        if self._media is None:
            return
        folder = self._source_dir(spec)
        files = sorted(set(_media_files(spec)))
        problems: list[CourseError] = []
        for file in files:
            # A course built in Python has no folder: its files are taken where they are.
            root = Path(folder) if folder else file.parent
            try:
                self._stored[file] = await asyncio.to_thread(self._media.put, file, root)
            except MediaRefused as refused:
                problems.append(kinded(refused.path, None, refused.reason))
            except OSError as error:
                problems.append(CourseError(file, None, f"cannot be copied into the media store "
                                                        f"({error.strerror or error})", "media_not_copied",
                                            params_of({"detail": error.strerror or error})))
        if problems:
            raise CourseValidationError(problems)

    async def _has_unstored_media(self, version_id: int) -> bool:
        """A version loaded before the media store (absolute paths): loading the same course
        again makes a new version whose media is in the store."""
        if self._media is None:
            return False
        for lecture in await self._uow.courses.lectures(version_id):
            sources = [source for chunk in await self._uow.courses.chunks(lecture.id)
                       for name in ("video", "file") if isinstance(source := chunk.body.get(name), dict)]
            sources += [source for source in (lecture.lab or {}).get("files", []) if isinstance(source, dict)]
            if any(_unstored(source) for source in sources):
                return True
        return False

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
            # What the columns lose (they hold effective values), so /export writes the course
            # as it was given and exporting then uploading makes the same content hash.
            "authored": {
                "language_default": spec.language_default,
                "release_start": spec.settings.release.start.isoformat() if spec.settings.release.start else None,
                "lectures": {
                    lecture.key: {name: getattr(lecture, name) for name in ("quiz_size", "pass_score")
                                  if getattr(lecture, name) is not None}
                    for lecture in spec.lectures if lecture.quiz_size is not None or lecture.pass_score is not None
                },
            },
        }

    @staticmethod
    def _source_dir(spec: CourseSpec) -> Any:
        source = spec.source
        if source is None:
            return ""
        return source if source.is_dir() else source.parent


def _media_files(spec: CourseSpec) -> list[Path]:
    """Every local file the course's media sources name (a source may name several)."""
    sources: list[MediaSource] = []
    for lecture in spec.lectures:
        for chunk in lecture.chunks:
            sources += [source for name in ("video", "file")
                        if isinstance(source := getattr(chunk, name, None), MediaSource)]
        if lecture.lab is not None:
            sources += list(lecture.lab.files)
    return [value for source in sources for name in type(source).model_fields
            if isinstance(value := getattr(source, name), Path)]


def _unstored(source: dict[str, Any]) -> bool:
    """A file named by its path only (a version from before the store), here or in a copy."""
    if source.get("file") and not source.get("stored"):
        return True
    return any(isinstance(value, str) and Path(value).is_absolute() or isinstance(value, dict) and _unstored(value)
               for name, value in source.items() if name not in ("file", "stored", "url", "file_id"))
