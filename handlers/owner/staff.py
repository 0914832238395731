"""/grant, /ungrant and /staff: owners give and take the instructor and coordinator roles."""
from __future__ import annotations

import logging

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n

from bot.config import Settings
from bot.db.models import User
from bot.services.registry import Services
from bot.services.names import telegram_name
from bot.services.users import TelegramIdentity
from bot.telegram.callbacks import StaffGrantCb
from bot.telegram.commands import set_private_menu
from bot.telegram.presenter import Presenter
from bot.telegram.texts_staff import (grant_text, grant_usage_text, granted_text,
                                      staff_list_text, ungranted_text)

log = logging.getLogger(__name__)


async def _target(message: Message, words: list[str], services: Services) -> tuple[int, str, str | None] | None:
    """(user id, name, course slug) from a reply or from `ROLE USER_ID [COURSE]`; None: bad usage."""
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and not replied.from_user.is_bot:
        person = replied.from_user
        await services.users.seen(TelegramIdentity(person.id, person.first_name, person.last_name,
                                                   person.username, person.language_code))
        name = telegram_name(person)  # type: ignore[arg-type]
        return person.id, name, words[1] if len(words) > 1 else None
    if len(words) < 2 or not words[1].lstrip("-").isdigit():
        return None
    user_id = int(words[1])
    known = await services.users.get(user_id)
    name = telegram_name(known) if known is not None else str(user_id)
    return user_id, name, words[2] if len(words) > 2 else None


async def _refresh_menu(bot: Bot, i18n: I18n, services: Services, settings: Settings, user_id: int) -> None:
    """Their private menu follows their roles at once: staff commands, or the learner menu again."""
    known = await services.users.get(user_id)
    locale = services.users.locale_of(known) if known is not None else settings.default_locale
    await set_private_menu(bot, i18n, user_id, locale, await services.staff.roles_of(user_id))


async def _change_role(message: Message, command: CommandObject, services: Services, presenter: Presenter,
                       bot: Bot, settings: Settings, i18n: I18n, user: User, granting: bool) -> None:
    """/grant and /ungrant: the same target, the service's grant or ungrant. A StaffError goes to the
    one refusal answer (handlers/common/refusals.py)."""
    words = (command.args or "").split()
    target = await _target(message, words, services) if words else None
    if target is None:
        await presenter.text(grant_usage_text())
        return
    user_id, name, course = target
    if granting:
        changed = await services.staff.grant(user_id, words[0], course, by=user.id)
        log.info("owner %s granted %s (course %s) to user %s", user.id, changed.role.value, course, user_id)
        done = granted_text(name, user_id, changed)
    else:
        changed = await services.staff.ungrant(user_id, words[0], course)
        log.info("owner %s took %s (course %s) from user %s", user.id, changed.role.value, course, user_id)
        done = ungranted_text(name, user_id, changed)
    # The member's menu first: when the owner reads "done", their menu already says so too.
    await _refresh_menu(bot, i18n, services, settings, user_id)
    await presenter.text(done)


async def grant(message: Message, command: CommandObject, services: Services, presenter: Presenter, bot: Bot,
                settings: Settings, i18n: I18n, user: User) -> None:
    await _change_role(message, command, services, presenter, bot, settings, i18n, user, granting=True)


async def ungrant(message: Message, command: CommandObject, services: Services, presenter: Presenter, bot: Bot,
                  settings: Settings, i18n: I18n, user: User) -> None:
    await _change_role(message, command, services, presenter, bot, settings, i18n, user, granting=False)


def _grant_buttons(grants: list[tuple[int, int, object]]) -> InlineKeyboardMarkup | None:
    rows = [[InlineKeyboardButton(text=f"✖ {user_id}: {grant_text(grant)}"[:64],  # type: ignore[arg-type]
                                  callback_data=StaffGrantCb(grant_id=grant_id).pack())]
            for grant_id, user_id, grant in grants[:90]]
    return InlineKeyboardMarkup(inline_keyboard=rows) if rows else None


async def staff_list(message: Message, services: Services, presenter: Presenter) -> None:
    await presenter.text(staff_list_text(await services.staff.members()),
                         _grant_buttons(await services.staff.grant_ids()))  # type: ignore[arg-type]


async def ungrant_pressed(query: CallbackQuery, callback_data: StaffGrantCb, services: Services,
                          presenter: Presenter, bot: Bot, settings: Settings, i18n: I18n, user: User) -> None:
    user_id, taken = await services.staff.ungrant_by_id(callback_data.grant_id)
    log.info("owner %s took %s (course %s) from user %s by /staff's button", user.id, taken.role.value,
             taken.course_slug, user_id)
    known = await services.users.get(user_id)
    name = telegram_name(known) if known is not None else str(user_id)
    await query.answer()
    await _refresh_menu(bot, i18n, services, settings, user_id)
    await presenter.text(ungranted_text(name, user_id, taken))


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(grant, Command("grant"))
    router.message.register(ungrant, Command("ungrant"))
    router.message.register(staff_list, Command("staff"))
    router.callback_query.register(ungrant_pressed, StaffGrantCb.filter())
    return router
