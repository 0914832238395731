"""Texts about the final test and the certificate, in the current gettext locale."""
from __future__ import annotations

from html import escape

from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _

from bot.services.certificate_admin import MAX_REASON_CHARS, AdminProblem, AdminRefusal
from bot.services.certificate_labels import certificate_date, certificate_labels, certificate_percent, fact_lines
from bot.services.certificate_views import (
    CertificateFacts,
    CertificateReady,
    CompletionStep,
    FinalTestDue,
    LecturesLeft,
    NameNeeded,
    NameToConfirm,
)
from bot.services.certificates import certificate_url
from bot.services.final_test_rules import FinalTestStatus, final_pass_score
from bot.services.views import AttemptResult, pick
from bot.telegram.texts import format_moment, score_sentence


def certificate_message(facts: CertificateFacts, url: str, locale: str, reissued: bool = False) -> str:
    course = pick(facts.course_title, locale)  # course titles are Telegram HTML already
    if reissued:
        head = _("🎓 <b>Your certificate for “{course}” has been re-issued.</b> The old link no longer "
                 "counts; here is the new one.").format(course=course)
    else:
        head = _("🎓 <b>Congratulations! You have completed the course “{course}”.</b>").format(course=course)
    body = _("Your certificate: {url}\nCode: <code>{code}</code>\n\nAnyone can check it at this link or with the "
             "QR code in the PDF below.").format(url=escape(url), code=escape(facts.code))
    return f"{head}\n\n{body}"


def revoked_message(facts: CertificateFacts, locale: str, reason: str | None = None) -> str:
    """The holder's own news of a revocation: when and, if the coordinator gave one, why."""
    date = certificate_date(facts.revoked_at or facts.issued_at, locale, facts.zone)
    if reason:
        return _("⛔ Your certificate <code>{code}</code> was revoked on {date}.\nReason: {reason}\n\nIf you think "
                 "this is a mistake, please contact the course coordinators.").format(
            code=escape(facts.code), date=date, reason=escape(reason))
    return _("⛔ Your certificate <code>{code}</code> was revoked on {date}. If you think this is a mistake, "
             "please contact the course coordinators.").format(code=escape(facts.code), date=date)


def document_caption(facts: CertificateFacts, locale: str) -> str:
    return _("Certificate · {name}").format(name=escape(facts.holder_name))


def name_question(name: str) -> str:
    return _("📜 Before I print your certificate: is this your name exactly as it should appear on it?\n\n"
             "<b>{name}</b>").format(name=escape(name))


def final_test_line(status: FinalTestStatus, locale: str | None = None) -> str:
    # The percent sign travels in the value ("60% c…" inside a msgid reads as a printf
    # directive), formatted as the certificate formats it: "60 %" in Russian, "60%" in English.
    return _("The final test: {size} question from the whole course; you pass with {percent} correct answers "
             "({needed} of {size}).",
             "The final test: {size} questions from the whole course; you pass with {percent} correct answers "
             "({needed} of {size}).", status.size).format(
        size=status.size, percent=certificate_percent(status.pass_percent, locale or get_i18n().current_locale),
        needed=final_pass_score(status.size, status.pass_percent))


def final_test_state(status: FinalTestStatus, locale: str) -> list[str]:
    """Attempts left, the cool-down, or that no attempt is left."""
    if status.exhausted:
        return [_("You have used every attempt at the final test. Please contact the course coordinators.")]
    lines = []
    if status.attempts_left is not None:
        lines.append(_("You have {count} attempt left.", "You have {count} attempts left.",
                       status.attempts_left).format(count=status.attempts_left))
    if status.retry_at is not None:
        lines.append(_("You can take the final test again from {moment}.").format(
            moment=format_moment(status.retry_at, locale, status.zone)))
    return lines


def final_test_offer(status: FinalTestStatus, locale: str) -> str:
    if status.attempts_used == 0:
        head = _("🎯 <b>Every lecture is passed!</b> One step is left before the certificate.")
    else:
        head = _("🎯 <b>The final test is not passed yet.</b>")
    return "\n\n".join([head, final_test_line(status, locale), *final_test_state(status, locale)])


def missing_text(step: LecturesLeft, locale: str | None = None) -> str:
    lines = [_("To receive the certificate, pass {count} more lecture.",
               "To receive the certificate, pass {count} more lectures.", step.left).format(count=step.left)]
    if step.final_test is not None:
        lines.append(_("After the lectures: {line}").format(line=final_test_line(step.final_test, locale)))
    return "\n".join(lines)


