"""Buttons under scheduled messages and in /settings."""
from __future__ import annotations

from datetime import datetime

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.services.preferences import COURSE_DEFAULT, QUIET_HOURS_CHOICES, TIME_ZONE_CHOICES
from bot.services.reminder_views import NoticeKind, NoticeView, SettingsView
from bot.telegram.callbacks import OpenLectureCb, SettingsCb, StartQuizCb
from bot.telegram.texts_reminders import on_off, quiet_hours_label
from bot.telegram.texts_time import utc_offset, zone_city

# The toggle of the coordinators' announcements (not a reminder kind: the sweep never reads it).
ANNOUNCEMENTS = "announcements"


def notice_keyboard(view: NoticeView, enrolment_id: int | None = None) -> InlineKeyboardMarkup:
    """One button: straight back to where the learner should go on, in the course the notice is about."""
    quiz = StartQuizCb(l=view.lecture_id, e=enrolment_id).pack()
    lecture = OpenLectureCb(l=view.lecture_id, e=enrolment_id).pack()
    if view.kind is NoticeKind.RETRY:
        button = InlineKeyboardButton(text=_("🔁 Retake the quiz"), callback_data=quiz)
    elif view.at_quiz:
        button = InlineKeyboardButton(text=_("📝 Take the quiz"), callback_data=quiz)
    elif view.kind is NoticeKind.NEW_WEEK or view.part is None:
        button = InlineKeyboardButton(text=_("▶ Start the lecture"), callback_data=lecture)
    else:
        button = InlineKeyboardButton(text=_("▶ Continue"), callback_data=lecture)
    return InlineKeyboardMarkup(inline_keyboard=[[button]])


def settings_keyboard(view: SettingsView, locale: str) -> InlineKeyboardMarkup:
    # Each label with its state stays within 30 characters in every language (a unit test renders them).
    builder = InlineKeyboardBuilder()
    builder.button(text=_("🗓 New week: {state}").format(state=on_off(view.new_week)),
                   callback_data=SettingsCb(a="toggle", v=NoticeKind.NEW_WEEK.value))
    builder.button(text=_("⏰ Unfinished lecture: {state}").format(state=on_off(view.stalled)),
                   callback_data=SettingsCb(a="toggle", v=NoticeKind.STALLED.value))
    builder.button(text=_("🔁 Failed quiz: {state}").format(state=on_off(view.retry)),
                   callback_data=SettingsCb(a="toggle", v=NoticeKind.RETRY.value))
    builder.button(text=_("📢 Announcements: {state}").format(state=on_off(view.announcements)),
                   callback_data=SettingsCb(a="toggle", v=ANNOUNCEMENTS))
    builder.button(text=_("🌙 Quiet hours: {hours}").format(hours=quiet_hours_label(view.quiet_hours)),
                   callback_data=SettingsCb(a="quiet"))
    builder.button(text=_("🕐 Time zone: {zone}").format(zone=zone_city(view.zone, locale)),
                   callback_data=SettingsCb(a="zone"))
    builder.adjust(1)
    return builder.as_markup()


def quiet_hours_choice(value: str) -> str | None:
    """The choice a quiet-hours button stands for (its index: callback data cannot hold ':')."""
    if value == COURSE_DEFAULT:
        return value
    return QUIET_HOURS_CHOICES[int(value)] if value.isdigit() and int(value) < len(QUIET_HOURS_CHOICES) else None


def quiet_hours_keyboard(current: str | None) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for index, choice in enumerate(QUIET_HOURS_CHOICES):
        label = quiet_hours_label(None if choice == "off" else choice)
        builder.button(text=f"• {label} •" if (choice == "off" and current is None) or choice == current else label,
                       callback_data=SettingsCb(a="set_quiet", v=str(index)))
    builder.button(text=_("As the course sets it"), callback_data=SettingsCb(a="set_quiet", v=COURSE_DEFAULT))
    builder.button(text=_("◀ Back"), callback_data=SettingsCb(a="back"))
    builder.adjust(1)
    return builder.as_markup()


def time_zone_label(zone: str, locale: str, now: datetime) -> str:
    """"Almaty (UTC+5)": the city in the learner's language and today's offset."""
    city = zone_city(zone, locale)
    return city if city == "UTC" else f"{city} ({utc_offset(now, zone)})"


def time_zone_keyboard(current: str, locale: str, now: datetime) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for zone in TIME_ZONE_CHOICES:
        label = time_zone_label(zone, locale, now)
        builder.button(text=f"• {label} •" if zone == current else label,
                       callback_data=SettingsCb(a="set_zone", v=zone))
    builder.button(text=_("As the course sets it"), callback_data=SettingsCb(a="set_zone", v=COURSE_DEFAULT))
    builder.button(text=_("◀ Back"), callback_data=SettingsCb(a="back"))
    builder.adjust(2, 2, 2, 2, 1, 1)
    return builder.as_markup()
