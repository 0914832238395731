"""Instructors' commands (and owners'): the role is checked once, on the router.

The content workflow's modules (upload, preview, publish, ...) are included here."""
from __future__ import annotations

from aiogram import Router

from bot.services.staff import Role
from bot.telegram.roles import HasRole


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(HasRole(Role.INSTRUCTOR))
    router.callback_query.filter(HasRole(Role.INSTRUCTOR))
    modules: list[Router] = []  # the content workflow's routers join here
    if modules:
        router.include_routers(*modules)
    return router
