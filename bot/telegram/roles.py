"""Who may use the staff side: owners (OWNER_IDS) always; an instructor or coordinator granted in
the database only while they are a member of the admin chat (ADMIN_CHAT_ID)."""
from __future__ import annotations

import logging
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Filter
from aiogram.types import CallbackQuery, Message, TelegramObject

from bot.config import Settings
from bot.services.registry import Services
from bot.services.staff import Role

log = logging.getLogger(__name__)
MEMBER_STATUSES = {"creator", "administrator", "member"}


async def in_admin_chat(bot: Bot, settings: Settings, user_id: int) -> bool:
    """Asked of Telegram each time, so leaving the admin chat takes the staff side away at once."""
    if settings.admin_chat_id is None:
        return False
    try:
        member = await bot.get_chat_member(settings.admin_chat_id, user_id)
    except TelegramAPIError as error:
        log.warning("could not check user %s in the admin chat: %s", user_id, error)
        return False
    return member.status in MEMBER_STATUSES


async def has_role(bot: Bot, settings: Settings, services: Services, user_id: int, *roles: Role) -> bool:
    if user_id in settings.owner_ids:
        return True
    key = ("roles", user_id)
    if key not in services.memo:  # three guarded routers ask within one update
        services.memo[key] = await services.staff.roles_of(user_id)
    granted = services.memo[key]
    assert isinstance(granted, frozenset)
    if not granted.intersection(roles):
        return False
    key = ("in_admin_chat", user_id)
    if key not in services.memo:
        services.memo[key] = await in_admin_chat(bot, settings, user_id)
    return bool(services.memo[key])


def _chat_allows_staff(event: TelegramObject, settings: Settings) -> bool:
    """Staff commands are taken in the admin chat and in private chats, nowhere else."""
    message = event.message if isinstance(event, CallbackQuery) else event
    if not isinstance(message, Message):
        return isinstance(event, CallbackQuery)  # an inaccessible old message: the role still decides
    return message.chat.type == "private" or message.chat.id == settings.admin_chat_id


class HasRole(Filter):
    """Set once on a staff router: the update passes only for a holder of one of `roles` (or an owner)."""

    def __init__(self, *roles: Role) -> None:
        self.roles = roles

    def __str__(self) -> str:
        return f"HasRole({', '.join(role.value for role in self.roles)})"

    async def __call__(self, event: TelegramObject, bot: Bot, settings: Settings, services: Services,
                       **data: Any) -> bool:
        sender = getattr(event, "from_user", None)
        if sender is None or sender.is_bot or not _chat_allows_staff(event, settings):
            return False
        if isinstance(event, Message) and event.sender_chat is not None:
            return False  # an anonymous group admin writes as the group: no person to check
        return await has_role(bot, settings, services, sender.id, *self.roles)
