"""/export [SLUG [VERSION]]: the course back as a .zip in the upload format."""
from __future__ import annotations

import logging

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import BufferedInputFile, CallbackQuery, Message, Update, User as TelegramUser
from aiogram.utils.i18n import gettext as _

from bot.media_store import MediaStore
from bot.services.course_export import CourseExporter
from bot.services.registry import Services
from bot.telegram.callbacks import ExportChoiceCb
from bot.telegram.presenter import Presenter
from bot.telegram.texts_courses import export_caption
from handlers.instructor.staff_place import instructor_scope

log = logging.getLogger(__name__)


async def export(message: Message, command: CommandObject, services: Services, presenter: Presenter,
                 media_store: MediaStore, event_update: Update) -> None:
    words = (command.args or "").split()
    slug = words[0] if words else None
    number = None
    if len(words) > 2 or len(words) == 2 and not words[1].isdigit():
        await presenter.text(_("Usage: /export, or /export SLUG, or /export SLUG VERSION (a number)."))
        return
    if len(words) == 2:
        number = int(words[1])
    assert message.from_user is not None  # HasRole let only a person through
    await send_course_files(services, presenter, media_store, message.from_user, slug, number, event_update)


async def course_files_chosen(query: CallbackQuery, callback_data: ExportChoiceCb, services: Services,
                              presenter: Presenter, media_store: MediaStore, event_update: Update) -> None:
    """/export asked someone who may also export learner data (handlers/coordinator/data_export.py)."""
    await query.answer()
    if isinstance(query.message, Message):
        await presenter.drop_buttons(query.message)
    slug = None
    if callback_data.c:
        course = await services.uow.courses.get(callback_data.c)
        slug = course.slug if course is not None else str(callback_data.c)
    await send_course_files(services, presenter, media_store, query.from_user, slug, None, event_update)


async def send_course_files(services: Services, presenter: Presenter, media_store: MediaStore, person: TelegramUser,
                            slug: str | None, number: int | None, event_update: Update) -> None:
    exporter = CourseExporter(services.uow, media_store,  # the store courses are loaded into
                              instructor_scope(services, person))
    result = await exporter.export(slug, number)
    log.info("user %s exported %s version %s (%d bytes; update %s)", person.id,
             result.slug, result.version_number, len(result.data), event_update.update_id)
    await presenter.bot.send_document(presenter.chat_id, BufferedInputFile(result.data, result.filename),
                                      caption=export_caption(result))


def build_router() -> Router:
    """A fresh router: each dispatcher (and each test's bot) gets its own."""
    router = Router(name=__name__)
    router.message.register(export, Command("export"))
    router.callback_query.register(course_files_chosen, ExportChoiceCb.filter(F.what == "files"))
    return router
