"""The bot's menu and its profile texts in each language; a Bot API server without these
optional methods is not fatal: each refusal is logged once and start-up goes on."""
from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramNetworkError
from aiogram.types import BotCommand
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.config import SUPPORTED_LOCALES
from bot.telegram.texts_account import command_descriptions

log = logging.getLogger(__name__)


def bot_description() -> str:
    """Shown in an empty chat before the learner presses Start (up to 512 characters)."""
    # No counts here: the quiz size and pass mark are each course's settings.
    return _("Short courses right in this chat: lectures in small parts with videos, a short quiz after each "
             "one, the next lecture opening when you pass, and a certificate anyone can check. In Kazakh, "
             "Russian and English.")


def bot_short_description() -> str:
    """Shown on the bot's profile and in shared links (up to 120 characters)."""
    return _("Micro-courses in a chat: lectures, quizzes and a verifiable certificate.")


async def register_profile(bot: Bot, i18n: I18n, default_locale: str) -> bool:
    """setMyCommands, setMyDescription and setMyShortDescription for kk, ru, en and the default.

    Returns False if any of them was refused (a self-hosted or test server may lack them)."""
    steps: list[tuple[str, Callable[[str | None], Awaitable[object]]]] = [
        ("setMyCommands", lambda language: bot.set_my_commands(
            [BotCommand(command=name, description=text) for name, text in command_descriptions().items()],
            language_code=language)),
        ("setMyDescription", lambda language: bot.set_my_description(bot_description(), language_code=language)),
        ("setMyShortDescription", lambda language: bot.set_my_short_description(
            bot_short_description(), language_code=language)),
    ]
    accepted = True
    for method, call in steps:
        try:
            for language in (*SUPPORTED_LOCALES, None):
                with i18n.context(), i18n.use_locale(language or default_locale):
                    await call(language)
        except (TelegramAPIError, TelegramNetworkError) as error:
            log.warning("the Bot API server refused %s (%s); going on without it", method, error)
            accepted = False
    return accepted
