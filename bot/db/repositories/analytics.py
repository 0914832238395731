"""The SQL behind /stats, /stuck, item analysis and the learner-data export: plain rows of one
course, read in a few queries; every figure is worked out in bot/services/analytics*.py."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (AttemptItem, Certificate, Course, CourseVersion, Enrolment, Lecture, LectureProgress,
                           Question, QuizAttempt, User)


@dataclass(frozen=True)
class LectureRow:
    key: str
    position: int
    title: dict[str, Any]


@dataclass(frozen=True)
class LearnerRow:
    enrolment_id: int
    user_id: int
    first_name: str
    last_name: str | None
    username: str | None
    full_name: str | None
    locale: str | None
    telegram_language: str | None
    phone: str | None
    email: str | None
    is_active: bool
    remind_stalled: bool
    enrolled_at: datetime
    last_activity_at: datetime
    completed_at: datetime | None


@dataclass(frozen=True)
class ProgressRow:
    enrolment_id: int
    lecture_key: str
    opened_at: datetime
    passed_at: datetime | None
    best_score: int | None


@dataclass(frozen=True)
class AttemptRow:
    attempt_id: int
    enrolment_id: int
    lecture_key: str
    kind: str
    started_at: datetime
    finished_at: datetime | None
    score: int | None
    passed: bool | None


@dataclass(frozen=True)
class AnswerRow:
    """One answered question of an attempt; `chosen_option` indexes the question's own option list."""

    attempt_id: int
    enrolment_id: int
    attempt_kind: str
    attempt_finished: bool
    lecture_key: str  # the lecture the question belongs to
    question_key: str
    question_text: dict[str, Any]
    options: list[Any]
    correct_index: int
    chosen_option: int
    is_correct: bool
    answered_at: datetime | None


class AnalyticsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def current_lectures(self, course_id: int) -> list[LectureRow]:
        """The lectures of the course's current version, in order (none: nothing published)."""
        statement = (select(Lecture.key, Lecture.position, Lecture.title)
                     .join(Course, Course.current_version_id == Lecture.version_id)
                     .where(Course.id == course_id).order_by(Lecture.position))
        return [LectureRow(*row) for row in (await self._session.execute(statement)).all()]

    async def learners(self, course_id: int) -> list[LearnerRow]:
        statement = (select(Enrolment.id, User.id, User.first_name, User.last_name, User.username, User.full_name,
                            User.locale, User.telegram_language, User.phone, User.email, User.is_active, User.remind_stalled, Enrolment.enrolled_at,
                            Enrolment.last_activity_at, Enrolment.completed_at)
                     .join(User, User.id == Enrolment.user_id)
                     .where(Enrolment.course_id == course_id).order_by(Enrolment.id))
        return [LearnerRow(*row) for row in (await self._session.execute(statement)).all()]

    async def progress(self, course_id: int) -> list[ProgressRow]:
        statement = (select(LectureProgress.enrolment_id, LectureProgress.lecture_key, LectureProgress.opened_at,
                            LectureProgress.passed_at, LectureProgress.best_score)
                     .join(Enrolment, Enrolment.id == LectureProgress.enrolment_id)
                     .where(Enrolment.course_id == course_id).order_by(LectureProgress.id))
        return [ProgressRow(*row) for row in (await self._session.execute(statement)).all()]

    async def attempts(self, course_id: int) -> list[AttemptRow]:
        statement = (select(QuizAttempt.id, QuizAttempt.enrolment_id, QuizAttempt.lecture_key, QuizAttempt.kind,
                            QuizAttempt.started_at, QuizAttempt.finished_at, QuizAttempt.score, QuizAttempt.passed)
                     .join(Enrolment, Enrolment.id == QuizAttempt.enrolment_id)
                     .where(Enrolment.course_id == course_id).order_by(QuizAttempt.id))
        return [AttemptRow(*row) for row in (await self._session.execute(statement)).all()]

    async def answers(self, course_id: int) -> list[AnswerRow]:
        """Every answered item of every attempt (lecture quizzes and final tests), oldest first."""
        statement = (select(QuizAttempt.id, QuizAttempt.enrolment_id, QuizAttempt.kind,
                            QuizAttempt.finished_at.is_not(None), Lecture.key, Question.key, Question.text,
                            Question.options, Question.correct_index, AttemptItem.chosen_option,
                            AttemptItem.is_correct, AttemptItem.answered_at)
                     .join(QuizAttempt, QuizAttempt.id == AttemptItem.attempt_id)
                     .join(Enrolment, Enrolment.id == QuizAttempt.enrolment_id)
                     .join(Question, Question.id == AttemptItem.question_id)
                     .join(Lecture, Lecture.id == Question.lecture_id)
                     .where(Enrolment.course_id == course_id, AttemptItem.chosen_option.is_not(None))
                     .order_by(QuizAttempt.id, AttemptItem.position))
        return [AnswerRow(row[0], row[1], row[2], bool(row[3]), row[4], row[5], row[6], row[7], row[8], row[9],
                          bool(row[10]), row[11])
                for row in (await self._session.execute(statement)).all()]

    async def certificates(self, course_id: int) -> int:
        """Certificates in force (a revoked one does not count)."""
        statement = select(func.count(Certificate.id)).where(Certificate.course_id == course_id,
                                                             Certificate.revoked_at.is_(None))
        return int(await self._session.scalar(statement) or 0)

    async def course_title(self, course_id: int) -> dict[str, Any] | None:
        statement = (select(CourseVersion.title).join(Course, Course.current_version_id == CourseVersion.id)
                     .where(Course.id == course_id))
        return await self._session.scalar(statement)
