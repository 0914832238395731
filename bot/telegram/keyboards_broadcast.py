"""Buttons of /broadcast (the draft) and under a broadcast's progress message (pause, resume, cancel).

Both prefixes are staff prefixes (bot/telegram/staff_commands.py): a learner's press, forged or
not, is refused before any handler, and every field is bounded so forged data fails to parse."""
from __future__ import annotations

from typing import Annotated, Literal

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from pydantic import Field

from bot.config import SUPPORTED_LOCALES
from bot.db.repositories.broadcast_audience import CourseChoice
from bot.db.repositories.broadcasts import PAUSED, SCHEDULED, SENDING
from bot.services.broadcast_audience import (
    EVERYONE,
    FINISHED,
    LANGUAGE,
    NOT_STARTED,
    STALLED,
    UNOPENED,
)
from bot.services.views import pick
from bot.telegram.callbacks import MAX_ROW_ID, RowId
from bot.telegram.texts_broadcast import language_name

DraftAction = Literal["course", "kind", "lang", "version", "paid", "when", "now", "confirm", "drop"]
DraftWord = Literal["", "kk", "ru", "en", "everyone", "language", "stalled", "unopened", "finished", "not_started"]


class BroadcastDraftCb(CallbackData, prefix="bcd"):
    a: DraftAction
    n: Annotated[int, Field(ge=0, le=MAX_ROW_ID)] = 0  # a course id; 0: every course
    w: DraftWord = ""  # an audience kind or a language


class BroadcastControlCb(CallbackData, prefix="bcx"):
    a: Literal["pause", "resume", "cancel"]
    b: RowId  # the broadcast


def courses_keyboard(courses: list[CourseChoice], locale: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("🌐 Every course"), callback_data=BroadcastDraftCb(a="course", n=0))
    for course in courses:
        title = pick(course.title, locale) or course.slug
        builder.button(text=f"📚 {title}"[:60], callback_data=BroadcastDraftCb(a="course", n=course.course_id))
    builder.button(text=_("✖ Cancel"), callback_data=BroadcastDraftCb(a="drop"))
    builder.adjust(1)
    return builder.as_markup()


def drop_keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("✖ Cancel"), callback_data=BroadcastDraftCb(a="drop"))
    return builder.as_markup()


def audience_keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for kind, label in ((EVERYONE, _("👥 Everyone")), (LANGUAGE, _("🗣 By language")),
                        (STALLED, _("⏳ Stalled more than N days")), (UNOPENED, _("📭 Not opened this week's lecture")),
                        (FINISHED, _("🎓 Finished the course")), (NOT_STARTED, _("🚪 Not started yet"))):
        builder.button(text=label, callback_data=BroadcastDraftCb(a="kind", w=kind))
    builder.button(text=_("✖ Cancel"), callback_data=BroadcastDraftCb(a="drop"))
    builder.adjust(1)
    return builder.as_markup()


def languages_keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for code in SUPPORTED_LOCALES:
        builder.button(text=language_name(code), callback_data=BroadcastDraftCb(a="lang", w=code))
    builder.button(text=_("✖ Cancel"), callback_data=BroadcastDraftCb(a="drop"))
    builder.adjust(3, 1)
    return builder.as_markup()


def summary_keyboard(versions: list[str], paid: bool, scheduled: bool) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    missing = [code for code in SUPPORTED_LOCALES if code not in versions]
    for code in missing:
        builder.button(text=_("➕ Version: {language}").format(language=language_name(code)),
                       callback_data=BroadcastDraftCb(a="version", w=code))
    builder.button(text=_("⭐ Paid sending: on") if paid else _("⭐ Paid sending: off"),
                   callback_data=BroadcastDraftCb(a="paid"))
    builder.button(text=_("🕒 Schedule a time"), callback_data=BroadcastDraftCb(a="when"))
    if scheduled:
        builder.button(text=_("⚡ Send now instead"), callback_data=BroadcastDraftCb(a="now"))
    builder.button(text=_("✅ Confirm"), callback_data=BroadcastDraftCb(a="confirm"))
    builder.button(text=_("✖ Cancel"), callback_data=BroadcastDraftCb(a="drop"))
    builder.adjust(*([len(missing)] if missing else []), 1, 1, *([1] if scheduled else []), 2)
    return builder.as_markup()


def control_keyboard(broadcast_id: int, state: str) -> InlineKeyboardMarkup | None:
    """Under the progress message while the broadcast can still change; none once it is over."""
    builder = InlineKeyboardBuilder()
    if state in (SCHEDULED, SENDING):
        builder.button(text=_("⏸ Pause"), callback_data=BroadcastControlCb(a="pause", b=broadcast_id))
    elif state == PAUSED:
        builder.button(text=_("▶ Resume"), callback_data=BroadcastControlCb(a="resume", b=broadcast_id))
    else:
        return None
    builder.button(text=_("⏹ Cancel the rest"), callback_data=BroadcastControlCb(a="cancel", b=broadcast_id))
    builder.adjust(2)
    return builder.as_markup()
