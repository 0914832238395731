"""Texts of /broadcast, the progress message, its final report and /broadcasts (coordinators)."""
from __future__ import annotations

from datetime import datetime
from html import escape

from aiogram.utils.i18n import gettext as _

from bot.db.repositories.broadcasts import CANCELLED, DONE, PAUSED, SCHEDULED
from bot.services.broadcast import (
    STARS_PER_PAID_MESSAGE,
    BroadcastFigures,
    BroadcastProblem,
    estimated_stars,
)
from bot.services.broadcast_audience import (
    FINISHED,
    LANGUAGE,
    NOT_STARTED,
    STALLED,
    UNOPENED,
    Audience,
    AudienceCount,
)
from bot.telegram.texts_time import format_moment

BAR_WIDTH = 12


def language_name(code: str) -> str:
    """Each language in its own name: a coordinator recognises it whatever their interface language."""
    return {"kk": "Қазақша", "ru": "Русский", "en": "English"}.get(code, code)


def ask_message_text() -> str:
    return _("📣 <b>New broadcast.</b> Send the message learners should get: formatted text, or a photo, video "
             "or document with a caption. They get it exactly as you send it. This is the default version; "
             "versions for each language can be added before confirming.")


def unsendable_text() -> str:
    return _("This kind of message cannot be broadcast. Send text, or a photo, video or document with a caption.")


def ask_course_text() -> str:
    return _("Whose learners should get it?")


def ask_audience_text(course: str | None) -> str:
    if course is None:
        return _("Which learners of every course should get it?")
    return _("Which learners of “{course}” should get it?").format(course=course)


def ask_language_text() -> str:
    return _("Learners reading which language?")


def ask_days_text() -> str:
    return _("Stalled for more than how many days? Send a number from 1 to 365.")


def bad_days_text() -> str:
    return _("That is not a number of days from 1 to 365. Send, for example, 7.")


def ask_version_text(code: str) -> str:
    return _("Send the version for learners who read {language}: they get it instead of the default one.").format(
        language=language_name(code))


def ask_time_text(zone_label: str, example: str) -> str:
    return _("When should it go out? Send the date and time in {zone}, for example {example}.").format(
        zone=escape(zone_label), example=example)


def bad_time_text(zone_label: str, example: str) -> str:
    return _("I could not read a date and time. Send it like {example} (time in {zone}).").format(
        zone=escape(zone_label), example=example)


def past_time_text() -> str:
    return _("That time has already passed. Send a time in the future.")


def preview_head_text(code: str | None) -> str:
    if code is None:
        return _("👀 Preview of the default version, exactly as learners get it:")
    return _("👀 Preview of the {language} version, exactly as learners get it:").format(language=language_name(code))


def audience_text(audience: Audience, course: str | None) -> str:
    """A whole phrase per case: "every course" is never slotted into a course's sentence (Russian and
    Kazakh say it differently from a course's name)."""
    if course is None:
        return _every_course_audience_text(audience)
    # course titles are Telegram HTML already
    if audience.kind == LANGUAGE:
        return _("learners of {course} who read {language}").format(course=course,
                                                                    language=language_name(audience.language or ""))
    if audience.kind == STALLED:
        return _("learners of {course} stalled for more than {days} days").format(course=course, days=audience.days)
    if audience.kind == UNOPENED:
        return _("learners of {course} who have not opened this week's lecture").format(course=course)
    if audience.kind == FINISHED:
        return _("learners who finished {course}").format(course=course)
    if audience.kind == NOT_STARTED:
        return _("learners of {course} who have not started").format(course=course)
    return _("every learner of {course}").format(course=course)


def _every_course_audience_text(audience: Audience) -> str:
    if audience.kind == LANGUAGE:
        return _("learners of every course who read {language}").format(language=language_name(audience.language or ""))
    if audience.kind == STALLED:
        return _("learners of every course stalled for more than {days} days").format(days=audience.days)
    if audience.kind == UNOPENED:
        return _("learners of every course who have not opened this week's lecture")
    if audience.kind == FINISHED:
        return _("learners who finished a course")
    if audience.kind == NOT_STARTED:
        return _("learners of every course who have not started")
    return _("every learner of every course")


def summary_text(audience: Audience, course: str | None, counted: AudienceCount, versions: list[str], paid: bool,
                 send_at: datetime | None, zone: str, locale: str) -> str:
    lines = [_("📣 <b>Ready to confirm</b>"),
             _("Audience: {audience}").format(audience=audience_text(audience, course)),
             _("Recipients: {count}").format(count=len(counted.recipients)),
             _("Opted out of announcements, skipped: {count}").format(count=counted.opted_out)]
    for code, count in sorted(counted.by_locale.items()):
        if code in versions:
            lines.append(_("• {language}: {count} — they get their own version").format(
                language=language_name(code), count=count))
        else:
            lines.append(_("• {language}: {count} — no version in this language: they get the default one").format(
                language=language_name(code), count=count))
    if paid:
        lines.append(_("⭐ Paid sending: up to 1000 messages a second, about {stars} Telegram Stars "
                       "({price} per message), taken from the bot's balance.").format(
            stars=_number(estimated_stars(len(counted.recipients))), price=_number(STARS_PER_PAID_MESSAGE)))
    else:
        lines.append(_("Free sending: about 30 messages a second."))
    if send_at is None:
        lines.append(_("When: right after you confirm."))
    else:
        lines.append(_("When: {moment}").format(moment=format_moment(send_at, locale, zone)))
    lines.append(_("Learners get copies of your message: keep it (and its language versions) until sending has "
                   "finished."))
    return "\n".join(lines)


