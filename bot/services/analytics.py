"""Course figures for coordinators: /stats (enrolment, activity, the per-lecture funnel, attempts
and time to pass, completions, certificates) and /stuck (who stalled longest, and one nudge for
them all through the outbox). Plain Python: the SQL is in bot/db/repositories/analytics.py, the
texts and the chart on the Telegram side."""
from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import Any

from bot.db.repositories.analytics import LearnerRow, LectureRow
from bot.db.repositories.catalog import CourseRow
from bot.db.repositories.outbox import NewDelivery
from bot.db.uow import UnitOfWork
from bot.services.clock import Clock
from bot.services.staff import CourseScope
from bot.services.users import locale_from_telegram

ACTIVE_WINDOW = timedelta(days=7)
STALLED_AFTER = timedelta(days=3)  # no step for this long, not finished: stalled
STUCK_LISTED = 20  # /stuck names this many; its button nudges every stalled learner


class CourseChoiceProblem(Enum):
    NO_COURSE = "no_course"
    CHOOSE = "choose"
    UNKNOWN_COURSE = "unknown_course"
    NOT_YOURS = "not_yours"


@dataclass(frozen=True)
class AnalyticsRefused(Exception):
    """Raised before anything is read or written; answered by handlers/common/refusals.py."""

    problem: CourseChoiceProblem
    command: str  # the command to name in the answer: "stats", "stuck", "export"
    slugs: tuple[str, ...] = ()
    detail: str = ""


@dataclass(frozen=True)
class LectureFunnel:
    key: str
    title: dict[str, Any]
    reached: int  # opened the lecture
    attempted: int  # started its quiz at least once
    passed: int
    average_attempts_to_pass: float | None  # quiz attempts up to and including the first passed one
    median_minutes_to_pass: float | None  # from opening the lecture to passing it


@dataclass(frozen=True)
class CourseStats:
    course_id: int
    slug: str
    title: dict[str, Any]
    enrolled: int
    active_7_days: int
    completed: int
    certificates: int
    lectures: tuple[LectureFunnel, ...]
    average_attempts_to_pass: float | None  # over every lecture passed
    median_minutes_to_pass: float | None


@dataclass(frozen=True)
class StuckLearner:
    user_id: int
    name: str
    username: str | None
    locale: str
    last_activity_at: datetime
    days: int  # whole days since the last step
    lecture_key: str | None  # the first lecture not passed yet
    lecture_title: dict[str, Any] | None
    accepts_nudges: bool  # /settings: stalled reminders on


@dataclass(frozen=True)
class NudgeResult:
    queued: int
    skipped_opted_out: int
    already_nudged: int  # nudged today already (the same press twice, or two coordinators)


def learner_name(row: LearnerRow) -> str:
    return row.full_name or " ".join(part for part in (row.first_name, row.last_name) if part) or str(row.user_id)


def _average(values: list[int]) -> float | None:
    return sum(values) / len(values) if values else None


