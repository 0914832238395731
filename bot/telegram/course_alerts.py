"""When Telegram refuses a course message (or its file is missing): where it came from, and one
alert to the admin chat.

A refused course text is refused for every learner who reaches it, on every press, until the
course is fixed. The learner gets a one-line notice and goes on (see `Presenter`); the people
who can fix it hear about it once per place and language, not once per learner press. That
memory is the process's own: a restart, or each replica of a scaled-out bot, alerts once more.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.services.views import visible_text

log = logging.getLogger(__name__)

CHUNK, QUESTION, LAB, RESULT = "chunk", "question", "lab", "result"


@dataclass(frozen=True)
class CoursePlace:
    """The course message Telegram refused: which lecture, which part of it, which language."""

    kind: str  # CHUNK, QUESTION, LAB or RESULT
    locale: str
    lecture_id: int | None
    lecture: str  # the lecture's title (Telegram HTML) in that language
    lecture_number: int | None = None
    item: str = ""  # the chunk's or question's key in the course file
    number: int = 0  # the chunk's place in its lecture, 1-based
    total: int = 0
    course_id: int | None = None
    course: str = ""  # the course title, where known

    @property
    def key(self) -> tuple[object, ...]:
        # A question's number is its place in one attempt, not in the course: the same broken
        # question meets learners at every place of a quiz, and is one thing to fix.
        number = 0 if self.kind == QUESTION else self.number
        return (self.course_id, self.lecture_id, self.kind, self.item, number, self.locale)

    def for_log(self) -> str:
        return (f"course {self.course_id} lecture {self.lecture_id} ({visible_text(self.lecture)!r}) "
                f"{self.kind} {self.item or '-'} #{self.number or '-'} language {self.locale}")


def _where(place: CoursePlace) -> str:
    if place.kind == CHUNK:
        return _("part {number} of {total} ({key})").format(number=place.number, total=place.total, key=place.item)
    if place.kind == QUESTION:
        return _("quiz question {key}").format(key=place.item)
    if place.kind == LAB:
        return _("laboratory work")
    return _("quiz result")


def alert_text(place: CoursePlace, error: str, missing_file: bool = False) -> str:
    """The admin chat's alert, in the current gettext locale; each line is a label and a value."""
    if missing_file:
        lines = [_("⚠️ A course file could not be sent (missing from the bot's media store, or not a regular "
                    "file). Learners see a short notice in its place and can go on.")]
    else:
        lines = [_("⚠️ Telegram refused a course message. Learners see a short notice in its place and can go on.")]
    if place.course:
        lines.append(_("Course: {course}").format(course=visible_text(place.course)))
    lecture = visible_text(place.lecture)
    if place.lecture_number is not None:
        lecture = f"{place.lecture_number}. {lecture}"
    lines.append(_("Lecture: {lecture}").format(lecture=lecture))
    lines.append(_("Where: {where}").format(where=_where(place)))
    lines.append(_("Language: {language}").format(language=place.locale))
    if missing_file:
        lines.append(_("Details: {problem}").format(problem=error))
    else:
        lines.append(_("Telegram said: {error}").format(error=error))
    # Plain text: the alert quotes course text and Telegram's words, either of which may hold '<'.
    return "\n".join(lines)


class CourseAlerts:
    """Tells the admin chat about a refused course message, once per place and language."""

    def __init__(self, admin_chat_id: int | None, i18n: I18n, admin_locale: str) -> None:
        self._admin_chat_id = admin_chat_id
        self._i18n = i18n
        self._admin_locale = admin_locale
        self._reported: set[tuple[object, ...]] = set()

    async def report(self, bot: Bot, place: CoursePlace, error: str, missing_file: bool = False) -> None:
        if place.key in self._reported:
            return
        self._reported.add(place.key)  # before sending: a failing admin chat is not retried per press
        if self._admin_chat_id is None:
            log.warning("no ADMIN_CHAT_ID: nobody is alerted about the refused %s", place.for_log())
            return
        with self._i18n.context(), self._i18n.use_locale(self._admin_locale):
            text = alert_text(place, error, missing_file)
        try:
            await bot.send_message(self._admin_chat_id, text, parse_mode=None)
        except TelegramAPIError as failure:
            log.error("could not alert admin chat %s about the refused %s: %s", self._admin_chat_id,
                      place.for_log(), failure)
