"""Certificate conditions and issuing: every lecture, the final test, a confirmed name."""
from __future__ import annotations

import secrets

from bot.db.models import Certificate, CourseVersion, User
from bot.db.uow import UnitOfWork
from bot.services.certificate_views import (
    CertificateFacts,
    CertificateReady,
    CompletionStep,
    FinalTestDue,
    LecturesLeft,
    NameNeeded,
    NameToConfirm,
)
from bot.services.clock import Clock
from bot.services.final_test_rules import FinalTestStatus, final_test_status
from bot.services.learner_context import (
    LearnerContext,
    follow_newest_version,
    load_context,
    load_current,
    owned_context,
)
from bot.services.names import NameProblem, checked_name, telegram_name
from bot.services.refusals import raise_refused
from bot.services.views import LectureState, Refusal, Refused

# 16 random bytes: 128 bits, far beyond guessing, 22 URL-safe characters.
CODE_BYTES = 16
VERIFY_PREFIX = "verify_"  # deep link t.me/<bot>?start=verify_<code>


def new_certificate_code() -> str:
    return secrets.token_urlsafe(CODE_BYTES)


def certificate_url(public_base_url: str, code: str) -> str:
    return f"{public_base_url.rstrip('/')}/c/{code}"


def looks_like_code(text: str) -> bool:
    """Cheap shape check before any lookup: URL-safe characters, a sane length."""
    return 16 <= len(text) <= 64 and all(char.isascii() and (char.isalnum() or char in "_-") for char in text)


def holder_name(user: User) -> str | NameProblem:
    """The name to print: from /profile, else the Telegram name, either through the one name rule.

    A Telegram name is whatever its owner typed there (markup, direction overrides, invisible
    characters, scripts the font lacks); it is printed only if it passes like a typed one.
    """
    return checked_name(user.full_name or telegram_name(user))


async def certificate_version(uow: UnitOfWork, certificate: Certificate) -> CourseVersion | None:
    """The course version of the certificate's enrolment: its title for old rows, its time zone for dates."""
    enrolment = await uow.enrolments.get(certificate.enrolment_id)
    return await uow.courses.version(enrolment.version_id) if enrolment else None


async def certificate_facts(uow: UnitOfWork, certificate: Certificate) -> CertificateFacts:
    """The public facts, dated on the course's calendar, with the code that replaced a re-issued one."""
    version = await certificate_version(uow, certificate)
    replacement = await uow.certificates.replacement_of(certificate.id) if certificate.revoked_at else None
    return CertificateFacts.of(certificate, version.title if version else None,
                               version.timezone if version else "UTC",
                               replaced_by=replacement.code if replacement else None)


class _Unread:
    """`step`'s default: the caller has not read the enrolment's certificate yet."""


UNREAD = _Unread()


