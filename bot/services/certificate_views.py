"""Plain data about certificates that the services hand to the chat, the web page and the PDF."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.db.models import Certificate
from bot.services.final_test_rules import FinalTestStatus
from bot.services.names import NameProblem
from bot.services.views import Localized


@dataclass(frozen=True)
class CertificateFacts:
    """What a verifier sees: nothing here names the learner's account. `replaced_by` is the code of
    the certificate that re-issued this one (the same holder's), so a verifier holding the old
    link finds the new one."""

    code: str
    holder_name: str
    course_title: Localized
    issued_at: datetime
    average_score: float  # percent
    final_test_percent: float | None
    lecture_count: int
    revoked_at: datetime | None
    # The course's time zone: a completion late in the evening there is dated that day, not UTC's.
    zone: str = "UTC"
    replaced_by: str | None = None

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None

    @classmethod
    def of(cls, certificate: Certificate, fallback_title: Localized | None = None,
           zone: str = "UTC", replaced_by: str | None = None) -> CertificateFacts:
        return cls(
            code=certificate.code,
            holder_name=certificate.holder_name,
            course_title=certificate.course_title or fallback_title or {},
            issued_at=certificate.issued_at,
            average_score=certificate.average_score,
            final_test_percent=certificate.final_test_percent,
            lecture_count=certificate.lecture_count,
            revoked_at=certificate.revoked_at,
            zone=zone,
            replaced_by=replaced_by,
        )


# --- the learner's way to a certificate: one of these is the next step -------------------


@dataclass(frozen=True)
class LecturesLeft:
    """Some lectures are not passed yet (and, if the course has one, the final test waits)."""

    left: int
    total: int
    final_test: FinalTestStatus | None


@dataclass(frozen=True)
class FinalTestDue:
    """Every lecture is passed; the final test is not (yet)."""

    status: FinalTestStatus
    enrolment_id: int | None = None  # the course it is for: its button names it


@dataclass(frozen=True)
class NameToConfirm:
    """Conditions met: the learner confirms the name to print before the certificate is made."""

    name: str


@dataclass(frozen=True)
class NameNeeded:
    """Conditions met, but the name we have (Telegram's, or an old profile entry) breaks the name
    rule: the learner is asked to type one, and told why."""

    problem: NameProblem


@dataclass(frozen=True)
class CertificateReady:
    facts: CertificateFacts
    newly_issued: bool = False
    # Told to the holder only (never on the public page): why the certificate was revoked.
    revoke_reason: str | None = None


CompletionStep = LecturesLeft | FinalTestDue | NameToConfirm | NameNeeded | CertificateReady


@dataclass(frozen=True)
class Revoked:
    """A coordinator revoked a certificate: its holder is told, with the reason."""

    facts: CertificateFacts
    reason: str
    user_id: int
    locale: str


@dataclass(frozen=True)
class Reissued:
    """A coordinator re-issued a certificate: the new one goes to its holder's chat."""

    facts: CertificateFacts
    user_id: int
    locale: str | None
