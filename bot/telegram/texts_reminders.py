"""Texts about time: when a week opens, the scheduled messages, and /settings."""
from __future__ import annotations

from datetime import datetime

from aiogram.utils.i18n import gettext as _
from babel.dates import format_time

from bot.services.reminder_views import NoticeKind, NoticeView, SettingsView
from bot.services.views import Localized, pick
from bot.telegram.texts_time import local_date, local_time, zone_label


def next_lecture_opens_text(title: Localized | None, moment: datetime, locale: str, zone: str) -> str:
    """After a passed quiz, when the next lecture's week is still closed."""
    return _("🗓 The next lecture, “{title}”, opens on {date} at {time}. I will send you a message when it "
             "opens.").format(title=pick(title, locale), date=local_date(moment, locale, zone),
                              time=local_time(moment, locale, zone))


def not_released_text(moment: datetime | None, locale: str, zone: str) -> str:
    """Short enough for a callback answer (200 characters)."""
    if moment is None:
        return _("This lecture is not open yet.")
    return _("🗓 Your next lecture opens on {date} at {time}. I will send you a message when it opens.").format(
        date=local_date(moment, locale, zone), time=local_time(moment, locale, zone))


def opens_on_label(moment: datetime, locale: str, zone: str) -> str:
    """For a line of /progress."""
    return _("opens on {date}").format(date=local_date(moment, locale, zone))


def notice_text(view: NoticeView, locale: str) -> str:
    title = pick(view.lecture_title, locale)
    number = view.lecture_number
    if view.kind is NoticeKind.NEW_WEEK:
        text = _("🗓 <b>Week {week} is open.</b> Lecture {number}, “{title}”, is waiting for you.").format(
            week=view.week, number=number, title=title)
    elif view.kind is NoticeKind.RETRY:
        text = _("📖 Your last quiz on lecture {number}, “{title}”, scored {score} of {total}. Review the lecture "
                 "and try again: {needed} correct answers open the next lecture.").format(
            number=number, title=title, score=view.score or 0, total=view.size or 0, needed=view.pass_score or 0)
    elif view.part is None:
        text = _("⏰ Lecture {number}, “{title}”, is waiting for you. The first part takes only a few "
                 "minutes.").format(number=number, title=title)
    elif view.at_quiz:
        text = _("⏰ You have read all of lecture {number}, “{title}”: only the quiz is left.").format(
            number=number, title=title)
    else:
        text = _("⏰ You stopped at part {part} of {total} of lecture {number}, “{title}”. Shall we go on?").format(
            part=view.part, total=view.total, number=number, title=title)
    return text + "\n\n" + _("<i>Reminders and quiet hours: /settings</i>")


def on_off(value: bool) -> str:
    return _("on") if value else _("off")


def quiet_hours_label(value: str | None) -> str:
    return value.replace("-", "–") if value else _("none")


def settings_text(view: SettingsView, locale: str) -> str:
    zone = zone_label(view.zone, locale, view.local_now) + (
        " " + _("(the course's)") if view.zone_is_course_default else "")
    return "\n".join([
        _("⚙️ <b>Settings</b>"),
        _("Which messages I may send you, and when I keep quiet. Nothing is sent during quiet hours: "
          "it waits for the morning."),
        "",
        _("🕐 Time zone: {zone} (it is {time} there now)").format(
            zone=zone, time=format_time(view.local_now, "HH:mm", tzinfo=view.local_now.tzinfo, locale=locale)),
        _("🌙 Quiet hours: {hours}").format(hours=quiet_hours_label(view.quiet_hours)),
    ])
