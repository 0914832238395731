"""Owners' commands (OWNER_IDS): who is staff. One guard on the router, none in the handlers."""
from __future__ import annotations

from aiogram import Router

from bot.services.staff import Role
from bot.telegram.roles import HasRole
from handlers.owner import staff


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(HasRole(Role.OWNER))
    router.callback_query.filter(HasRole(Role.OWNER))
    router.include_routers(staff.build_router())
    return router