def progress_certificate_line(step: CompletionStep | None, locale: str) -> str | None:
    """/progress: what the certificate still needs, in one or two lines."""
    if isinstance(step, LecturesLeft):
        return "🎓 " + missing_text(step, locale)
    if isinstance(step, FinalTestDue):
        if step.status.exhausted:
            return "🎓 " + final_test_state(step.status, locale)[0]
        return "🎓 " + _("For the certificate, only the final test is left. Send /certificate to take it.")
    if isinstance(step, (NameToConfirm, NameNeeded)):
        return "🎓 " + _("Everything is passed! Send /certificate to confirm your name and receive the certificate.")
    return None


def final_result_text(result: AttemptResult, locale: str) -> str:
    lines = [
        _("<b>Final test result · {course}</b>").format(course=pick(result.lecture_title, locale)),
        score_sentence(result.score, result.size),
        "",
    ]
    if result.passed:
        lines.append(_("✅ You have passed the final test."))
    else:
        lines.append(_("❌ Not passed yet: you need {needed} of {total}.").format(
            needed=result.pass_score, total=result.size))
        if result.missed_lectures:
            lines.append("")
            lines.append(_("The questions you missed come from these lectures; review them before the next "
                           "attempt:"))
            lines.extend(_("• Lecture {number}. {title}").format(number=number, title=pick(title, locale))
                         for number, title in result.missed_lectures)
    return "\n".join(lines)


def verification_text(facts: CertificateFacts | None, locale: str, issuer: str,
                      public_base_url: str | None = None) -> str:
    """The answer to t.me/<bot>?start=verify_<code>: the same facts as the web page."""
    labels = certificate_labels(_)
    if facts is None:
        return "🔎 " + labels.not_found_text
    if facts.is_valid:
        status = f"✅ <b>{labels.valid}</b> — {labels.valid_note}"
    else:
        note = labels.revoked_note.format(date=certificate_date(facts.revoked_at or facts.issued_at, locale,
                                                                facts.zone))
        status = f"⛔ <b>{labels.revoked}</b> — {escape(note)}"
        if facts.replaced_by is not None:
            link = (escape(certificate_url(public_base_url, facts.replaced_by)) if public_base_url
                    else f"<code>{escape(facts.replaced_by)}</code>")
            status += "\n" + escape(labels.replaced_note).format(link=link)
    lines = [f"🔎 <b>{escape(labels.title)}</b>", status, ""]
    lines += [f"{escape(line.label)}: <b>{escape(line.value)}</b>" for line in fact_lines(facts, labels, locale, issuer)]
    return "\n".join(lines)


def ready_or_missing(step: CompletionStep, locale: str) -> str | None:
    """The one-message answer for steps without their own keyboard (used by /certificate)."""
    if isinstance(step, LecturesLeft):
        return missing_text(step, locale)
    if isinstance(step, CertificateReady) and not step.facts.is_valid:
        return revoked_message(step.facts, locale, step.revoke_reason)
    return None


def admin_refusal_text(refusal: AdminRefusal, code: str, locale: str) -> str:
    """Why /revoke or /reissue changed nothing."""
    if refusal.problem is AdminProblem.NOT_YOURS:
        return _("That certificate is of a course not granted to you.")
    if refusal.problem is AdminProblem.UNKNOWN_CODE:
        return _("There is no certificate with the code <code>{code}</code>. Check the code and try again.").format(
            code=escape(code[:64]))
    if refusal.problem is AdminProblem.NO_REASON:
        return _("Please give a reason after the code: /revoke CODE REASON. The reason is kept with the record.")
    if refusal.problem is AdminProblem.REASON_TOO_LONG:
        return _("The reason is too long: at most {limit} characters. Shorten it and send /revoke again; "
                 "nothing was changed.").format(limit=MAX_REASON_CHARS)
    facts = refusal.facts
    if refusal.problem is AdminProblem.ALREADY_REVOKED and facts is not None:
        return _("Certificate <code>{code}</code> was already revoked on {date}.").format(
            code=escape(facts.code), date=certificate_date(facts.revoked_at or facts.issued_at, locale, facts.zone))
    return _("Certificate <code>{code}</code> was already re-issued under a newer code; use that one.").format(
        code=escape(code[:64]))
