"""/help and what to say to a message the bot does not understand."""
from __future__ import annotations

import logging

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.config import Settings
from bot.services.refusals import RefusedError
from bot.services.views import Refusal, Refused
from bot.telegram.chat_filters import PRIVATE
from bot.telegram.presenter import Presenter
from bot.telegram.texts_account import help_text
from bot.telegram.texts_staff import staff_help_text

log = logging.getLogger(__name__)


def _in_admin_chat(message: Message, settings: Settings) -> bool:
    return settings.admin_chat_id is not None and message.chat.id == settings.admin_chat_id


async def help_command(message: Message, presenter: Presenter) -> None:
    await presenter.text(help_text())


async def staff_help(message: Message, presenter: Presenter) -> None:
    """In the admin chat /help lists what the staff can do there, not the learner commands."""
    await presenter.text(staff_help_text())


async def not_understood(message: Message, presenter: Presenter) -> None:
    await presenter.text(_("I did not understand that. Send /lesson to continue the course or /help to see "
                           "what I can do."))


async def unknown_button(query: CallbackQuery, presenter: Presenter) -> None:
    """A press nothing else took (a forged or retired button): answered, so no spinner hangs."""
    log.info("unhandled button %r from user %s", query.data, query.from_user.id)
    raise RefusedError(Refused(Refusal.STALE))


def build_router() -> Router:
    """A fresh router: each dispatcher (and each test's bot) gets its own."""
    router = Router(name=__name__)
    router.message.register(help_command, Command("help"), PRIVATE)
    router.message.register(staff_help, Command("help"), _in_admin_chat)
    router.message.register(not_understood, PRIVATE)
    router.callback_query.register(unknown_button)
    return router
