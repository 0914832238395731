"""The last resort: log with context, tell the learner, never crash the bot."""
from __future__ import annotations

import logging

from aiogram import Bot, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.types import Chat, ErrorEvent
from aiogram.utils.i18n import gettext as _

log = logging.getLogger(__name__)


def _chat_of(event: ErrorEvent) -> Chat | None:
    update = event.update
    if update.message is not None:
        return update.message.chat
    if update.callback_query is not None and update.callback_query.message is not None:
        return update.callback_query.message.chat
    return None


async def on_error(event: ErrorEvent, bot: Bot) -> None:
    chat = _chat_of(event)
    log.error("update %s in chat %s failed: %r", event.update.update_id, chat.id if chat else None,
              event.exception, exc_info=event.exception)
    if chat is None or chat.type != "private":
        return
    try:
        # Either the step was stored before the failure or rolled back whole, so
        # /lesson always resumes from a consistent place.
        await bot.send_message(chat.id, _("Sorry, something went wrong on my side. Send /lesson to continue "
                                          "where you stopped."))
    except TelegramAPIError as error:
        log.warning("could not tell chat %s about the failure of update %s: %s", chat.id,
                    event.update.update_id, error)


def build_router() -> Router:
    """A fresh router: each dispatcher (and each test's bot) gets its own."""
    router = Router(name=__name__)
    router.errors.register(on_error)
    return router
