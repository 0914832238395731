"""/help and what to say to a message the bot does not understand."""
from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from bot.telegram.presenter import Presenter
from bot.telegram.texts_account import help_text

router = Router(name=__name__)


@router.message(Command("help"))
async def help_command(message: Message, presenter: Presenter) -> None:
    await presenter.text(help_text())


@router.message(F.chat.type == "private")
async def not_understood(message: Message, presenter: Presenter) -> None:
    await presenter.text(_("I did not understand that. Send /lesson to continue the course or /help to see "
                           "what I can do."))
