"""The last resort: log with context, tell the learner, never crash the bot."""
from __future__ import annotations

import logging

from aiogram import Bot, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.types import ErrorEvent
from aiogram.utils.i18n import gettext as _

log = logging.getLogger(__name__)


async def on_error(event: ErrorEvent, bot: Bot) -> None:
    update = event.update
    chat = None
    if update.message:
        chat = update.message.chat
    elif update.callback_query and update.callback_query.message:
        chat = update.callback_query.message.chat
    user = update.event_from_user if hasattr(update, "event_from_user") else None
    log.error("update %s from user %s failed: %r", update.update_id, getattr(user, "id", None), event.exception,
              exc_info=event.exception)
    if chat is None or chat.type != "private":
        return
    try:
        await bot.send_message(chat.id, _("Sorry, something went wrong on my side. Nothing you did was lost; "
                                          "please try again in a moment."))
    except TelegramAPIError as error:
        log.warning("could not tell user %s about the failure of update %s: %s", chat.id, update.update_id, error)


def build_router() -> Router:
    """A fresh router: each dispatcher (and each test's bot) gets its own."""
    router = Router(name=__name__)
    router.errors.register(on_error)
    return router
