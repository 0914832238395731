"""After the guarded staff routers: whoever reaches here with a staff command or a staff button
lacks the role. They get a polite answer, nothing changes, and the refusal is logged."""
from __future__ import annotations

import logging

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from bot.config import Settings
from bot.telegram.presenter import Presenter
from bot.telegram.roles import in_admin_chat
from bot.telegram.staff_commands import STAFF_CALLBACK_PREFIXES, STAFF_COMMANDS
from bot.telegram.texts_staff import ask_an_owner_text, not_a_person_text, staff_refusal_text

log = logging.getLogger(__name__)


async def refuse_command(message: Message, presenter: Presenter, bot: Bot, settings: Settings) -> None:
    command = (message.text or message.caption or "").split(maxsplit=1)[0]
    sender = message.from_user.id if message.from_user else None
    if message.sender_chat is not None:  # an anonymous group admin writes as the group: no person to check
        log.info("refused staff command %s in chat %s: sent on behalf of chat %s, not by a person", command,
                 message.chat.id, message.sender_chat.id)
        await presenter.text(not_a_person_text())
        return
    log.info("refused staff command %s from user %s in chat %s: no role for it", command, sender, message.chat.id)
    if (sender is not None and message.chat.id == settings.admin_chat_id
            and await in_admin_chat(bot, settings, sender)):
        await presenter.text(ask_an_owner_text())
    else:
        await presenter.text(staff_refusal_text())


async def refuse_press(query: CallbackQuery) -> None:
    log.info("refused staff button %r from user %s: no role for it", query.data, query.from_user.id)
    await query.answer(staff_refusal_text(), show_alert=True)


async def _staff_button(query: CallbackQuery) -> bool:
    """A coroutine, not `F.data.func(...)`: aiogram runs a plain-function filter on a worker
    thread, and every learner's press passes this router (issue 12)."""
    return query.data is not None and query.data.split(":", 1)[0] in STAFF_CALLBACK_PREFIXES


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(refuse_command, Command(*STAFF_COMMANDS))
    router.callback_query.register(refuse_press, _staff_button)
    return router
