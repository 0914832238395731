"""The last resort: log with context, answer the press, tell the learner, never crash the bot."""
from __future__ import annotations

import logging

from aiogram import Bot, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.exceptions import TelegramAPIError
from aiogram.types import CallbackQuery, Chat, ErrorEvent
from aiogram.utils.i18n import gettext as _

from bot.config import Settings
from bot.telegram.passing_failures import is_passing

log = logging.getLogger(__name__)


def _chat_of(event: ErrorEvent) -> Chat | None:
    update = event.update
    if update.message is not None:
        return update.message.chat
    if update.callback_query is not None and update.callback_query.message is not None:
        return update.callback_query.message.chat
    return None


async def _answer_press(bot: Bot, query: CallbackQuery, update_id: int) -> None:
    """Stop the button's spinner, whatever failed (the database, Telegram, our code).

    The handler may have answered before it failed; Telegram then refuses a second answer
    with a 400, which is expected and only logged.
    """
    try:
        await bot.answer_callback_query(query.id, text=_("Sorry, something went wrong on my side."))
    except TelegramAPIError as error:
        log.info("press %s of update %s not answered by the error handler: %s", query.id, update_id, error)


async def on_error(event: ErrorEvent, bot: Bot, settings: Settings) -> None:
    chat = _chat_of(event)
    query = event.update.callback_query
    if settings.webhook_url and is_passing(event.exception):
        # Rolled back, its claim included: left unhandled, the webhook answers 500 and Telegram
        # delivers the update again, to be applied then. An apology now would come before the answer.
        log.warning("update %s in chat %s failed for a passing reason (%r); Telegram is asked to deliver it again",
                    event.update.update_id, chat.id if chat else None, event.exception)
        raise SkipHandler()
    log.error("update %s in chat %s (user %s) failed: %r", event.update.update_id, chat.id if chat else None,
              query.from_user.id if query is not None else None, event.exception, exc_info=event.exception)
    if query is not None:
        await _answer_press(bot, query, event.update.update_id)
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
