"""The command menu in each language; a Bot API server without these methods is not fatal."""
from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramNetworkError
from aiogram.types import BotCommand
from aiogram.utils.i18n import I18n

from bot.config import SUPPORTED_LOCALES
from bot.telegram.texts_account import command_descriptions

log = logging.getLogger(__name__)


async def register_commands(bot: Bot, i18n: I18n, default_locale: str) -> bool:
    """setMyCommands for kk, ru, en and the default; returns False if the server refused."""
    for language in (*SUPPORTED_LOCALES, None):
        with i18n.context(), i18n.use_locale(language or default_locale):
            commands = [BotCommand(command=name, description=text) for name, text in command_descriptions().items()]
        try:
            await bot.set_my_commands(commands, language_code=language)
        except (TelegramAPIError, TelegramNetworkError) as error:
            log.warning("the Bot API server refused setMyCommands (%s); the command menu stays as it was", error)
            return False
    return True
