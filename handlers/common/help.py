"""/help and what to say to a message the bot does not understand."""
from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from bot.telegram.presenter import Presenter
from bot.telegram.texts_account import help_text



async def help_command(message: Message, presenter: Presenter) -> None:
    await presenter.text(help_text())


async def not_understood(message: Message, presenter: Presenter) -> None:
    await presenter.text(_("I did not understand that. Send /lesson to continue the course or /help to see "
                           "what I can do."))


def build_router() -> Router:
    """A fresh router: each dispatcher (and each test's bot) gets its own."""
    router = Router(name=__name__)
    router.message.register(help_command, Command("help"))
    router.message.register(not_understood, F.chat.type == "private")
    return router
