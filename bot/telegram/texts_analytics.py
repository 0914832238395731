"""Texts of /stats, /stuck, the learner-data export and the weekly digest (kk, ru, en)."""
from __future__ import annotations

import re
from html import escape, unescape

from aiogram.utils.i18n import gettext as _

from bot.services.analytics import AnalyticsRefused, CourseChoiceProblem, CourseStats, NudgeResult, StuckLearner
from bot.services.item_analysis import ItemFlag, ItemStats
from bot.services.views import pick
from bot.telegram.charts import FunnelChart


# One message holds at most 4096 characters: the digest names this many questions, the export all.
DIGEST_QUESTIONS = 25


def analytics_refusal_text(refused: AnalyticsRefused) -> str:
    slugs = ", ".join(f"<code>{escape(slug)}</code>" for slug in refused.slugs)
    command = f"/{refused.command}"
    match refused.problem:
        case CourseChoiceProblem.NO_COURSE:
            return _("There is no course yet.")
        case CourseChoiceProblem.CHOOSE:
            return _("Which course? Send {command} SLUG, one of: {slugs}").format(command=command, slugs=slugs)
        case CourseChoiceProblem.UNKNOWN_COURSE:
            return _("There is no course “{slug}”. The courses are: {slugs}").format(
                slug=escape(refused.detail), slugs=slugs)
        case CourseChoiceProblem.NOT_YOURS:
            return _("The course {slugs} was not granted to you.").format(slugs=slugs)
    raise AssertionError(refused.problem)


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.0%}" if whole else "—"


def _duration(minutes: float | None) -> str:
    if minutes is None:
        return "—"
    if minutes < 60:
        return _("{minutes} min").format(minutes=round(minutes))
    if minutes < 48 * 60:
        return _("{hours} h").format(hours=f"{minutes / 60:.1f}")
    return _("{days} d").format(days=f"{minutes / 1440:.1f}")


