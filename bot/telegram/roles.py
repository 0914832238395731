"""Who is a coordinator: an owner (OWNER_IDS), or a member of the admin chat (ADMIN_CHAT_ID)."""
from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError

from bot.config import Settings

log = logging.getLogger(__name__)
MEMBER_STATUSES = {"creator", "administrator", "member"}


async def is_coordinator(bot: Bot, settings: Settings, user_id: int) -> bool:
    """Asked of Telegram each time, so leaving the admin chat takes the right away at once."""
    if user_id in settings.owner_ids:
        return True
    if settings.admin_chat_id is None:
        return False
    try:
        member = await bot.get_chat_member(settings.admin_chat_id, user_id)
    except TelegramAPIError as error:
        log.warning("could not check user %s in the admin chat: %s", user_id, error)
        return False
    return member.status in MEMBER_STATUSES