class CertificateService:
    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def step(self, context: LearnerContext, issue: bool = True,
                   existing: Certificate | None | _Unread = UNREAD) -> CompletionStep:
        """The learner's next step towards the certificate; issues it once everything is met.

        The name must have been confirmed once (a one-time step): until then the
        certificate waits, so a wrong name is never printed.
        """
        zone = context.version.timezone
        if isinstance(existing, _Unread):  # a caller that already read it (/progress) saves the query
            existing = await self._uow.certificates.for_enrolment(context.enrolment.id)
        # A certificate, once issued, stays the learner's: a later version with one more
        # lecture does not take it away.
        if existing is not None and existing.revoked_at is None:
            return CertificateReady(CertificateFacts.of(existing, context.version.title, zone))
        final = await final_test_status(self._uow, context, self._clock.now())
        states = context.states()
        left = sum(1 for state in states.values() if state is not LectureState.PASSED)
        if left:
            return LecturesLeft(left, len(states), final)
        if existing is not None:  # revoked: the learner is told so and why, nothing is issued in its place
            return CertificateReady(CertificateFacts.of(existing, context.version.title, zone),
                                    revoke_reason=existing.revoke_reason)
        if final is not None and not final.passed:
            return FinalTestDue(final, context.enrolment.id)
        user = await self._uow.users.get(context.enrolment.user_id)
        assert user is not None
        name = holder_name(user)
        if isinstance(name, NameProblem):
            # The learner is asked to type a name (the Telegram side awaits it); it is confirmed like any other.
            if issue:
                user.name_confirmed = False
            return NameNeeded(name)
        if not user.name_confirmed or not issue:
            return NameToConfirm(name)
        certificate = await self._issue(context, user, name, final)
        return CertificateReady(CertificateFacts.of(certificate, zone=zone), newly_issued=True)

    async def for_learner(self, user_id: int, enrolment_id: int | None = None) -> CompletionStep:
        """/certificate: the certificate, or what is still missing for it. Raises RefusedError."""
        return raise_refused(await self._for_learner(user_id, enrolment_id))

    async def _for_learner(self, user_id: int, enrolment_id: int | None = None) -> CompletionStep | Refused:
        """/certificate: the certificate, or what is still missing for it, in the enrolment
        (default: the course touched last)."""
        context: LearnerContext | Refused | None
        if enrolment_id is not None:
            context = await owned_context(self._uow, user_id, enrolment_id, self._clock.now())
        else:
            context = await load_current(self._uow, user_id, self._clock.now())
        if context is None:
            return Refused(Refusal.NOT_ENROLLED)
        if isinstance(context, Refused):
            return context
        return await self.step(context)

    async def confirm_name(self, user_id: int) -> CompletionStep:
        """The learner pressed "Yes" under their name: remember it, and issue if all is met. Raises RefusedError."""
        return raise_refused(await self._confirm_name(user_id))

    async def _confirm_name(self, user_id: int) -> CompletionStep | Refused:
        """The learner pressed "Yes" under their name: remember it, and issue if all is met.

        Only at the name check: a "Yes" pressed (or forged) before the last lecture and the
        final test are passed would skip the check the certificate waits for.
        """
        context = await self._awaiting_name(user_id)
        if context is None:
            return Refused(Refusal.STALE)
        # One conditional write: of two "Yes" presses at once, only one finds the name
        # unconfirmed and goes on to issue; the other is a press of an old button.
        if not await self._uow.users.confirm_name(user_id):
            return Refused(Refusal.STALE)
        return await self.step(context)

    async def name_check_due(self, user_id: int) -> bool:
        """Whether a course of the learner waits only for the name to print (so the name may change now)."""
        return await self._awaiting_name(user_id) is not None

    async def _awaiting_name(self, user_id: int) -> LearnerContext | None:
        """The learner's course (the most recently active) whose certificate waits only for the name check."""
        user = await self._uow.users.get(user_id)
        if user is None or user.name_confirmed:
            return None
        # Looking at a course must not move it to its newest version: only the chosen one moves.
        for enrolment in await self._uow.enrolments.for_user(user_id):
            context = await load_context(self._uow, enrolment, self._clock.now())
            if isinstance(await self.step(context, issue=False), NameToConfirm):
                context = await follow_newest_version(self._uow, context)
                if isinstance(await self.step(context, issue=False), NameToConfirm):
                    return context
        return None

    async def verify(self, code: str) -> CertificateFacts | None:
        """The public facts of a certificate, or None for a code that does not exist."""
        if not looks_like_code(code):
            return None
        certificate = await self._uow.certificates.by_code(code)
        return await certificate_facts(self._uow, certificate) if certificate is not None else None

    async def _issue(self, context: LearnerContext, user: User, name: str,
                     final: FinalTestStatus | None) -> Certificate:
        now = self._clock.now()
        context.enrolment.completed_at = context.enrolment.completed_at or now
        certificate = self._uow.certificates.add(
            Certificate(
                code=new_certificate_code(),
                enrolment_id=context.enrolment.id,
                user_id=user.id,
                course_id=context.enrolment.course_id,
                holder_name=name,
                average_score=await self._average_percent(context),
                final_test_percent=final.best_percent if final else None,
                lecture_count=len(context.lectures),
                course_title=context.version.title,
                issued_at=now,
            )
        )
        await self._uow.certificates.flush()
        return certificate

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