def _attempts(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def stats_text(stats: CourseStats, locale: str) -> str:
    """A short text; the chart shows the funnel in full."""
    lines = [
        _("📊 <b>{title}</b> (<code>{slug}</code>)").format(title=escape(pick(stats.title, locale)),
                                                           slug=escape(stats.slug)),
        _("Enrolled: {enrolled}; active in the last 7 days: {active}").format(
            enrolled=stats.enrolled, active=stats.active_7_days),
        _("Completed: {completed}; certificates: {certificates}").format(
            completed=stats.completed, certificates=stats.certificates),
        _("Attempts to pass a test, on average: {attempts}; median time to pass a lecture: {time}").format(
            attempts=_attempts(stats.average_attempts_to_pass), time=_duration(stats.median_minutes_to_pass)),
        "",
        _("<b>Lectures</b>: reached → attempted the test → passed (attempts to pass, median time)"),
    ]
    for number, lecture in enumerate(stats.lectures, start=1):
        lines.append(_("{number}. {title}: {reached} → {attempted} → {passed} ({share}; {attempts}, {time})").format(
            number=number, title=escape(pick(lecture.title, locale)), reached=lecture.reached,
            attempted=lecture.attempted, passed=lecture.passed, share=_share(lecture.passed, lecture.reached),
            attempts=_attempts(lecture.average_attempts_to_pass), time=_duration(lecture.median_minutes_to_pass)))
    if not stats.lectures:
        lines.append(_("The course has no published lectures."))
    return "\n".join(lines)


def funnel_chart(stats: CourseStats, locale: str) -> FunnelChart:
    return FunnelChart(
        title=_("{title}: learners per lecture").format(title=pick(stats.title, locale)),
        lecture_labels=tuple(f"{number}. {_short(pick(lecture.title, locale))}"
                             for number, lecture in enumerate(stats.lectures, start=1)),
        reached=tuple(lecture.reached for lecture in stats.lectures),
        attempted=tuple(lecture.attempted for lecture in stats.lectures),
        passed=tuple(lecture.passed for lecture in stats.lectures),
        series_labels=(_("reached"), _("attempted the test"), _("passed")),
        axis_label=_("learners"))


def plain(text: str) -> str:
    """Course text is Telegram HTML; a one-line mention shows its visible words only."""
    return " ".join(unescape(re.sub(r"<[^>]*>", "", text)).split())


def _short(text: str, limit: int = 28) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def stuck_text(slug: str, learners: list[StuckLearner], listed: int, locale: str) -> str:
    if not learners:
        return _("Nobody is stalled in <code>{slug}</code>: every learner who has not finished made a step in the "
                 "last 3 days.").format(slug=escape(slug))
    lines = [_("⏳ <b>Stalled in <code>{slug}</code></b>: {count} learner with no step for 3 days or more, "
               "longest first.",
               "⏳ <b>Stalled in <code>{slug}</code></b>: {count} learners with no step for 3 days or more, "
               "longest first.", len(learners)).format(slug=escape(slug), count=len(learners))]
    for learner in learners[:listed]:
        where = escape(pick(learner.lecture_title, locale)) if learner.lecture_title else "—"
        handle = f" @{escape(learner.username)}" if learner.username else ""
        line = _("{name}{handle} (id {id}): {days} day, at “{lecture}”",
                 "{name}{handle} (id {id}): {days} days, at “{lecture}”", learner.days).format(
            name=escape(learner.name), handle=handle, id=learner.user_id, days=learner.days, lecture=where)
        if not learner.accepts_nudges:
            line += " " + _("(turned stalled reminders off)")
        lines.append("• " + line)
    if len(learners) > listed:
        lines.append(_("…and {count} more learner.", "…and {count} more learners.", len(learners) - listed).format(
            count=len(learners) - listed))
    return "\n".join(lines)


def nudge_button_text() -> str:
    return _("🔔 Nudge them all")


def nudge_text(course_title: str, lecture_title: str | None) -> str:
    """To the learner, in their language."""
    if lecture_title:
        return _("👋 We miss you in the course “{course}”. Your next step is the lecture “{lecture}”: send /lesson "
                 "to continue where you stopped.").format(course=escape(course_title), lecture=escape(lecture_title))
    return _("👋 We miss you in the course “{course}”. Send /lesson to continue where you stopped.").format(
        course=escape(course_title))


def nudged_text(result: NudgeResult) -> str:
    text = _("🔔 Nudges queued: {queued}. They go out at Telegram's pace.").format(queued=result.queued)
    if result.already_nudged:
        text += "\n" + _("Already nudged today: {count}.").format(count=result.already_nudged)
    if result.skipped_opted_out:
        text += "\n" + _("Skipped, stalled reminders off: {count}.").format(count=result.skipped_opted_out)
    return text


def flag_label(flag: str) -> str:
    match flag:
        case ItemFlag.TOO_EASY.value:
            return _("too easy")
        case ItemFlag.TOO_HARD.value:
            return _("too hard")
        case ItemFlag.NEGATIVE.value:
            return _("negative discrimination")
    return flag


def export_label(key: str) -> str:
    """Sheet, file and column names of the learner-data export."""
    labels = {
        "learners": _("Learners"), "progress": _("Progress"), "answers": _("Answers"), "items": _("Questions"),
        "user_id": _("User id"), "name": _("Name"), "username": _("Username"), "language": _("Language"),
        "enrolled_at": _("Enrolled (UTC)"), "last_activity_at": _("Last step (UTC)"),
        "completed_at": _("Completed (UTC)"), "lectures_passed": _("Lectures passed"), "phone": _("Phone"),
        "email": _("Email"), "lecture": _("Lecture"), "lecture_title": _("Lecture title"),
        "opened_at": _("Opened (UTC)"), "passed_at": _("Passed (UTC)"), "best_score": _("Best score"),
        "attempts": _("Attempts"), "attempt_id": _("Attempt"), "attempt_kind": _("Test"),
        "question": _("Question"), "question_text": _("Question text"), "chosen_option": _("Answer chosen"),
        "correct": _("Correct (1/0)"), "answered_at": _("Answered (UTC)"), "answers": _("Answers"),
        "share_correct": _("Share correct"), "option_shares": _("Share per option"),
        "discrimination": _("Discrimination (point-biserial)"), "flags": _("Flags"),
    }
    return labels.get(key, key)


def export_caption(slug: str, learners: int, owner: bool) -> str:
    if owner:
        return _("Learner data of <code>{slug}</code>: {count} learners, with phone and email.").format(
            slug=escape(slug), count=learners)
    return _("Learner data of <code>{slug}</code>: {count} learners. Phone and email are in owners' exports "
             "only.").format(slug=escape(slug), count=learners)


def export_contacts_sent_privately_text() -> str:
    return _("These files are without phone and email, as everyone in this chat sees them. The copy with phone "
             "and email was sent to your private chat with the bot.")


def export_contacts_not_sent_text() -> str:
    return _("These files are without phone and email, as everyone in this chat sees them. The copy with phone "
             "and email could not be sent to your private chat: open a chat with the bot (/start) and send "
             "/export there.")


def export_csv_caption() -> str:
    return _("The same tables as .csv files (UTF-8), for any spreadsheet program.")


def export_choice_text() -> str:
    return _("What to export?")


def export_course_files_button() -> str:
    return _("📦 Course files (.zip to edit)")


def export_learner_data_button() -> str:
    return _("📊 Learner data (.xlsx, .csv)")


def digest_text(stats: CourseStats, flagged: list[ItemStats], locale: str) -> str:
    """The weekly digest to the admin chat: the course in two lines, then the questions to look at."""
    lines = [
        _("🗓 <b>Weekly digest: {title}</b> (<code>{slug}</code>)").format(
            title=escape(pick(stats.title, locale)), slug=escape(stats.slug)),
        _("Enrolled: {enrolled}; active in the last 7 days: {active}").format(
            enrolled=stats.enrolled, active=stats.active_7_days),
        _("Completed: {completed}; certificates: {certificates}").format(
            completed=stats.completed, certificates=stats.certificates),
        "",
    ]
    if not flagged:
        lines.append(_("No question needs attention this week."))
        return "\n".join(lines)
    lines.append(_("<b>Questions to look at</b> (share correct, discrimination, answers):"))
    for item in flagged[:DIGEST_QUESTIONS]:
        r = "—" if item.discrimination is None else f"{item.discrimination:+.2f}"
        lines.append("• " + _("{lecture}/{question} “{text}”: {share}, {r}, {answers} — {flags}").format(
            lecture=escape(item.lecture_key), question=escape(item.question_key),
            text=escape(_short(plain(pick(item.text, locale)), 60)), share=f"{item.share_correct:.0%}", r=r,
            answers=item.answers, flags=", ".join(flag_label(flag.value) for flag in item.flags)))
    if len(flagged) > DIGEST_QUESTIONS:
        more = len(flagged) - DIGEST_QUESTIONS
        lines.append(_("…and {count} more question; /export lists every question.",
                       "…and {count} more questions; /export lists every question.", more).format(count=more))
    return "\n".join(lines)
