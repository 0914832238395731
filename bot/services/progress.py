"""What a learner has done: lecture states, the attempts table, the course passport."""
from __future__ import annotations

from bot.db.uow import UnitOfWork
from bot.services.certificates import CertificateService
from bot.services.clock import Clock, SystemClock
from bot.services.final_test_rules import FINAL_TEST_KEY
from bot.services.learner_context import learner_zone, load_current
from bot.services.refusals import raise_refused
from bot.services.views import (
    AttemptRow,
    LectureState,
    LectureStatus,
    PassportView,
    ProgressView,
    Refusal,
    Refused,
)


class ProgressService:
    def __init__(self, uow: UnitOfWork, clock: Clock | None = None) -> None:
        self._uow = uow
        self._clock = clock or SystemClock()

    async def overview(self, user_id: int) -> ProgressView:
        return raise_refused(await self._overview(user_id))

    async def _overview(self, user_id: int) -> ProgressView | Refused:
        context = await load_current(self._uow, user_id, self._clock.now())
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
                opens_at=context.release_at(lecture) if states[lecture.key] is LectureState.SCHEDULED else None,
            )
            for lecture in context.lectures
        ]
        certificate = await self._uow.certificates.for_enrolment(context.enrolment.id)
        # Only reads: a learner who meets every condition is issued the certificate by the
        # step that completed them (or by /certificate), not by looking at /progress.
        completion = None if certificate else await CertificateService(self._uow, self._clock).step(
            context, issue=False, existing=None)
        return ProgressView(context.version.title, lectures, certificate.code if certificate else None, completion,
                            zone=await learner_zone(self._uow, context))

    async def results(self, user_id: int) -> list[AttemptRow]:
        return raise_refused(await self._results(user_id))

    async def _results(self, user_id: int) -> list[AttemptRow] | Refused:
        context = await load_current(self._uow, user_id)
        if context is None:
            return Refused(Refusal.NOT_ENROLLED)
        attempts = await self._uow.attempts.finished_for_enrolment(context.enrolment.id)
        by_key = {lecture.key: lecture for lecture in context.lectures}
        zone = await learner_zone(self._uow, context)
        rows = []
        for attempt in attempts:
            if attempt.lecture_key == FINAL_TEST_KEY and attempt.finished_at is not None:
                rows.append(AttemptRow(0, context.version.title, attempt.score or 0, attempt.size,
                                       bool(attempt.passed), attempt.started_at, attempt.finished_at, is_final=True,
                                       zone=zone))
                continue
            lecture = by_key.get(attempt.lecture_key) or await self._uow.courses.lecture(attempt.lecture_id)
            if lecture is None or attempt.finished_at is None:
                continue
            rows.append(AttemptRow(lecture.position + 1, lecture.title, attempt.score or 0, attempt.size,
                                   bool(attempt.passed), attempt.started_at, attempt.finished_at, zone=zone))
        return rows

    async def passport(self, user_id: int) -> PassportView:
        return raise_refused(await self._passport(user_id))

    async def _passport(self, user_id: int) -> PassportView | Refused:
        context = await load_current(self._uow, user_id)
        if context is None:
            return Refused(Refusal.NOT_ENROLLED)
        version = context.version
        return PassportView(version.title, version.passport, len(context.lectures), version.quiz_size,
                            version.pass_score)
