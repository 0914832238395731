"""The content workflow: an upload becomes a draft; the draft is compared, published, rolled back.

Learners only ever see `courses.current_version_id` (a published version); a draft is a version
row like any other, in state "draft", at most one per course (a new upload retires the old one).
Every step is written to the audit log with who did it. Nothing here commits: the update's unit
of work does.
"""
from __future__ import annotations

import enum
from collections import defaultdict
from dataclasses import dataclass, field

from bot.db.models import Chunk, Course, CourseVersion, Lecture, Question
from bot.db.repositories.course_drafts import DRAFT, PUBLISHED, RETIRED
from bot.db.uow import UnitOfWork
from bot.media_store import MediaStore
from bot.services.clock import Clock
from bot.services.course_diff import Change, LectureContent, changed_lectures, diff_lectures
from bot.services.course_import import CourseImporter
from bot.services.staff import CourseScope
from content.schema import Course as CourseSpec

Localized = dict[str, str]
ATTACHABLE = {"video": "video", "file": "file"}  # chunk kind → the body field holding its media


class ContentProblem(enum.Enum):
    NO_COURSE = "no_course"  # no course of that slug (or several courses and none named)
    NO_DRAFT = "no_draft"
    NOTHING_TO_ROLL_BACK = "nothing_to_roll_back"
    UNKNOWN_CHUNK = "unknown_chunk"
    NOT_YOURS = "not_yours"  # a course the instructor was not granted
    NEW_COURSE_NOT_YOURS = "new_course_not_yours"  # only all-course instructors and owners create courses


@dataclass
class ContentRefused(Exception):
    problem: ContentProblem
    slug: str = ""
    valid: list[str] = field(default_factory=list)  # the chunk names a caption may use


@dataclass(frozen=True)
class Actor:
    user_id: int
    name: str


@dataclass(frozen=True)
class DraftMade:
    course_id: int
    slug: str
    number: int
    is_new_course: bool


@dataclass(frozen=True)
class Notice:
    """One learner who passed lectures that changed: one short note, in their language."""
    user_id: int
    locale: str | None
    lecture_titles: list[Localized]


@dataclass(frozen=True)
class Published:
    slug: str
    number: int
    notices: list[Notice]


@dataclass(frozen=True)
class RolledBack:
    slug: str
    from_number: int
    to_number: int


@dataclass(frozen=True)
class Attached:
    slug: str
    number: int
    name: str  # lecture/chunk
    chunk_title: Localized


@dataclass(frozen=True)
class HistoryLine:
    at: object
    user_id: int
    user_name: str
    action: str
    slug: str
    version_number: int | None
    details: str