class AnalyticsService:
    def __init__(self, uow: UnitOfWork, clock: Clock, scope: CourseScope | None = None,
                 default_locale: str = "en") -> None:
        """`scope`: who asks; only their courses (None: every course)."""
        self._default_locale = default_locale
        self._uow = uow
        self._clock = clock
        self._scope = scope

    async def choose_course(self, slug: str | None, command: str) -> CourseRow:
        """The named course, or the only one the asker may see; refuses with the choice otherwise."""
        courses = list(await self._uow.catalog.courses())
        mine = await self._scope.course_ids() if self._scope is not None else None
        if mine is not None:
            if slug is not None and any(course.slug == slug and course.course_id not in mine for course in courses):
                raise AnalyticsRefused(CourseChoiceProblem.NOT_YOURS, command, (slug,))
            courses = [course for course in courses if course.course_id in mine]
        if slug is None:
            if not courses:
                raise AnalyticsRefused(CourseChoiceProblem.NO_COURSE, command)
            if len(courses) > 1:
                raise AnalyticsRefused(CourseChoiceProblem.CHOOSE, command, tuple(c.slug for c in courses))
            return courses[0]
        for course in courses:
            if course.slug == slug:
                return course
        raise AnalyticsRefused(CourseChoiceProblem.UNKNOWN_COURSE, command, tuple(c.slug for c in courses), slug)

    async def course_by_id(self, course_id: int, command: str) -> CourseRow:
        """A course named by a button: still there, and still the asker's."""
        for course in await self._uow.catalog.courses():
            if course.course_id == course_id:
                if self._scope is not None and not await self._scope.allows(course_id):
                    raise AnalyticsRefused(CourseChoiceProblem.NOT_YOURS, command, (course.slug,))
                return course
        raise AnalyticsRefused(CourseChoiceProblem.UNKNOWN_COURSE, command, (), str(course_id))

    async def stats(self, course: CourseRow) -> CourseStats:
        repo = self._uow.analytics
        now = self._clock.now()
        lectures = await repo.current_lectures(course.course_id)
        learners = await repo.learners(course.course_id)
        progress = await repo.progress(course.course_id)
        attempts = [row for row in await repo.attempts(course.course_id) if row.kind == "lecture"]

        reached: dict[str, int] = defaultdict(int)
        passed: dict[str, int] = defaultdict(int)
        minutes: dict[str, list[float]] = defaultdict(list)
        for row in progress:
            reached[row.lecture_key] += 1
            if row.passed_at is not None:
                passed[row.lecture_key] += 1
                minutes[row.lecture_key].append((row.passed_at - row.opened_at).total_seconds() / 60)
        attempted: dict[str, set[int]] = defaultdict(set)
        runs: dict[tuple[int, str], list[bool]] = defaultdict(list)  # finished attempts, in order
        for attempt in attempts:
            attempted[attempt.lecture_key].add(attempt.enrolment_id)
            if attempt.finished_at is not None:
                runs[(attempt.enrolment_id, attempt.lecture_key)].append(bool(attempt.passed))
        tries: dict[str, list[int]] = defaultdict(list)
        for (_enrolment, key), outcomes in runs.items():
            if True in outcomes:
                tries[key].append(outcomes.index(True) + 1)

        funnel = tuple(LectureFunnel(
            lecture.key, lecture.title, reached[lecture.key], len(attempted[lecture.key]), passed[lecture.key],
            _average(tries[lecture.key]),
            statistics.median(minutes[lecture.key]) if minutes[lecture.key] else None) for lecture in lectures)
        every_try = [count for lecture in lectures for count in tries[lecture.key]]
        every_minute = [value for lecture in lectures for value in minutes[lecture.key]]
        return CourseStats(
            course.course_id, course.slug, course.title or {}, len(learners),
            sum(1 for row in learners if row.last_activity_at >= now - ACTIVE_WINDOW),
            sum(1 for row in learners if row.completed_at is not None),
            await repo.certificates(course.course_id), funnel, _average(every_try),
            statistics.median(every_minute) if every_minute else None)

    async def stuck(self, course: CourseRow) -> list[StuckLearner]:
        """Learners who have not finished and made no step for STALLED_AFTER, longest first.

        Learners who blocked the bot are left out: nothing can reach them."""
        repo = self._uow.analytics
        now = self._clock.now()
        lectures = await repo.current_lectures(course.course_id)
        passed: dict[int, set[str]] = defaultdict(set)
        for row in await repo.progress(course.course_id):
            if row.passed_at is not None:
                passed[row.enrolment_id].add(row.lecture_key)
        found = []
        for learner in await repo.learners(course.course_id):
            if learner.completed_at is not None or not learner.is_active:
                continue
            if now - learner.last_activity_at < STALLED_AFTER:
                continue
            current = next((lecture for lecture in lectures if lecture.key not in passed[learner.enrolment_id]),
                           None)
            found.append(StuckLearner(learner.user_id, learner_name(learner), learner.username,
                                      learner.locale or locale_from_telegram(learner.telegram_language,
                                                                             self._default_locale),
                                      learner.last_activity_at, (now - learner.last_activity_at).days,
                                      current.key if current else None, current.title if current else None,
                                      learner.remind_stalled))
        found.sort(key=lambda learner: (learner.last_activity_at, learner.user_id))
        return found

    async def nudge(self, course: CourseRow, payload_for: Callable[[StuckLearner], dict[str, Any]]) -> NudgeResult:
        """Queue one nudge (kind 'nudge') per stalled learner who keeps stalled reminders on, in the
        caller's commit. One per learner, course and day: a second press the same day adds none."""
        learners = await self.stuck(course)
        now = self._clock.now()
        day = now.date().isoformat()
        wanted = [learner for learner in learners if learner.accepts_nudges]
        items = [NewDelivery(kind="nudge", chat_id=learner.user_id, user_id=learner.user_id,
                             payload=payload_for(learner), not_before=now,
                             dedupe_key=f"nudge:{course.course_id}:{learner.user_id}:{day}")
                 for learner in wanted]
        queued = await self._uow.outbox.enqueue(items)
        return NudgeResult(queued, len(learners) - len(wanted), len(wanted) - queued)


def lecture_order(lectures: list[LectureRow]) -> list[str]:
    return [lecture.key for lecture in lectures]
