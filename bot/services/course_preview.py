"""What an instructor's preview shows: the same views a learner gets, read from a draft (or the
published version) with no enrolment behind them. Reads only: a preview writes no row at all."""
from __future__ import annotations

from dataclasses import dataclass

from bot.db.models import CourseVersion, Lecture
from bot.db.repositories.course_drafts import DRAFT
from bot.db.uow import UnitOfWork
from bot.services.course_drafts import ContentProblem, ContentRefused, CourseDraftService
from bot.services.clock import Clock
from bot.services.staff import CourseScope
from bot.services.views import AnsweredView, ChunkView, LabView, Localized, QuestionView


@dataclass(frozen=True)
class PreviewStart:
    slug: str
    number: int
    is_draft: bool
    lecture_id: int
    lecture_key: str


@dataclass(frozen=True)
class UnknownLecture:
    key: str
    keys: list[str]


@dataclass(frozen=True)
class PreviewQuestion:
    view: QuestionView
    correct: int
    explanation: Localized


@dataclass(frozen=True)
class PreviewResult:
    score: int
    size: int
    pass_score: int
    lab: LabView | None  # shown on a pass, as a learner's first pass shows it


class CoursePreviewService:
    def __init__(self, uow: UnitOfWork, clock: Clock, scope: CourseScope | None = None) -> None:
        self._uow = uow
        self._drafts = CourseDraftService(uow, clock, None, scope)

    async def start(self, slug: str | None, lecture_key: str | None) -> PreviewStart | UnknownLecture:
        """The lecture to preview (the first by default). Raises `ContentRefused`."""
        course = await self._drafts.course(slug)
        version = await self._drafts.draft_or_published(course)
        lectures = list(await self._uow.drafts.lectures(version.id)) if version is not None else []
        if version is None or not lectures:
            raise ContentRefused(ContentProblem.NO_DRAFT, course.slug)
        lecture = lectures[0] if not lecture_key else next((row for row in lectures if row.key == lecture_key), None)
        if lecture is None:
            return UnknownLecture(lecture_key or "", [row.key for row in lectures])
        return PreviewStart(course.slug, version.number, version.state == DRAFT, lecture.id, lecture.key)

    async def is_course(self, slug: str) -> bool:
        return await self._uow.courses.by_slug(slug) is not None

    async def _lecture(self, lecture_id: int) -> tuple[Lecture, CourseVersion] | None:
        lecture = await self._uow.courses.lecture(lecture_id)
        version = await self._uow.drafts.version(lecture.version_id) if lecture is not None else None
        if version is not None:  # a forged press may name any lecture: its course must be the instructor's
            course = await self._uow.courses.get(version.course_id)
            if course is not None:
                await self._drafts.ensure_may_act(course)
        return (lecture, version) if lecture is not None and version is not None else None

    async def chunk(self, lecture_id: int, position: int) -> ChunkView | None:
        found = await self._lecture(lecture_id)
        if found is None:
            return None
        lecture, version = found
        chunks = await self._uow.drafts.chunks(lecture.id)
        if not chunks:
            return None
        chunk = chunks[min(position, len(chunks) - 1)]
        return ChunkView(chunk_id=chunk.id, enrolment_id=0, lecture_id=lecture.id, lecture_title=lecture.title,
                         lecture_number=lecture.position + 1, position=chunk.position, total=len(chunks),
                         kind=chunk.kind, title=chunk.title, body=chunk.body, source_dir=version.source_dir,
                         course_title=version.title, chunk_key=chunk.key)

    async def question(self, lecture_id: int, position: int) -> PreviewQuestion | None:
        """The quiz in bank order (the first quiz_size questions), options as written."""
        found = await self._lecture(lecture_id)
        if found is None:
            return None
        lecture, _version = found
        questions = list(await self._uow.drafts.questions(lecture.id))[:lecture.quiz_size]
        if position >= len(questions):
            return None
        question = questions[position]
        view = QuestionView(attempt_id=0, position=position, size=len(questions), lecture_title=lecture.title,
                            text=question.text, options=[option["text"] for option in question.options],
                            lecture_id=lecture.id, question_key=question.key)
        return PreviewQuestion(view, question.correct_index, question.explanation)

    @staticmethod
    def answer(question: PreviewQuestion, chosen: int) -> AnsweredView:
        return AnsweredView(question.view, chosen, question.correct, question.explanation)

    async def result(self, lecture_id: int, score: int, size: int) -> PreviewResult | None:
        found = await self._lecture(lecture_id)
        if found is None:
            return None
        lecture, version = found
        lab = None
        if lecture.lab and score >= lecture.pass_score:
            lab = LabView(lecture.title, lecture.lab["title"], lecture.lab["text"], lecture.lab.get("files", []),
                          version.source_dir)
        return PreviewResult(score, size, lecture.pass_score, lab)
