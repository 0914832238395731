"""Coordinators write to a learner: `/message <id or @username> <text>`, or a reply to the bot's
copy of a learner's message (in the admin chat). Sent at once, in the learner's language, with a
header saying it comes from the coordinators; the learner's reply to it comes back to the admin chat."""
from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import Bot, Router
from aiogram.exceptions import TelegramAPIError, TelegramForbiddenError
from aiogram.filters import Command, Filter
from aiogram.types import Message
from aiogram.utils.i18n import I18n

from bot.db.models import User
from bot.services.contact import ContactError, LearnerCard, parse_direct_message
from bot.services.registry import Services
from bot.services.staff import Role
from bot.telegram.contact_send import pass_on, send_text_with_header
from bot.telegram.presenter import Presenter
from bot.telegram.texts_contact import (
    blocked_text,
    contact_error_text,
    delivered_text,
    learner_gone_text,
    not_delivered_text,
    to_learner_footer,
    to_learner_header,
)

log = logging.getLogger(__name__)
Send = Callable[[str, str], Awaitable[list[int]]]  # (header, footer) → the ids of the messages sent


class RepliesToLearnerCopy(Filter):
    """A reply (not a command) to the bot's copy of a learner's message: hands on `learner_id`."""

    async def __call__(self, message: Message, bot: Bot, services: Services, **data: Any) -> bool | dict[str, Any]:
        replied = message.reply_to_message
        if replied is None or replied.from_user is None or replied.from_user.id != bot.id:
            return False
        if (message.text or "").startswith("/"):
            return False
        learner_id = await services.contact.learner_behind_copy(message.chat.id, replied.message_id)
        return False if learner_id is None else {"learner_id": learner_id}


async def direct_message(message: Message, services: Services, presenter: Presenter, bot: Bot, i18n: I18n,
                         user: User) -> None:
    # The HTML of the whole message keeps the coordinator's bold, links and lines; the command
    # itself is plain in it, so the words after it are the arguments.
    words = message.html_text.split(maxsplit=1)
    try:
        direct = parse_direct_message(words[1] if len(words) > 1 else "")
        # Only learners of the courses this coordinator looks after (owners and all-course grants: anyone).
        scope = await services.staff.course_ids_of(user.id, Role.COORDINATOR)
        card = await services.contact.find_learner(direct.learner, scope)
    except ContactError as error:
        log.info("/message from %s refused: %s", user.id, error)
        await presenter.text(contact_error_text(error))
        return
    await _deliver(services, presenter, i18n, card, user.id,
                   lambda header, footer: send_text_with_header(bot, card.user_id, header, footer, direct.text_html))


async def reply_to_learner(message: Message, learner_id: int, services: Services, presenter: Presenter, bot: Bot,
                           i18n: I18n, user: User) -> None:
    card = await services.contact.card(learner_id)
    if card is None:
        await presenter.text(learner_gone_text())
        return
    await _deliver(services, presenter, i18n, card, user.id,
                   lambda header, footer: pass_on(bot, card.user_id, header, footer, message))


async def _deliver(services: Services, presenter: Presenter, i18n: I18n, card: LearnerCard, staff_id: int,
                   send: Send) -> None:
    with i18n.use_locale(card.locale):  # the learner reads it in their language
        header, footer = to_learner_header(), to_learner_footer()
    try:
        message_ids = await send(header, footer)
    except TelegramForbiddenError as error:
        log.info("coordinator %s wrote to learner %s, who blocked the bot: %s", staff_id, card.user_id, error.message)
        await services.contact.blocked_by(card.user_id)
        await presenter.text(blocked_text(card))
        return
    except TelegramAPIError as error:
        log.warning("coordinator %s wrote to learner %s: not delivered: %s", staff_id, card.user_id, error.message)
        await presenter.text(not_delivered_text(card, error.message))
        return
    services.contact.remember_delivered(card.user_id, message_ids, staff_id)
    log.info("coordinator %s wrote to learner %s (messages %s)", staff_id, card.user_id, message_ids)
    await presenter.text(delivered_text(card))


def build_router() -> Router:
    """A fresh router: each dispatcher (and each test's bot) gets its own."""
    router = Router(name=__name__)
    router.message.register(direct_message, Command("message"))
    router.message.register(reply_to_learner, RepliesToLearnerCopy())
    return router
