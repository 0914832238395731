"""Where staff work (the admin chat or their private chat) and who they are, for the audit log."""
from __future__ import annotations

from aiogram.types import Message, User as TelegramUser

from bot.config import Settings
from bot.services.course_drafts import Actor


def in_admin_chat_or_private(message: Message, settings: Settings) -> bool:
    return message.chat.type == "private" or message.chat.id == settings.admin_chat_id


def actor(person: TelegramUser) -> Actor:
    return Actor(person.id, person.full_name)
