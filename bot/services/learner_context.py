"""Everything about one learner's place in one course, loaded once per use case."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.db.models import CourseVersion, Enrolment, Lecture, LectureProgress
from bot.db.uow import UnitOfWork
from bot.services.releases import ReleaseSchedule
from bot.services.reminders import ReminderPolicy, schedule_of, wake_after_activity
from bot.services.unlock import lecture_states
from bot.services.views import LectureState, Refusal, Refused


@dataclass
class LearnerContext:
    enrolment: Enrolment
    version: CourseVersion
    lectures: Sequence[Lecture]
    progress: dict[str, LectureProgress]
    # The moment of the use case, for release dates; None: every week counts as open.
    now: datetime | None = None

    @property
    def schedule(self) -> ReleaseSchedule:
        return schedule_of(self.version)

    def release_at(self, lecture: Lecture) -> datetime | None:
        """When the lecture's week opens for this learner (None: no date, only the unlock rule)."""
        return self.schedule.opens_at(lecture.week, self.enrolment.enrolled_at)

    def states(self) -> dict[str, LectureState]:
        passed = {key for key, row in self.progress.items() if row.passed_at is not None}
        released = None
        if self.now is not None and not self.schedule.is_self_paced:
            now = self.now
            released = {lecture.key for lecture in self.lectures
                        if (opens := self.release_at(lecture)) is None or opens <= now}
        return lecture_states([lecture.key for lecture in self.lectures], passed, released)

    def next_unpassed(self) -> Lecture | None:
        """The first lecture not passed, open or not."""
        return next((lecture for lecture in self.lectures
                     if (row := self.progress.get(lecture.key)) is None or row.passed_at is None), None)

    def state_of(self, lecture: Lecture) -> LectureState:
        return self.states()[lecture.key]

    def lecture(self, lecture_id: int) -> Lecture | None:
        return next((lecture for lecture in self.lectures if lecture.id == lecture_id), None)

    def number_of(self, lecture: Lecture) -> int:
        return lecture.position + 1

    def current_lecture(self) -> Lecture | None:
        """The first open lecture; None when every lecture is passed, or the next one's week has not opened."""
        states = self.states()
        return next((lecture for lecture in self.lectures if states[lecture.key] is LectureState.OPEN), None)

    def following(self, lecture: Lecture) -> Lecture | None:
        return next((other for other in self.lectures if other.position == lecture.position + 1), None)

    def all_passed(self) -> bool:
        return all(state is LectureState.PASSED for state in self.states().values())


async def load_context(uow: UnitOfWork, enrolment: Enrolment, now: datetime | None = None,
                       version_id: int | None = None) -> LearnerContext:
    """The learner in the enrolment's version, or in `version_id` (the version an attempt was drawn from)."""
    version = await uow.courses.version(version_id or enrolment.version_id)
    assert version is not None, "an enrolment always points at a stored version"
    lectures = await uow.courses.lectures(version.id)
    progress = await uow.progress.for_enrolment(enrolment.id)
    return LearnerContext(enrolment, version, lectures, progress, now)


async def load_current(uow: UnitOfWork, user_id: int, now: datetime | None = None) -> LearnerContext | None:
    """The context of the learner's most recent course, or None if not enrolled.

    At a lecture boundary the learner moves to the course's newest version first.
    """
    enrolment = await uow.enrolments.latest_for_user(user_id)
    if enrolment is None:
        return None
    context = await load_context(uow, enrolment, now)
    return await follow_newest_version(uow, context)


async def learner_zone(uow: UnitOfWork, context: LearnerContext) -> str:
    """The learner's time zone from /settings, else the course's."""
    user = await uow.users.get(context.enrolment.user_id)
    return (user.timezone if user is not None else None) or context.version.timezone


async def follow_newest_version(uow: UnitOfWork, context: LearnerContext) -> LearnerContext:
    """Move the learner to the newest version at a lecture boundary; the context they are in afterwards.

    A boundary: no attempt running (a lecture quiz or the final test), and the lecture to read
    next not begun beyond its first chunk. Progress is keyed by lecture key, so passed lectures
    stay passed across versions; moving mid-lecture would change the chunks under the learner's
    cursor, and moving mid-test would grade the test against lectures it was not drawn from.
    """
    enrolment = context.enrolment
    course = await uow.courses.get(enrolment.course_id)
    if course is None or course.current_version_id in (None, enrolment.version_id):
        return context
    if await uow.attempts.has_open_attempt(enrolment.id):
        return context
    reading = context.next_unpassed()
    row = context.progress.get(reading.key) if reading is not None else None
    if row is not None and row.chunk_cursor > 0:
        return context
    enrolment.version_id = course.current_version_id
    return await load_context(uow, enrolment, context.now)