def _number(value: float) -> str:
    return f"{value:g}"


def nobody_text() -> str:
    return _("Nobody is in this audience (learners who opted out are skipped). Nothing was sent; choose another "
             "audience with /broadcast.")


def confirmed_text(broadcast_id: int, recipients: int) -> str:
    return _("✅ Broadcast #{id} is queued (recipients: {count}). Its progress is shown below. Learners get "
             "copies of your message: do not delete it (or its language versions) until sending has "
             "finished.").format(id=broadcast_id, count=recipients)


def dropped_text() -> str:
    return _("The broadcast is discarded. Nothing was sent.")


def stale_draft_text() -> str:
    return _("This broadcast draft is over. Start again with /broadcast.")


def refusal_text(problem: BroadcastProblem) -> str:
    if problem is BroadcastProblem.COURSE_NOT_YOURS:
        return _("That course was not granted to you: you may broadcast only to your own courses' learners.")
    if problem is BroadcastProblem.NOBODY:
        return nobody_text()
    if problem is BroadcastProblem.NOT_FOUND:
        return _("There is no such broadcast.")
    if problem is BroadcastProblem.NOT_YOURS:
        return _("This broadcast is to a course not granted to you.")
    if problem is BroadcastProblem.IN_THE_PAST:
        return past_time_text()
    if problem is BroadcastProblem.ALREADY_QUEUED:
        return _("This broadcast is already queued; see its progress above.")
    return _("This broadcast can no longer be changed that way.")


def state_name(state: str) -> str:
    if state == SCHEDULED:
        return _("scheduled")
    if state == PAUSED:
        return _("paused")
    if state == CANCELLED:
        return _("cancelled")
    if state == DONE:
        return _("finished")
    return _("sending")


def progress_bar(done: int, total: int) -> str:
    share = done / total if total else 1.0
    filled = round(share * BAR_WIDTH)
    return f"{'▓' * filled}{'░' * (BAR_WIDTH - filled)} {round(share * 100)}%"


def _eta(seconds: int) -> str:
    minutes, rest = divmod(max(seconds, 0), 60)
    return f"{minutes}:{rest:02d}"


def progress_text(figures: BroadcastFigures, locale: str, zone: str, now: datetime) -> str:
    lines = [_("📣 <b>Broadcast #{id}</b>: {state}").format(id=figures.broadcast_id, state=state_name(figures.state)),
             progress_bar(figures.settled + figures.unknown, figures.recipients),
             _("Sent: {sent} · failed: {failed} · blocked: {blocked} · remaining: {remaining}").format(
                 sent=figures.sent, failed=figures.failed, blocked=figures.blocked, remaining=figures.remaining)]
    if figures.state == SCHEDULED:
        lines.append(_("Starts at {moment}").format(moment=format_moment(figures.send_at, locale, zone)))
    elif figures.remaining and figures.state != PAUSED:
        lines.append(_("About {eta} left (min:s)").format(eta=_eta(figures.eta_seconds(now))))
    return "\n".join(lines)


def source_gone_text(figures: BroadcastFigures) -> str:
    return _("⚠️ <b>Broadcast #{id} is paused:</b> its original message was deleted, so Telegram cannot copy it "
             "to learners. Copies that failed: {failed}; not sent yet: {remaining}. Cancel it with the button "
             "above and send the announcement again with /broadcast.").format(
        id=figures.broadcast_id, failed=figures.failed, remaining=figures.remaining)


def final_report_text(figures: BroadcastFigures) -> str:
    if figures.state == CANCELLED:
        head = _("⏹ <b>Broadcast #{id} cancelled.</b>").format(id=figures.broadcast_id)
    else:
        head = _("📊 <b>Broadcast #{id} finished.</b>").format(id=figures.broadcast_id)
    lines = [head,
             _("Recipients: {count}").format(count=figures.recipients),
             _("Sent: {count}").format(count=figures.sent),
             _("Failed (Telegram refused the message): {count}").format(count=figures.failed),
             _("Blocked the bot: {count}").format(count=figures.blocked),
             _("Opted out of announcements, skipped: {count}").format(count=figures.opted_out)]
    if figures.cancelled:
        lines.append(_("Not sent because cancelled: {count}").format(count=figures.cancelled))
    if figures.unknown:
        lines.append(_("Maybe delivered (the sender stopped mid-send; not sent again): {count}").format(
            count=figures.unknown))
    return "\n".join(lines)


def recent_text(rows: list[BroadcastFigures], locale: str, zone: str) -> str:
    if not rows:
        return _("No broadcasts yet. Start one with /broadcast.")
    lines = [_("<b>Recent broadcasts</b>")]
    for figures in rows:
        lines.append(_("#{id} · {moment} · {state} · {audience}").format(
            id=figures.broadcast_id, moment=format_moment(figures.send_at, locale, zone),
            state=state_name(figures.state), audience=audience_text(figures.audience, figures.course_slug)))
        lines.append(_("    sent {sent} of {recipients} · failed {failed} · blocked {blocked} · remaining "
                       "{remaining} · opted out {opted_out}").format(
            sent=figures.sent, recipients=figures.recipients, failed=figures.failed, blocked=figures.blocked,
            remaining=figures.remaining, opted_out=figures.opted_out))
    return "\n".join(lines)


def control_answer_text(action: str, figures: BroadcastFigures) -> str:
    if action == "pause":
        return _("Paused: nothing more is sent until you resume.")
    if action == "resume":
        return _("Resumed.")
    return _("Cancelled. Left unsent: {count}.").format(count=figures.cancelled)
