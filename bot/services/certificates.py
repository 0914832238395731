"""Issuing a certificate when a learner has passed every lecture."""
from __future__ import annotations

import secrets

from bot.db.models import Certificate
from bot.db.uow import UnitOfWork
from bot.services.clock import Clock
from bot.services.learner_context import LearnerContext

# 16 random bytes: 128 bits, far beyond guessing, 22 URL-safe characters.
CODE_BYTES = 16


def new_certificate_code() -> str:
    return secrets.token_urlsafe(CODE_BYTES)


def certificate_url(public_base_url: str, code: str) -> str:
    return f"{public_base_url.rstrip('/')}/c/{code}"


class CertificateService:
    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def issue_if_complete(self, context: LearnerContext) -> Certificate | None:
        """Issue the certificate once every lecture is passed; return the existing one if any."""
        if not context.all_passed():
            return None
        existing = await self._uow.certificates.for_enrolment(context.enrolment.id)
        if existing is not None:
            return existing
        user = await self._uow.users.get(context.enrolment.user_id)
        assert user is not None
        holder = user.full_name or " ".join(part for part in (user.first_name, user.last_name) if part)
        now = self._clock.now()
        context.enrolment.completed_at = now
        return self._uow.certificates.add(
            Certificate(
                code=new_certificate_code(),
                enrolment_id=context.enrolment.id,
                user_id=user.id,
                course_id=context.enrolment.course_id,
                holder_name=holder,
                average_score=await self._average_percent(context),
                lecture_count=len(context.lectures),
                issued_at=now,
            )
        )

    async def _average_percent(self, context: LearnerContext) -> float:
        """Mean over lectures of the best attempt's share of correct answers, in percent."""
        best: dict[str, float] = {}
        for attempt in await self._uow.attempts.finished_for_enrolment(context.enrolment.id):
            share = (attempt.score or 0) / attempt.size if attempt.size else 0.0
            best[attempt.lecture_key] = max(best.get(attempt.lecture_key, 0.0), share)
        if not context.lectures:
            return 0.0
        total = sum(best.get(lecture.key, 0.0) for lecture in context.lectures)
        return round(100 * total / len(context.lectures), 1)
