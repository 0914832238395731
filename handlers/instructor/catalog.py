"""The staff's /courses and /export behind one guard set on the router, not in each handler.

Until the roles table lands, staff is who `is_coordinator` says: an owner or a member of the
admin chat, asked of Telegram each time. Anyone else's /courses or /export falls through to
the routers after this one (in a private chat: "I did not understand that")."""
from __future__ import annotations

from aiogram import Bot, Router
from aiogram.types import Message

from bot.config import Settings
from bot.telegram.roles import is_coordinator
from handlers.instructor import courses, export


async def staff_command(message: Message, bot: Bot, settings: Settings) -> bool:
    """A command from a staff member, in the admin chat or in private.

    Only commands are checked: every other message passing by would otherwise cost a
    getChatMember call to Telegram."""
    if message.from_user is None or not (message.text or "").startswith("/"):
        return False
    if message.chat.type != "private" and message.chat.id != settings.admin_chat_id:
        return False
    return await is_coordinator(bot, settings, message.from_user.id)


def build_router() -> Router:
    """A fresh router: each dispatcher (and each test's bot) gets its own."""
    router = Router(name=__name__)
    router.message.filter(staff_command)
    router.include_routers(export.build_router(), courses.build_router())
    return router
