"""A video or document sent to the admin chat with a chunk's name as caption: its file_id goes on the draft."""
from __future__ import annotations

import logging
import re

from aiogram import F, Router
from aiogram.types import Message

from bot.config import Settings
from bot.services.course_drafts import CourseDraftService
from bot.services.registry import Services
from bot.services.views import pick
from bot.telegram.presenter import Presenter
from bot.telegram.texts_content import attached_text
from handlers.instructor.staff_place import actor, instructor_scope

log = logging.getLogger(__name__)
CHUNK_NAME = re.compile(r"^\s*[\w.-]+/[\w.-]+\s*$")


def _in_admin_chat(message: Message, settings: Settings) -> bool:
    return message.chat.id == settings.admin_chat_id


def _names_a_chunk(message: Message) -> bool:
    return bool(message.caption and CHUNK_NAME.match(message.caption))


async def attach(message: Message, services: Services, presenter: Presenter) -> None:
    assert message.from_user is not None and message.caption is not None
    media = message.video or message.document
    assert media is not None
    drafts = CourseDraftService(services.uow, services.clock, None, instructor_scope(services, message.from_user))
    attached = await drafts.attach(message.caption.strip(), media.file_id, actor(message.from_user))
    log.info("user %s attached file %s to %s of %s v%s", message.from_user.id, media.file_id, attached.name,
             attached.slug, attached.number)
    await presenter.text(attached_text(attached.name, pick(attached.chunk_title, presenter.locale), attached.slug,
                                       attached.number))


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(attach, F.video | F.document, _names_a_chunk, _in_admin_chat)
    return router
