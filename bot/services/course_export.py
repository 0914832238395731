"""/export: a course version as a .zip in the upload format (content/FORMAT.md).

course.yaml, lectures/NN-<key>.yaml and every media file under the path the course names it
by, read from the media store; `file_id:` and `url:` sources stay as they are. Edited
offline and uploaded again, it makes the same course.
"""
from __future__ import annotations

import asyncio
import io
import os
import zipfile
from dataclasses import dataclass
from enum import Enum

from bot.db.uow import UnitOfWork
from bot.media_store import MediaRefused, MediaStore, MediaUnavailable, open_regular
from bot.services.staff import CourseScope
from bot.services.course_yaml import CourseDocuments, MediaFile, course_documents, dump_yaml

# What a bot may upload to Telegram (TELEGRAM.md): a bigger export could not be sent.
MAX_EXPORT_BYTES = 50 * 1024 * 1024


class ExportProblem(Enum):
    NO_COURSE = "no_course"  # the database holds no course
    CHOOSE = "choose"  # several courses and none named
    UNKNOWN_COURSE = "unknown_course"
    NOT_YOURS = "not_yours"  # a course the instructor was not granted
    UNKNOWN_VERSION = "unknown_version"
    MEDIA_MISSING = "media_missing"  # a media file is gone from the store
    TOO_BIG = "too_big"


@dataclass(frozen=True)
class ExportRefused(Exception):
    """Raised: the one refusal answer (handlers/common/refusals.py) tells the instructor why."""

    problem: ExportProblem
    slugs: tuple[str, ...] = ()  # the courses to choose from
    detail: str = ""  # the missing file, the asked version, the size in MB


@dataclass(frozen=True)
class CourseExport:
    slug: str
    version_number: int
    filename: str
    data: bytes


class CourseExporter:
    def __init__(self, uow: UnitOfWork, media: MediaStore, scope: CourseScope | None = None) -> None:
        """`scope`: who exports; only their courses (None: every course)."""
        self._uow = uow
        self._media = media
        self._scope = scope

    async def export(self, slug: str | None = None, number: int | None = None) -> CourseExport:
        """The published version of `slug` (or version `number`); without a slug the only course."""
        courses = list(await self._uow.catalog.courses())
        mine = await self._scope.course_ids() if self._scope is not None else None
        if mine is not None:
            if slug is not None and any(course.slug == slug for course in courses):
                if not any(course.slug == slug and course.course_id in mine for course in courses):
                    raise ExportRefused(ExportProblem.NOT_YOURS, (slug,))
            courses = [course for course in courses if course.course_id in mine]
        if slug is None:
            if not courses:
                raise ExportRefused(ExportProblem.NO_COURSE)
            if len(courses) > 1:
                raise ExportRefused(ExportProblem.CHOOSE, tuple(course.slug for course in courses))
            slug = courses[0].slug
        course = next((course for course in courses if course.slug == slug), None)
        if course is None:
            raise ExportRefused(ExportProblem.UNKNOWN_COURSE, tuple(course.slug for course in courses), slug)
        wanted = number if number is not None else course.current_number
        version = await self._uow.catalog.version_by_number(course.course_id, wanted) if wanted else None
        if version is None:
            raise ExportRefused(ExportProblem.UNKNOWN_VERSION, (course.slug,), str(wanted or ""))
        lectures = []
        for lecture in await self._uow.courses.lectures(version.id):
            lectures.append((lecture, list(await self._uow.courses.chunks(lecture.id)),
                             list(await self._uow.courses.questions(lecture.id))))
        documents = course_documents(course.slug, version, lectures)
        try:
            stamp = max(version.created_at.timetuple()[:6], (1980, 1, 1, 0, 0, 0))  # zip dates start in 1980
            data = await asyncio.to_thread(self._zip, documents, stamp)
        except MediaUnavailable as missing:
            raise ExportRefused(ExportProblem.MEDIA_MISSING, (course.slug,), str(missing))
        if len(data) > MAX_EXPORT_BYTES:
            raise ExportRefused(ExportProblem.TOO_BIG, (course.slug,), str(round(len(data) / 1024 / 1024)))
        return CourseExport(course.slug, version.number, f"{course.slug}-v{version.number}.zip", data)

    def _zip(self, documents: CourseDocuments, stamp: tuple[int, ...]) -> bytes:
        """Every entry dated when the version was stored: one version always exports to the same bytes."""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            def put(name: str, data: bytes | str) -> None:
                archive.writestr(zipfile.ZipInfo(name, date_time=stamp), data, compress_type=zipfile.ZIP_DEFLATED)

            put("course.yaml", dump_yaml(documents.course))
            for name, document in documents.lectures:
                put(f"lectures/{name}", dump_yaml(document))
            for path, media in sorted(documents.media.items()):
                put(path, self._read(media))
        return buffer.getvalue()

    def _read(self, media: MediaFile) -> bytes:
        if media.stored:
            stored, _info = self._media.checked(media.stored)
            return stored.read_bytes()
        if media.local is None:
            raise MediaUnavailable(f"{media.path}: no file")
        try:
            descriptor = open_regular(media.local, media.local.parent)
        except MediaRefused as refused:
            raise MediaUnavailable(f"{media.path}: {refused.reason}") from None
        with os.fdopen(descriptor, "rb") as stream:
            return stream.read()
