"""A course sent as a document (.yaml or .zip): downloaded, unpacked safely, validated, stored as a draft."""
from __future__ import annotations

import asyncio
import io
import logging
import tempfile
from html import escape
from pathlib import Path

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import BufferedInputFile, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.media_store import MediaStore
from bot.services.course_drafts import CourseDraftService
from bot.services.course_upload import MAX_DOWNLOAD_BYTES, UploadProblem, UploadRefused, is_course_upload, unpack
from bot.services.registry import Services
from bot.telegram.course_check import RenderedCourseCheck
from bot.telegram.course_messages import message_parts
from bot.telegram.presenter import Presenter
from bot.telegram.texts_content import error_lines, upload_errors_header, upload_report
from content.errors import CourseValidationError
from content.validator import check_course
from handlers.instructor.staff_place import actor, in_admin_chat_or_private, instructor_scope

log = logging.getLogger(__name__)
# Past this many messages the errors come as one attached .txt instead of a wall of messages.
MAX_ERROR_MESSAGES = 3


async def _download(bot: Bot, file_id: str, size: int | None) -> bytes:
    if size is not None and size > MAX_DOWNLOAD_BYTES:
        raise UploadRefused(UploadProblem.TOO_BIG)
    try:
        file = await bot.get_file(file_id)
    except TelegramBadRequest as error:
        if "too big" in error.message:
            raise UploadRefused(UploadProblem.TOO_BIG) from None
        raise
    buffer = io.BytesIO()
    await bot.download_file(file.file_path or "", destination=buffer)
    return buffer.getvalue()


async def upload(message: Message, bot: Bot, services: Services, presenter: Presenter, i18n: I18n,
                 media_store: MediaStore | None = None) -> None:
    document = message.document
    assert document is not None and message.from_user is not None
    filename = Path(document.file_name or "course.yaml").name
    log.info("user %s uploads %s (%s bytes) in chat %s", message.from_user.id, filename, document.file_size,
             message.chat.id)
    # A refused upload (UploadRefused) is answered by the one refusal answer (handlers/common/refusals.py).
    data = await _download(bot, document.file_id, document.file_size)
    with tempfile.TemporaryDirectory(prefix="talimger-upload-") as folder:
        root = Path(folder)
        course_path = await asyncio.to_thread(unpack, data, filename, root)
        # Off the event loop: a big course takes a while to check, and learners are waiting meanwhile.
        spec, errors = await asyncio.to_thread(check_course, course_path, RenderedCourseCheck(i18n))
        shown_as = filename if course_path.is_file() else None
        base = course_path.parent if course_path.is_file() else course_path
        if spec is None:
            await _send_errors(presenter, filename, error_lines(errors, base, shown_as))
            return
        try:
            made = await CourseDraftService(services.uow, services.clock, media_store,
                                      instructor_scope(services, message.from_user)).make_draft(
                spec, actor(message.from_user), filename)
        except CourseValidationError as refused:  # a media file the store would not take; nothing written
            await _send_errors(presenter, filename, error_lines(refused.errors, base, shown_as))
            return
        await presenter.long_text(upload_report(spec, made.number, made.is_new_course, presenter.locale))


async def _send_errors(presenter: Presenter, filename: str, lines: list[str]) -> None:
    header = upload_errors_header(filename, len(lines))
    text = "\n".join([header, *(escape(line) for line in lines)])
    parts = message_parts(text)
    if len(parts) <= MAX_ERROR_MESSAGES:
        await presenter.long_text(text)
        return
    report = "\n".join(lines).encode("utf-8")
    await presenter.text(header + "\n" + _("The full list is in the attached file."))
    await presenter.bot.send_document(presenter.chat_id, BufferedInputFile(report, filename=f"{filename}-errors.txt"))


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(upload, F.document, F.document.file_name.func(is_course_upload), in_admin_chat_or_private)
    return router
