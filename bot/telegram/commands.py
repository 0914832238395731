"""The bot's menus and its profile texts in each language; a Bot API server without these
optional methods is not fatal: each refusal is logged once and start-up goes on.

Three menus, as Telegram picks them (the most specific scope first): a learner's own chat after
/language (BotCommandScopeChat, in the language they chose), the admin chat (BotCommandScopeChat
of ADMIN_CHAT_ID: the staff commands, per language), and the default (the learner commands, per
Telegram app language)."""
from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramNetworkError
from aiogram.types import BotCommand, BotCommandScopeChat
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.config import SUPPORTED_LOCALES
from bot.services.staff import Role
from bot.telegram.texts_account import command_descriptions
from bot.telegram.texts_staff import staff_command_descriptions

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


def _commands(descriptions: dict[str, str]) -> list[BotCommand]:
    return [BotCommand(command=name, description=text) for name, text in descriptions.items()]


async def register_profile(bot: Bot, i18n: I18n, default_locale: str, admin_chat_id: int | None = None) -> bool:
    """setMyCommands, setMyDescription and setMyShortDescription for kk, ru, en and the default,
    and the staff menu in the admin chat when there is one.

    Returns False if any of them was refused (a self-hosted or test server may lack them)."""
    steps: list[tuple[str, Callable[[str | None], Awaitable[object]]]] = [
        ("setMyCommands", lambda language: bot.set_my_commands(
            _commands(command_descriptions()), language_code=language)),
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
    if admin_chat_id is not None:
        accepted = await register_staff_menu(bot, i18n, default_locale, admin_chat_id) and accepted
    return accepted


async def register_staff_menu(bot: Bot, i18n: I18n, default_locale: str, admin_chat_id: int) -> bool:
    """The admin chat's menu (its own scope, so the learner commands do not show there)."""
    scope = BotCommandScopeChat(chat_id=admin_chat_id)
    try:
        for language in (*SUPPORTED_LOCALES, None):
            with i18n.context(), i18n.use_locale(language or default_locale):
                await bot.set_my_commands(_commands(staff_command_descriptions()), scope=scope,
                                          language_code=language)
    except (TelegramAPIError, TelegramNetworkError) as error:
        # A wrong ADMIN_CHAT_ID, or a bot that is not in that group: the commands still work.
        log.warning("could not set the staff menu in the admin chat %s (%s); going on without it",
                    admin_chat_id, error)
        return False
    return True


async def set_chat_menu(bot: Bot, chat_id: int) -> bool:
    """One learner's menu in the current locale (the language they chose, whatever their Telegram
    app's language is). A refusal is logged; the language change stands without it."""
    try:
        await bot.set_my_commands(_commands(command_descriptions()), scope=BotCommandScopeChat(chat_id=chat_id))
    except (TelegramAPIError, TelegramNetworkError) as error:
        log.warning("could not set the menu of chat %s (%s)", chat_id, error)
        return False
    return True


async def set_private_menu(bot: Bot, i18n: I18n, user_id: int, locale: str, roles: frozenset[Role]) -> bool:
    """One person's private menu in their language: the learner commands, and the staff commands of
    their roles when they have any (so ungrant restores the learner menu). A refusal is logged."""
    with i18n.context(), i18n.use_locale(locale):
        commands = command_descriptions()
        if roles:
            commands = {**commands, **staff_command_descriptions(roles)}
        try:
            await bot.set_my_commands(_commands(commands), scope=BotCommandScopeChat(chat_id=user_id))
        except (TelegramAPIError, TelegramNetworkError) as error:
            log.warning("could not set the private menu of user %s (%s)", user_id, error)
            return False
    return True
