"""The words of a certificate (PDF, web page, chat) in one language, from the gettext catalogs.

The caller passes its translate function as `_` (aiogram's gettext in a handler, or the
catalogs with an explicit locale on the web page), so `pybabel extract` finds these strings
and no service imports Telegram code.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date
from babel.numbers import format_percent

from bot.services.certificate_views import CertificateFacts
from bot.services.views import pick, visible_text

Translate = Callable[[str], str]


@dataclass(frozen=True)
class CertificateLabels:
    title: str
    certifies: str
    completed: str
    name: str
    course: str
    date: str
    score: str
    final_test: str
    lectures: str
    issuer: str
    code: str
    status: str
    valid: str
    revoked: str
    valid_note: str
    revoked_note: str  # has {date}
    replaced_note: str  # has {link}: the certificate that re-issued this one
    scan_hint: str
    not_found_title: str
    not_found_text: str
    too_many_title: str
    too_many_text: str


def certificate_labels(_: Translate) -> CertificateLabels:
    return CertificateLabels(
        title=_("Certificate of completion"),
        certifies=_("This certifies that"),
        completed=_("has successfully completed the course"),
        name=_("Name"),
        course=_("Course"),
        date=_("Completed on"),
        score=_("Final average score"),
        final_test=_("Final test"),
        lectures=_("Lectures passed"),
        issuer=_("Issued by"),
        code=_("Certificate code"),
        status=_("Status"),
        valid=_("VALID"),
        revoked=_("REVOKED"),
        valid_note=_("This certificate is genuine and valid."),
        revoked_note=_("This certificate was revoked by the issuer on {date} and is no longer valid."),
        replaced_note=_("It was re-issued under a new code; the valid certificate is here: {link}"),
        scan_hint=_("Scan the QR code or open the link to check this certificate."),
        not_found_title=_("Certificate not found"),
        not_found_text=_("There is no certificate with this code. Check the link or the code and try again."),
        too_many_title=_("Too many requests"),
        too_many_text=_("Too many requests from your address. Please wait a minute and try again."),
    )


def certificate_date(moment: datetime, locale: str, zone: str = "UTC") -> str:
    """A date in the reader's language (Babel), e.g. "5 января 2026 г.", on the calendar of `zone`
    (for a certificate: the course's, CertificateFacts.zone)."""
    return format_date(moment.astimezone(ZoneInfo(zone)), "long", locale=locale)


def certificate_percent(value: float, locale: str) -> str:
    """A score in percent in the reader's language, one decimal only when there is one."""
    return format_percent(value / 100, locale=locale, decimal_quantization=False)


@dataclass(frozen=True)
class FactLine:
    label: str
    value: str


def fact_lines(facts: CertificateFacts, labels: CertificateLabels, locale: str, issuer: str) -> list[FactLine]:
    """The facts every verifier sees, in the order the page, the PDF and the chat show them.

    Values are plain text (the course title's HTML is reduced to what it shows): escape them for HTML.
    """
    lines = [
        FactLine(labels.name, facts.holder_name),
        FactLine(labels.course, visible_text(pick(facts.course_title, locale))),
        FactLine(labels.date, certificate_date(facts.issued_at, locale, facts.zone)),
        FactLine(labels.score, certificate_percent(facts.average_score, locale)),
    ]
    if facts.final_test_percent is not None:
        lines.append(FactLine(labels.final_test, certificate_percent(facts.final_test_percent, locale)))
    lines += [
        FactLine(labels.lectures, str(facts.lecture_count)),
        FactLine(labels.issuer, issuer),
        FactLine(labels.code, facts.code),
    ]
    return lines
