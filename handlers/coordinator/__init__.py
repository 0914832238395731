"""Coordinators' commands (and owners'): the role is checked once, on the router."""
from __future__ import annotations

from aiogram import Router

from bot.services.staff import Role
from bot.telegram.roles import HasRole
from handlers.coordinator import broadcast, broadcast_control, certificates, contact, data_export, stats, stuck


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(HasRole(Role.COORDINATOR))
    router.callback_query.filter(HasRole(Role.COORDINATOR))
    router.include_routers(certificates.build_router(), stats.build_router(), stuck.build_router(),
                           data_export.build_router(), broadcast_control.build_router(), broadcast.build_router(),
                           contact.build_router())
    return router
