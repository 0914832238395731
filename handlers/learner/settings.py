"""/settings: reminders on or off by kind, the coordinators' announcements, quiet hours and time zone; edited in place."""
from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.db.models import User
from bot.services.registry import Services
from bot.services.reminder_views import NoticeKind
from bot.services.refusals import RefusedError
from bot.services.views import Refusal, Refused
from bot.telegram.callbacks import SettingsCb
from bot.telegram.chat_filters import PRIVATE
from bot.telegram.keyboards_reminders import (
    ANNOUNCEMENTS,
    quiet_hours_choice,
    quiet_hours_keyboard,
    settings_keyboard,
    time_zone_keyboard,
)
from bot.telegram.presenter import Presenter
from bot.telegram.texts_reminders import settings_text


async def settings(message: Message, user: User, services: Services, presenter: Presenter) -> None:
    view = await services.preferences.view(user.id)
    await presenter.text(settings_text(view, presenter.locale), settings_keyboard(view, presenter.locale))


async def settings_pressed(query: CallbackQuery, callback_data: SettingsCb, user: User, services: Services,
                           presenter: Presenter) -> None:
    preferences = services.preferences
    action, value = callback_data.a, callback_data.v
    if action == "toggle" and value in {kind.value for kind in NoticeKind}:
        await preferences.toggle(user.id, NoticeKind(value))
    elif action == "toggle" and value == ANNOUNCEMENTS:
        await preferences.toggle_announcements(user.id)
    elif action == "set_quiet":
        choice = quiet_hours_choice(value)
        changed = choice is not None and await preferences.set_quiet_hours(user.id, choice)
        action = "back" if changed else "stale"
    elif action == "set_zone":
        changed = await preferences.set_time_zone(user.id, value)
        action = "back" if changed else "stale"
    elif action == "pick_zone":  # offered under a message showing a time: the picker comes as a new message
        await query.answer()
        view = await preferences.view(user.id)
        await presenter.text(settings_text(view, presenter.locale),
                             time_zone_keyboard(view.zone, presenter.locale, view.local_now))
        return
    elif action not in {"quiet", "zone", "back"}:
        action = "stale"
    if action == "stale":
        raise RefusedError(Refused(Refusal.STALE))
    await query.answer()
    view = await preferences.view(user.id)
    markup: InlineKeyboardMarkup
    if action == "quiet":
        markup = quiet_hours_keyboard(view.quiet_hours)
    elif action == "zone":
        markup = time_zone_keyboard(view.zone, presenter.locale, view.local_now)
    else:
        markup = settings_keyboard(view, presenter.locale)
    if isinstance(query.message, Message):
        await presenter.edit(query.message, settings_text(view, presenter.locale), markup)


def build_router() -> Router:
    """A fresh router: each dispatcher (and each test's bot) gets its own."""
    router = Router(name=__name__)
    router.message.filter(PRIVATE)
    router.callback_query.filter(PRIVATE)
    router.message.register(settings, Command("settings"))
    router.callback_query.register(settings_pressed, SettingsCb.filter())
    return router