class CourseDraftService:
    def __init__(self, uow: UnitOfWork, clock: Clock, media: MediaStore | None,
                 scope: CourseScope | None = None) -> None:
        """`scope`: who acts; every course settled on is checked against it (None: no check)."""
        self._uow = uow
        self._clock = clock
        self._media = media
        self._scope = scope

    async def ensure_may_act(self, course: Course) -> Course:
        if self._scope is not None and not await self._scope.allows(course.id):
            raise ContentRefused(ContentProblem.NOT_YOURS, course.slug)
        return course

    async def ensure_may_upload(self, slug: str) -> None:
        """An upload of an existing course needs that course; a new slug, an all-course grant."""
        course = await self._uow.courses.by_slug(slug)
        if course is not None:
            await self.ensure_may_act(course)
        elif self._scope is not None and not await self._scope.allows(None):
            raise ContentRefused(ContentProblem.NEW_COURSE_NOT_YOURS, slug)

    # --- finding the course a command names ------------------------------------------------
    async def course(self, slug: str | None) -> Course:
        """The course named, or the only course there is."""
        if slug:
            course = await self._uow.courses.by_slug(slug)
            if course is None:
                raise ContentRefused(ContentProblem.NO_COURSE, slug)
            return await self.ensure_may_act(course)
        courses = list(await self._uow.drafts.all_courses())
        if len(courses) != 1:
            raise ContentRefused(ContentProblem.NO_COURSE, "")
        return await self.ensure_may_act(courses[0])

    async def course_by_id(self, course_id: int) -> Course:
        course = await self._uow.courses.get(course_id)
        if course is None:
            raise ContentRefused(ContentProblem.NO_COURSE, "")
        return await self.ensure_may_act(course)

    async def live_version(self, course: Course) -> CourseVersion:
        """The published version learners get now; raises when there is none to roll back from."""
        current = await self._uow.drafts.version(course.current_version_id) if course.current_version_id else None
        if current is None:
            raise ContentRefused(ContentProblem.NOTHING_TO_ROLL_BACK, course.slug)
        return current

    async def draft_or_published(self, course: Course) -> CourseVersion | None:
        draft = await self._uow.drafts.draft(course.id)
        if draft is not None:
            return draft
        return await self._uow.drafts.version(course.current_version_id) if course.current_version_id else None

    # --- upload ----------------------------------------------------------------------------
    async def make_draft(self, spec: CourseSpec, by: Actor, details: str) -> DraftMade:
        await self.ensure_may_upload(spec.slug)
        course = await self._uow.courses.by_slug(spec.slug)
        old = await self._uow.drafts.draft(course.id) if course is not None else None
        # Media are copied into the store before any row is written: a refused file changes nothing.
        result = await CourseImporter(self._uow, self._clock, self._media).publish(spec, as_draft=True)
        if old is not None:
            old.state = RETIRED  # at most one draft: the new upload replaces it
        self._record(result.course_id, result.version_number, by, "upload", details)
        return DraftMade(result.course_id, result.slug, result.version_number, is_new_course=course is None)

    # --- diff ------------------------------------------------------------------------------
    async def diff(self, course: Course) -> tuple[CourseVersion, CourseVersion | None, list[Change]]:
        """(the draft, the published version or None, the changes)."""
        draft = await self._uow.drafts.draft(course.id)
        if draft is None:
            raise ContentRefused(ContentProblem.NO_DRAFT, course.slug)
        published = await self._uow.drafts.version(course.current_version_id) if course.current_version_id else None
        old = await self._content(published.id) if published is not None else []
        return draft, published, diff_lectures(old, await self._content(draft.id))

    async def _content(self, version_id: int) -> list[LectureContent]:
        return [LectureContent(lecture, await self._uow.drafts.chunks(lecture.id),
                               await self._uow.drafts.questions(lecture.id))
                for lecture in await self._uow.drafts.lectures(version_id)]

    # --- publish and roll back -------------------------------------------------------------
    async def publish(self, course: Course, by: Actor, draft_id: int | None = None) -> Published:
        """Make the draft live. Learners move to it at their next lecture boundary
        (`learner_context.follow_newest_version`); those who passed a changed lecture get a note."""
        draft, published, changes = await self.diff(course)
        if draft_id is not None and draft.id != draft_id:
            raise ContentRefused(ContentProblem.NO_DRAFT, course.slug)  # a button of a replaced draft
        draft.state = PUBLISHED
        course.current_version_id = draft.id
        course.is_published = True
        changed = changed_lectures(changes) if published is not None else []
        self._record(course.id, draft.number, by, "publish",
                     f"v{published.number} → v{draft.number}" if published is not None else f"v{draft.number}")
        titles = {lecture.key: lecture.title for lecture in await self._uow.drafts.lectures(draft.id)}
        passed: dict[int, list[str]] = defaultdict(list)
        for user_id, key in await self._uow.drafts.passed_lecture(course.id, changed):
            passed[user_id].append(key)
        notices = []
        for user_id, keys in passed.items():
            user = await self._uow.users.get(user_id)
            if user is None or not user.is_active:
                continue
            notices.append(Notice(user_id, user.locale, [titles[key] for key in keys if key in titles]))
        return Published(course.slug, draft.number, notices)

    async def rollback(self, course: Course, by: Actor, from_id: int | None = None) -> RolledBack:
        """The version live before the current one is live again; the current one is retired."""
        current = await self._uow.drafts.version(course.current_version_id) if course.current_version_id else None
        if current is None or (from_id is not None and current.id != from_id):
            raise ContentRefused(ContentProblem.NOTHING_TO_ROLL_BACK, course.slug)
        previous = await self._uow.drafts.published_before(course.id, current.number)
        if previous is None:
            raise ContentRefused(ContentProblem.NOTHING_TO_ROLL_BACK, course.slug)
        current.state = RETIRED
        previous.state = PUBLISHED
        course.current_version_id = previous.id
        self._record(course.id, previous.number, by, "rollback", f"v{current.number} → v{previous.number}")
        return RolledBack(course.slug, current.number, previous.number)

    # --- files by file_id ------------------------------------------------------------------
    async def attach(self, name: str, file_id: str, by: Actor) -> Attached:
        """Store a Telegram file_id on the chunk `lecture/chunk` of a draft (made from the
        published version when the course has none). Raises `ContentRefused` with the valid names."""
        lecture_key, _slash, chunk_key = name.strip().partition("/")
        valid: list[str] = []
        for course in await self._uow.drafts.all_courses():
            version = await self.draft_or_published(course)
            if version is None:
                continue
            for lecture in await self._uow.drafts.lectures(version.id):
                for chunk in await self._uow.drafts.chunks(lecture.id):
                    if chunk.kind not in ATTACHABLE:
                        continue
                    valid.append(f"{lecture.key}/{chunk.key}")
                    if (lecture.key, chunk.key) == (lecture_key, chunk_key):
                        return await self._attach(course, version, lecture.key, chunk.key, file_id, by)
        raise ContentRefused(ContentProblem.UNKNOWN_CHUNK, valid=valid)

    async def _attach(self, course: Course, version: CourseVersion, lecture_key: str, chunk_key: str,
                      file_id: str, by: Actor) -> Attached:
        await self.ensure_may_act(course)
        if version.state != DRAFT:
            version = await self._copy_as_draft(version)
        lecture = next(row for row in await self._uow.drafts.lectures(version.id) if row.key == lecture_key)
        chunk = next(row for row in await self._uow.drafts.chunks(lecture.id) if row.key == chunk_key)
        body = dict(chunk.body)
        body[ATTACHABLE[chunk.kind]] = {"file_id": file_id}
        chunk.body = body  # a new dict: the JSON column sees the change
        name = f"{lecture_key}/{chunk_key}"
        self._record(course.id, version.number, by, "attach", name)
        return Attached(course.slug, version.number, name, chunk.title)

    async def _copy_as_draft(self, source: CourseVersion) -> CourseVersion:
        number = await self._uow.courses.latest_version_number(source.course_id) + 1
        columns = {column.key: getattr(source, column.key) for column in CourseVersion.__table__.columns
                   if column.key not in ("id", "number", "state", "created_at")}
        draft = CourseVersion(**columns, number=number, state=DRAFT, created_at=self._clock.now())
        self._uow.courses.add(draft)
        await self._uow.courses.flush()
        for lecture in await self._uow.drafts.lectures(source.id):
            copy = Lecture(**_columns(lecture, Lecture, "id", "version_id"), version_id=draft.id)
            self._uow.courses.add(copy)
            await self._uow.courses.flush()
            for chunk in await self._uow.drafts.chunks(lecture.id):
                self._uow.courses.add(Chunk(**_columns(chunk, Chunk, "id", "lecture_id"), lecture_id=copy.id))
            for question in await self._uow.drafts.questions(lecture.id):
                self._uow.courses.add(Question(**_columns(question, Question, "id", "lecture_id"),
                                               lecture_id=copy.id))
        await self._uow.courses.flush()
        return draft

    # --- the audit log ---------------------------------------------------------------------
    def _record(self, course_id: int, number: int | None, by: Actor, action: str, details: str) -> None:
        self._uow.drafts.record(course_id, number, by.user_id, by.name, action, details, self._clock.now())

    async def history(self, slug: str | None, limit: int = 20) -> list[HistoryLine]:
        course = await self.course(slug) if slug else None
        slugs = {row.id: row.slug for row in await self._uow.drafts.all_courses()}
        mine = await self._scope.course_ids() if self._scope is not None else None
        return [HistoryLine(entry.at, entry.user_id, entry.user_name, entry.action, slugs.get(entry.course_id, "?"),
                            entry.version_number, entry.details)
                for entry in await self._uow.drafts.history(course.id if course else None, limit)
                if mine is None or entry.course_id in mine]


def _columns(row: object, model: type, *skip: str) -> dict[str, object]:
    return {column.key: getattr(row, column.key) for column in model.__table__.columns  # type: ignore[attr-defined]
            if column.key not in skip}
