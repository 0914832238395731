"""Someone left (or was removed from) the admin chat: their staff access ended at once (HasRole asks
Telegram each time), and now their private menu goes back to the learner commands too."""
from __future__ import annotations

import logging

from aiogram import Bot, Router
from aiogram.filters import LEAVE_TRANSITION, ChatMemberUpdatedFilter
from aiogram.types import ChatMemberUpdated, Message
from aiogram.types import User as TelegramUser
from aiogram.utils.i18n import I18n

from bot.config import Settings
from bot.services.registry import Services
from bot.telegram.commands import set_private_menu

log = logging.getLogger(__name__)


def _in_admin_chat(event: ChatMemberUpdated | Message, settings: Settings) -> bool:
    return settings.admin_chat_id is not None and event.chat.id == settings.admin_chat_id


async def _learner_menu(bot: Bot, i18n: I18n, services: Services, settings: Settings, person: TelegramUser) -> None:
    if person.is_bot or person.id in settings.owner_ids:  # owners keep the staff side wherever they are
        return
    known = await services.users.get(person.id)
    locale = services.users.locale_of(known) if known is not None else settings.default_locale
    log.info("user %s left the admin chat %s: the learner menu is back", person.id, settings.admin_chat_id)
    await set_private_menu(bot, i18n, person.id, locale, frozenset())


async def member_left(event: ChatMemberUpdated, bot: Bot, i18n: I18n, services: Services, settings: Settings) -> None:
    await _learner_menu(bot, i18n, services, settings, event.new_chat_member.user)


async def left_message(message: Message, bot: Bot, i18n: I18n, services: Services, settings: Settings) -> None:
    """The "X left the group" service message (what a bot without chat_member rights still sees)."""
    assert message.left_chat_member is not None
    await _learner_menu(bot, i18n, services, settings, message.left_chat_member)


async def _someone_left(message: Message) -> bool:
    """A coroutine, not `F.left_chat_member`: aiogram runs a plain-function filter on a worker
    thread, and every learner's message passes this router (issue 12)."""
    return message.left_chat_member is not None


def build_router() -> Router:
    router = Router(name=__name__)
    router.chat_member.register(member_left, ChatMemberUpdatedFilter(LEAVE_TRANSITION), _in_admin_chat)
    router.message.register(left_message, _someone_left, _in_admin_chat)
    return router
