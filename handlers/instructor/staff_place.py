"""Where staff work (the admin chat or their private chat) and who they are, for the audit log."""
from __future__ import annotations

from aiogram.types import Message, User as TelegramUser

from bot.config import Settings
from bot.services.course_drafts import Actor
from bot.services.registry import Services
from bot.services.staff import CourseScope, Role


def in_admin_chat_or_private(message: Message, settings: Settings) -> bool:
    return message.chat.type == "private" or message.chat.id == settings.admin_chat_id


def actor(person: TelegramUser) -> Actor:
    return Actor(person.id, person.full_name)


def instructor_scope(services: Services, person: TelegramUser) -> CourseScope:
    """The courses this instructor may act on: the services check each course they settle on."""
    return services.staff.scope(person.id, Role.INSTRUCTOR)
