"""Everything about one learner's place in one course, loaded once per use case."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.db.models import CourseVersion, Enrolment, Lecture, LectureProgress
from bot.db.uow import UnitOfWork
from bot.services.unlock import lecture_states
from bot.services.views import LectureState


@dataclass
class LearnerContext:
    enrolment: Enrolment
    version: CourseVersion
    lectures: Sequence[Lecture]
    progress: dict[str, LectureProgress]

    def states(self) -> dict[str, LectureState]:
        passed = {key for key, row in self.progress.items() if row.passed_at is not None}
        return lecture_states([lecture.key for lecture in self.lectures], passed)

    def state_of(self, lecture: Lecture) -> LectureState:
        return self.states()[lecture.key]

    def lecture(self, lecture_id: int) -> Lecture | None:
        return next((lecture for lecture in self.lectures if lecture.id == lecture_id), None)

    def number_of(self, lecture: Lecture) -> int:
        return lecture.position + 1

    def current_lecture(self) -> Lecture | None:
        """The first open lecture, or None when every lecture is passed."""
        states = self.states()
        return next((lecture for lecture in self.lectures if states[lecture.key] is LectureState.OPEN), None)

    def following(self, lecture: Lecture) -> Lecture | None:
        return next((other for other in self.lectures if other.position == lecture.position + 1), None)

    def all_passed(self) -> bool:
        return all(state is LectureState.PASSED for state in self.states().values())


async def load_context(uow: UnitOfWork, enrolment: Enrolment) -> LearnerContext:
    version = await uow.courses.version(enrolment.version_id)
    assert version is not None, "an enrolment always points at a stored version"
    lectures = await uow.courses.lectures(version.id)
    progress = await uow.progress.for_enrolment(enrolment.id)
    return LearnerContext(enrolment, version, lectures, progress)


async def load_current(uow: UnitOfWork, user_id: int) -> LearnerContext | None:
    """The context of the learner's most recent course, or None if not enrolled."""
    enrolment = await uow.enrolments.latest_for_user(user_id)
    if enrolment is None:
        return None
    await follow_newest_version(uow, enrolment)
    return await load_context(uow, enrolment)


async def follow_newest_version(uow: UnitOfWork, enrolment: Enrolment) -> None:
    """Move the learner to the newest version, unless an attempt is running on the old one.

    Progress is keyed by lecture key, so passed lectures stay passed across versions; an
    attempt in progress keeps its own lecture row and questions whatever happens here.
    """
    course = await uow.courses.get(enrolment.course_id)
    if course is None or course.current_version_id in (None, enrolment.version_id):
        return
    current = await uow.courses.lectures(enrolment.version_id)
    for lecture in current:
        if await uow.attempts.open_attempt(enrolment.id, lecture.key) is not None:
            return
    enrolment.version_id = course.current_version_id


def touch(context: LearnerContext, now: datetime) -> None:
    context.enrolment.last_activity_at = now
