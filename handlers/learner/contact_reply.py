"""A learner writes to the course coordinators: a reply to a coordinator's message, or /contact
(with the text after it, or the next message). Each goes to the admin chat under a header naming
the learner, their id and course; a coordinator's reply to it comes back (handlers/coordinator/contact.py).

Anything else a learner types is none of this router's business: only a reply to a message that
came from the coordinators is taken, so unexpected input and typed answers (/profile) work as before."""
from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import Bot, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command, CommandObject, Filter, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.config import Settings
from bot.db.models import User
from bot.services.registry import Services
from bot.telegram import keyboards
from bot.telegram.chat_filters import PRIVATE
from bot.telegram.contact_send import pass_on, send_text_with_header
from bot.telegram.presenter import Presenter
from bot.telegram.states import ContactInput
from bot.telegram.texts_contact import (
    contact_cancelled_text,
    contact_prompt_text,
    coordinators_unreachable_text,
    from_learner_footer,
    from_learner_header,
    sent_to_coordinators_text,
)

log = logging.getLogger(__name__)
Send = Callable[[int, str, str], Awaitable[list[int]]]  # (chat, header, footer) → the ids of the messages sent


class RepliesToCoordinators(Filter):
    """A reply (not a command, not a shared contact) to a message the coordinators sent this learner."""

    async def __call__(self, message: Message, bot: Bot, services: Services, **data: Any) -> bool:
        replied = message.reply_to_message
        if replied is None or replied.from_user is None or replied.from_user.id != bot.id:
            return False
        if message.contact is not None or (message.text or "").startswith("/"):
            return False
        return await services.contact.is_from_coordinators(message.chat.id, replied.message_id)


def _typed_message(message: Message) -> bool:
    """While /contact waits, commands keep working; only /cancel is taken as an answer."""
    text = message.text or ""
    return not text.startswith("/") or text.strip() == "/cancel"


async def contact_command(message: Message, command: CommandObject, state: FSMContext, services: Services,
                          presenter: Presenter, bot: Bot, settings: Settings, i18n: I18n, user: User) -> None:
    words = message.html_text.split(maxsplit=1)  # the text after the command, with its formatting
    if len(words) < 2 or not (command.args or "").strip():
        await state.set_state(ContactInput.typing)
        await presenter.text(contact_prompt_text(), keyboards.cancel_keyboard())
        return
    await state.clear()
    await _to_coordinators(services, presenter, settings, i18n, user.id,
                           lambda chat, header, footer: send_text_with_header(bot, chat, header, footer, words[1]))


async def contact_typed(message: Message, state: FSMContext, services: Services, presenter: Presenter, bot: Bot,
                        settings: Settings, i18n: I18n, user: User) -> None:
    await state.clear()
    if (message.text or "").strip() in {_("Cancel"), "/cancel"}:
        await presenter.text(contact_cancelled_text())
        return
    await _to_coordinators(services, presenter, settings, i18n, user.id,
                           lambda chat, header, footer: pass_on(bot, chat, header, footer, message))


async def reply_to_coordinators(message: Message, services: Services, presenter: Presenter, bot: Bot,
                                settings: Settings, i18n: I18n, user: User) -> None:
    await _to_coordinators(services, presenter, settings, i18n, user.id,
                           lambda chat, header, footer: pass_on(bot, chat, header, footer, message))


async def _to_coordinators(services: Services, presenter: Presenter, settings: Settings, i18n: I18n,
                           learner_id: int, send: Send) -> None:
    admin_chat = settings.admin_chat_id
    if admin_chat is None:
        log.warning("learner %s wrote to the coordinators, but there is no ADMIN_CHAT_ID", learner_id)
        await presenter.text(coordinators_unreachable_text())
        return
    card = await services.contact.card(learner_id)
    assert card is not None, "the middleware stores the user before any handler runs"
    with i18n.use_locale(settings.default_locale):  # the admin chat's language, as its alerts
        header, footer = from_learner_header(card, settings.default_locale), from_learner_footer()
    try:
        message_ids = await send(admin_chat, header, footer)
    except TelegramAPIError as error:
        log.error("learner %s wrote to the coordinators: the admin chat %s refused it: %s", learner_id, admin_chat,
                  error.message)
        await presenter.text(coordinators_unreachable_text())
        return
    services.contact.remember_copies(admin_chat, message_ids, learner_id)
    log.info("learner %s wrote to the coordinators (admin chat messages %s)", learner_id, message_ids)
    await presenter.text(sent_to_coordinators_text())


def build_router() -> Router:
    """A fresh router: each dispatcher (and each test's bot) gets its own."""
    router = Router(name=__name__)
    router.message.filter(PRIVATE)
    router.message.register(contact_command, Command("contact"))
    router.message.register(reply_to_coordinators, RepliesToCoordinators())
    router.message.register(contact_typed, StateFilter(ContactInput.typing), _typed_message)
    return router