async def owned_context(uow: UnitOfWork, user_id: int, enrolment_id: int,
                        now: datetime | None = None) -> LearnerContext | Refused:
    """The context of the enrolment a button names (moved to the newest version at a boundary);
    refused unless it is the presser's own."""
    enrolment = await uow.enrolments.get(enrolment_id)
    if enrolment is None or enrolment.user_id != user_id:
        return Refused(Refusal.NOT_YOURS)
    return await follow_newest_version(uow, await load_context(uow, enrolment, now))


async def lecture_for_button(uow: UnitOfWork, context: LearnerContext, lecture_id: int) -> Lecture | None:
    """The learner's lecture that a button names.

    A button sent before the learner moved to a newer version names the old version's row:
    it means the lecture with the same key in the learner's version. None for a lecture of
    another course, or one the learner's version no longer has.
    """
    lecture = context.lecture(lecture_id)
    if lecture is not None:
        return lecture
    named = await uow.courses.lecture(lecture_id)
    if named is None:
        return None
    version = await uow.courses.version(named.version_id)
    if version is None or version.course_id != context.enrolment.course_id:
        return None
    return next((candidate for candidate in context.lectures if candidate.key == named.key), None)


async def refusal_for(uow: UnitOfWork, context: LearnerContext, lecture: Lecture) -> Refused | None:
    """Why the learner may not read `lecture` or take its quiz now, or None if they may."""
    state = context.state_of(lecture)
    if state is LectureState.LOCKED:
        return Refused(Refusal.LOCKED)
    if state is LectureState.SCHEDULED:
        return Refused(Refusal.NOT_RELEASED, until=context.release_at(lecture), zone=await learner_zone(uow, context))
    return None


async def context_for_button(uow: UnitOfWork, user_id: int, lecture_id: int, now: datetime,
                             enrolment_id: int | None = None) -> LearnerContext | Refused:
    """The context of the course a button about `lecture_id` was sent for.

    Not the course touched last: a learner in two courses presses buttons of both. A button
    names its enrolment, which must be the presser's; an older button without one means the
    learner's enrolment in the lecture's course (a learner has at most one per course).
    """
    if enrolment_id is not None:
        enrolment = await uow.enrolments.get(enrolment_id)
        if enrolment is None or enrolment.user_id != user_id:
            return Refused(Refusal.NOT_YOURS)
    else:
        named = await uow.courses.lecture(lecture_id)
        version = await uow.courses.version(named.version_id) if named is not None else None
        enrolment = await uow.enrolments.find(user_id, version.course_id) if version is not None else None
        if enrolment is None:
            enrolled = await uow.enrolments.latest_for_user(user_id) is not None
            return Refused(Refusal.STALE if enrolled else Refusal.NOT_ENROLLED)
    return await follow_newest_version(uow, await load_context(uow, enrolment, now))


async def reachable_lecture(uow: UnitOfWork, user_id: int, lecture_id: int, now: datetime,
                            enrolment_id: int | None = None) -> tuple[LearnerContext, Lecture] | Refused:
    """The context of the button's course and the lecture it names, if the learner may open it now."""
    context = await context_for_button(uow, user_id, lecture_id, now, enrolment_id)
    if isinstance(context, Refused):
        return context
    lecture = await lecture_for_button(uow, context, lecture_id)
    if lecture is None:
        return Refused(Refusal.STALE)
    refused = await refusal_for(uow, context, lecture)
    return refused if refused is not None else (context, lecture)


def touch(context: LearnerContext, now: datetime) -> None:
    """The learner acted: record it, and make sure the reminder sweep looks at them again
    no later than the first moment a message could be due (it never postpones an earlier look)."""
    enrolment = context.enrolment
    enrolment.last_activity_at = now
    current = context.next_unpassed()
    wake = wake_after_activity(now, ReminderPolicy.of(context.version),
                               context.release_at(current) if current is not None else None)
    if enrolment.next_remind_at is None or enrolment.next_remind_at > wake:
        enrolment.next_remind_at = wake
