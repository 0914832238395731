"""Pause, resume and cancel under a broadcast's progress message, and /broadcasts (recent ones with
their figures). The router's guard checks the role; the service checks the broadcast's course."""
from __future__ import annotations

import logging

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n

from bot.config import Settings
from bot.db.models import User
from bot.services.broadcast import BroadcastRefused
from bot.services.registry import Services
from bot.telegram.broadcast_progress import prepare_progress, send_progress
from bot.telegram.keyboards_broadcast import BroadcastControlCb
from bot.telegram.presenter import Presenter
from bot.telegram.texts_broadcast import control_answer_text, recent_text, refusal_text

log = logging.getLogger(__name__)


async def control(query: CallbackQuery, callback_data: BroadcastControlCb, services: Services, user: User,
                  bot: Bot, i18n: I18n, settings: Settings) -> None:
    actions = {"pause": services.broadcasts.pause, "resume": services.broadcasts.resume,
               "cancel": services.broadcasts.cancel}
    try:
        figures = await actions[callback_data.a](user.id, callback_data.b)
    except BroadcastRefused as refused:
        log.info("broadcast %s: %s by user %s refused: %s", callback_data.b, callback_data.a, user.id,
                 refused.problem.value)
        await query.answer(refusal_text(refused.problem), show_alert=True)
        return
    log.info("broadcast %s: %s by user %s", callback_data.b, callback_data.a, user.id)
    await query.answer(control_answer_text(callback_data.a, figures))
    view = await prepare_progress(services.uow, i18n, services.clock, settings.default_locale, callback_data.b,
                                  force=True)
    if view is not None:
        await send_progress(bot, view)


async def recent(message: Message, services: Services, user: User, presenter: Presenter) -> None:
    await presenter.text(recent_text(await services.broadcasts.recent(user.id), presenter.locale, "UTC"))


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(recent, Command("broadcasts"))
    router.callback_query.register(control, BroadcastControlCb.filter())
    return router
