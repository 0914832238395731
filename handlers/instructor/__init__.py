"""Instructors' commands (and owners'): the role is checked once, on the router.

The content workflow: upload, preview, diff, publish, rollback, history, files by file_id,
/courses and /export."""
from __future__ import annotations

from aiogram import Router

from bot.services.staff import Role
from bot.telegram.roles import HasRole
from handlers.instructor import courses, export, media, preview, publish, upload


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(HasRole(Role.INSTRUCTOR))
    router.callback_query.filter(HasRole(Role.INSTRUCTOR))
    # media before upload: a document captioned with a chunk's name is a file for that chunk.
    router.include_routers(media.build_router(), upload.build_router(), preview.build_router(),
                           publish.build_router(), export.build_router(), courses.build_router())
    return router
