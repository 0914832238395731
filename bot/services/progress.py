"""What a learner has done: lecture states, the attempts table, the course passport."""
from __future__ import annotations

from bot.db.uow import UnitOfWork
from bot.services.learner_context import load_current
from bot.services.views import AttemptRow, LectureStatus, PassportView, ProgressView, Refusal, Refused


class ProgressService:
    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    async def overview(self, user_id: int) -> ProgressView | Refused:
        context = await load_current(self._uow, user_id)
        if context is None:
            return Refused(Refusal.NOT_ENROLLED)
        states = context.states()
        lectures = [
            LectureStatus(
                lecture_id=lecture.id,
                number=lecture.position + 1,
                week=lecture.week,
                title=lecture.title,
                state=states[lecture.key],
                best_score=(context.progress[lecture.key].best_score if lecture.key in context.progress else None),
                size=lecture.quiz_size,
            )
            for lecture in context.lectures
        ]
        certificate = await self._uow.certificates.for_enrolment(context.enrolment.id)
        return ProgressView(context.version.title, lectures, certificate.code if certificate else None)

    async def results(self, user_id: int) -> list[AttemptRow] | Refused:
        context = await load_current(self._uow, user_id)
        if context is None:
            return Refused(Refusal.NOT_ENROLLED)
        attempts = await self._uow.attempts.finished_for_enrolment(context.enrolment.id)
        by_key = {lecture.key: lecture for lecture in context.lectures}
        rows = []
        for attempt in attempts:
            lecture = by_key.get(attempt.lecture_key) or await self._uow.courses.lecture(attempt.lecture_id)
            if lecture is None or attempt.finished_at is None:
                continue
            rows.append(AttemptRow(lecture.position + 1, lecture.title, attempt.score or 0, attempt.size,
                                   bool(attempt.passed), attempt.started_at, attempt.finished_at))
        return rows

    async def passport(self, user_id: int) -> PassportView | Refused:
        context = await load_current(self._uow, user_id)
        if context is None:
            return Refused(Refusal.NOT_ENROLLED)
        version = context.version
        return PassportView(version.title, version.passport, len(context.lectures), version.quiz_size,
                            version.pass_score)
