"""The content workflow's router: upload, preview, diff, publish, rollback, history, files by file_id.

One staff filter on the router (messages and button presses alike), none inside the handlers.
At merge this router goes under the role-guarded instructor router.
"""
from __future__ import annotations

from aiogram import Bot, Router
from aiogram.types import CallbackQuery, Message

from bot.config import Settings
from bot.telegram.roles import is_coordinator
from handlers.instructor import media, preview, publish, upload


COMMANDS = ("/preview", "/diff", "/publish", "/rollback", "/history")
PREFIXES = (f"{preview.PreviewCb.__prefix__}:", f"{publish.ContentCb.__prefix__}:")


def _concerns_content(event: Message | CallbackQuery) -> bool:
    """Cheap first: only what this router could take costs a membership check with Telegram."""
    if isinstance(event, CallbackQuery):
        return (event.data or "").startswith(PREFIXES)
    if event.document is not None or event.video is not None:
        return True
    command = (event.text or "").split(" ", 1)[0].split("@", 1)[0]
    return command in COMMANDS


async def is_staff(event: Message | CallbackQuery, bot: Bot, settings: Settings) -> bool:
    person = event.from_user
    return (_concerns_content(event) and person is not None and not person.is_bot
            and await is_coordinator(bot, settings, person.id))


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(is_staff)
    router.callback_query.filter(is_staff)
    # media before upload: a document captioned with a chunk's name is a file for that chunk.
    router.include_routers(media.build_router(), upload.build_router(), preview.build_router(),
                           publish.build_router())
    return router
