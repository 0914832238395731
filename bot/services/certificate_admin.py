"""What coordinators do to certificates: revoke one, re-issue one under a new code."""
from __future__ import annotations

import enum
from dataclasses import dataclass

from bot.db.models import Certificate, User
from bot.db.uow import UnitOfWork
from bot.services.certificate_views import CertificateFacts, Reissued, Revoked
from bot.services.certificates import certificate_facts, holder_name, looks_like_code, new_certificate_code
from bot.services.staff import Role, StaffService
from bot.services.clock import Clock
from bot.services.names import NameProblem
from bot.services.users import locale_from_telegram

MAX_REASON_CHARS = 500


class AdminProblem(enum.Enum):
    """Why a coordinator's command changed nothing; each has a localized answer."""

    UNKNOWN_CODE = "unknown_code"
    NO_REASON = "no_reason"
    REASON_TOO_LONG = "reason_too_long"  # over MAX_REASON_CHARS: the holder's message must fit Telegram's
    ALREADY_REVOKED = "already_revoked"
    SUPERSEDED = "superseded"  # a newer certificate of the same enrolment exists
    NOT_YOURS = "not_yours"  # a coordinator limited to other courses


@dataclass(frozen=True)
class AdminRefusal:
    problem: AdminProblem
    facts: CertificateFacts | None = None


class CertificateAdminService:
    def __init__(self, uow: UnitOfWork, clock: Clock, default_locale: str, staff: StaffService | None = None) -> None:
        self._uow = uow
        self._clock = clock
        self._default_locale = default_locale
        self._staff = staff

    async def _not_yours(self, by: int, course_id: int) -> bool:
        """A coordinator granted only some courses acts only on their certificates (HasRole has
        already let only coordinators and owners through)."""
        if self._staff is None:
            return False
        mine = await self._staff.course_ids_of(by, Role.COORDINATOR)
        return bool(mine) and course_id not in mine

    async def revoke(self, code: str, reason: str, by: int) -> Revoked | AdminRefusal:
        """Revoke the certificate; its holder is to be told, with the reason, in their language."""
        certificate = await self._find(code)
        if certificate is None:
            return AdminRefusal(AdminProblem.UNKNOWN_CODE)
        if await self._not_yours(by, certificate.course_id):
            return AdminRefusal(AdminProblem.NOT_YOURS)
        reason = " ".join(reason.split())
        if not reason:
            return AdminRefusal(AdminProblem.NO_REASON)
        if len(reason) > MAX_REASON_CHARS:  # refused, not cut: a reason cut short may say something else
            return AdminRefusal(AdminProblem.REASON_TOO_LONG)
        if certificate.revoked_at is not None:
            return AdminRefusal(AdminProblem.ALREADY_REVOKED, await certificate_facts(self._uow, certificate))
        self._revoke(certificate, reason, by)
        user = await self._uow.users.get(certificate.user_id)
        assert user is not None
        return Revoked(await certificate_facts(self._uow, certificate), reason, user.id, self._locale(user))

    async def reissue(self, code: str, by: int, reason: str = "re-issued") -> Reissued | AdminRefusal:
        """Revoke the certificate (if still valid) and issue a new code with the holder's current name."""
        certificate = await self._find(code)
        if certificate is None:
            return AdminRefusal(AdminProblem.UNKNOWN_CODE)
        if await self._not_yours(by, certificate.course_id):
            return AdminRefusal(AdminProblem.NOT_YOURS)
        newest = await self._uow.certificates.for_enrolment(certificate.enrolment_id)
        if newest is not None and newest.id != certificate.id:
            return AdminRefusal(AdminProblem.SUPERSEDED, await certificate_facts(self._uow, certificate))
        user = await self._uow.users.get(certificate.user_id)
        assert user is not None
        if certificate.revoked_at is None:
            self._revoke(certificate, reason, by)
        name = holder_name(user)
        if isinstance(name, NameProblem):  # an old profile entry the name rule now refuses: keep the printed one
            name = certificate.holder_name
        fresh = self._uow.certificates.add(
            Certificate(
                code=new_certificate_code(),
                enrolment_id=certificate.enrolment_id,
                user_id=certificate.user_id,
                course_id=certificate.course_id,
                holder_name=name,
                average_score=certificate.average_score,
                final_test_percent=certificate.final_test_percent,
                lecture_count=certificate.lecture_count,
                course_title=certificate.course_title,
                issued_at=certificate.issued_at,  # the completion date; the re-issue is this row's id
                reissue_of_id=certificate.id,
            )
        )
        await self._uow.certificates.flush()
        return Reissued(await certificate_facts(self._uow, fresh), user.id, self._locale(user))

    def _locale(self, user: User) -> str:
        return user.locale or locale_from_telegram(user.telegram_language, self._default_locale)

    async def _find(self, code: str) -> Certificate | None:
        return await self._uow.certificates.by_code(code) if looks_like_code(code) else None

    def _revoke(self, certificate: Certificate, reason: str, by: int) -> None:
        certificate.revoked_at = self._clock.now()
        certificate.revoke_reason = reason
        certificate.revoked_by = by
