"""Texts about the course as a whole and the learner's account: passport, help, profile."""
from __future__ import annotations

from html import escape

from aiogram.utils.i18n import gettext as _

from bot.services.names import NAME_MAX, NAME_MIN, NameProblem
from bot.services.views import PassportView, ProfileView, pick


def passport_text(view: PassportView, locale: str) -> str:
    passport = view.passport
    authors = ", ".join(
        pick(author["name"], locale) + (f" ({pick(author['affiliation'], locale)})" if author.get("affiliation") else "")
        for author in passport.get("authors", [])
    )
    hours = int(passport.get("workload_hours", 0))
    # Two counts, each with its own plural forms: two parts of one sentence.
    assessment = " ".join([
        _("<b>Assessment:</b> each lecture ends with a quiz of {size} question;",
          "<b>Assessment:</b> each lecture ends with a quiz of {size} questions;", view.quiz_size).format(
            size=view.quiz_size),
        _("{needed} correct answer opens the next lecture.", "{needed} correct answers open the next lecture.",
          view.pass_score).format(needed=view.pass_score),
    ])
    lines = [
        f"📘 <b>{pick(view.title, locale)}</b>",
        "",
        pick(passport.get("abstract"), locale),
        "",
        _("<b>Authors:</b> {authors}").format(authors=authors),
        _("<b>Format:</b> {format}").format(format=pick(passport.get("format"), locale)),
        _("<b>Workload:</b> {hours} hour", "<b>Workload:</b> {hours} hours", hours).format(hours=hours),
        _("<b>Prerequisites:</b> {text}").format(text=pick(passport.get("prerequisites"), locale)),
        assessment,
        "",
        _("<b>Weekly structure</b>"),
    ]
    for week in passport.get("weeks", []):
        lines.append(_("Week {number}: {title}").format(number=week["number"], title=pick(week["title"], locale)))
        summary = pick(week.get("summary"), locale)
        if summary:
            lines.append(f"   <i>{summary}</i>")
    return "\n".join(lines)


def help_text() -> str:
    return "\n".join([
        _("<b>What I can do</b>"),
        _("/lesson — continue the lecture where you stopped"),
        _("/progress — lectures passed, open and locked"),
        _("/results — your quiz attempts"),
        _("/certificate — your certificate, or what it still needs"),
        _("/course — the course passport"),
        _("/profile — your name, phone and email"),
        _("/language — change the language"),
        _("/settings — reminders, quiet hours and time zone"),
        _("/contact — write to the course coordinators"),
        _("/start — choose a course"),
        _("/help — this list"),
    ])


def command_descriptions() -> dict[str, str]:
    """The command menu, in the current locale (registered once per language)."""
    return {
        "lesson": _("Continue the lecture"),
        "progress": _("My progress"),
        "results": _("My quiz results"),
        "certificate": _("My certificate"),
        "course": _("About the course"),
        "profile": _("My profile"),
        "language": _("Change language"),
        "settings": _("Reminders and quiet hours"),
        "contact": _("Write to the coordinators"),
        "help": _("Help"),
        "start": _("Choose a course"),
    }


def profile_text(view: ProfileView) -> str:
    missing = _("not set")
    return "\n".join([
        _("<b>Your profile</b>"),
        _("Name: {name}").format(name=escape(view.full_name or view.telegram_name or missing)),
        _("Phone: {phone}").format(phone=escape(view.phone or missing)),
        _("Email: {email}").format(email=escape(view.email or missing)),
        "",
        _("The name is printed on your certificate."),
    ])


def name_problem_text(problem: NameProblem | None) -> str:
    """Why a name cannot be printed, and what to send instead."""
    if problem is NameProblem.INVISIBLE:
        return _("The name contains invisible or control characters (such as zero-width spaces or text direction "
                 "marks). Type your full name in plain letters, or press Cancel.")
    if problem is NameProblem.LENGTH:
        return _("A name must be {min} to {max} characters long. Send your full name, or press Cancel.").format(
            min=NAME_MIN, max=NAME_MAX)
    if problem is NameProblem.UNPRINTABLE:
        return _("The certificate cannot print some letters of this name: it prints Latin, Cyrillic (Kazakh "
                 "included), Greek, Arabic and Hebrew letters. Send your name in letters the certificate can "
                 "print, for example in Latin or Cyrillic, or press Cancel.")
    # The symbols travel as a value: the message is Telegram HTML, where a bare "<" breaks it.
    return _("That does not look like a name. Send your full name in letters (no digits, emoji or symbols such as "
             "{symbols}; spaces, hyphens, apostrophes and dots are fine), or press Cancel.").format(
        symbols=escape("< > @"))


def certificate_name_request(problem: NameProblem) -> str:
    """At the certificate step, when the Telegram name cannot be printed: a name is asked for instead."""
    return "\n\n".join([
        _("📜 Everything is passed! The name I have for you (from Telegram or your profile) cannot be printed on "
          "the certificate, so please send your full name as it should appear on it."),
        name_problem_text(problem),
    ])


def profile_error_text(field: str, problem: NameProblem | None = None) -> str:
    if field == "name":
        return name_problem_text(problem)
    if field == "email":
        return _("That does not look like an email address (for example, name@example.com). Try again, or press Cancel.")
    return _("That does not look like a phone number. Use the button below to share it.")
