"""At start: the staff listed in the configuration hold their roles, and every owner's and staff
member's private menu lists their staff commands in their language."""
from __future__ import annotations

from aiogram import Bot
from aiogram.utils.i18n import I18n

from bot.config import Settings
from bot.db.uow import UnitOfWorkFactory
from bot.services.clock import Clock
from bot.services.staff import Role, StaffService
from bot.services.users import UserService
from bot.telegram.commands import set_private_menu


async def bootstrap_staff(uow_factory: UnitOfWorkFactory, clock: Clock, staff: list[tuple[int, Role]]) -> None:
    """Idempotent: each start makes sure the listed people hold their role."""
    if not staff:
        return
    async with uow_factory() as uow:
        await uow.begin_write()
        service = StaffService(uow, clock)
        for user_id, role in staff:
            await service.ensure(user_id, role)
        await uow.commit()


async def register_staff_menus(bot: Bot, i18n: I18n, uow_factory: UnitOfWorkFactory, clock: Clock,
                               settings: Settings) -> None:
    async with uow_factory() as uow:
        staff = StaffService(uow, clock, frozenset(settings.owner_ids))
        menus = []
        for user_id in sorted({*settings.owner_ids, *await staff.holders()}):
            user = await uow.users.get(user_id)
            locale = (UserService(uow, clock, settings.default_locale).locale_of(user)
                      if user is not None else settings.default_locale)
            menus.append((user_id, locale, await staff.roles_of(user_id)))
    for user_id, locale, roles in menus:
        await set_private_menu(bot, i18n, user_id, locale, roles)
