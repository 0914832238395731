"""/preview [course] [lecture] [kk|ru|en]: any lecture of the draft (else the published version),
exactly as a learner sees it, quiz included, in the instructor's private chat.

Nothing is written: the buttons carry their own prefix and the whole state (lecture row, chunk or
question position, language, score so far), so no enrolment, progress or attempt row is made
and no statistic counts a preview answer. Messages are rendered by the learner's own functions
(`course_messages`, `texts`, the presenter's lab), so what the instructor sees is what a learner gets.
"""
from __future__ import annotations

import logging
from typing import Literal

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, User
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.services.course_preview import CoursePreviewService, UnknownLecture
from bot.services.registry import Services
from bot.services.views import ChunkView, media_for_locale
from bot.telegram.callbacks import OptionIndex, Position, RowId
from bot.telegram.chat_filters import PRIVATE
from bot.telegram.course_messages import chunk_messages, self_check_text
from bot.telegram.keyboards import LANGUAGE_NAMES, OPTION_LETTERS
from bot.telegram.media import MediaUnavailable
from bot.telegram.presenter import Presenter
from bot.telegram.texts import answered_text, grade_sentence, question_text, score_sentence
from handlers.instructor.staff_place import instructor_scope
from bot.telegram.texts_content import (
    preview_header,
    preview_private_only,
    preview_result_header,
    preview_unknown_lecture,
)
from content.constants import LOCALES

log = logging.getLogger(__name__)
Locale = Literal["kk", "ru", "en"]


class PreviewCb(CallbackData, prefix="pv"):
    """c: show chunk `p`; k: self-check answer `o` under chunk `p`; q: show question `p`;
    a: answer `o` to question `p`. `s`: the score so far."""
    act: Literal["c", "k", "q", "a"]
    l: RowId  # noqa: E741 - the lecture row, as the learner's callbacks name it
    p: Position
    g: Locale
    s: Position = 0
    o: OptionIndex = 0


def _service(services: Services, person: User) -> CoursePreviewService:
    return CoursePreviewService(services.uow, services.clock, instructor_scope(services, person))


async def preview(message: Message, command: CommandObject, services: Services, presenter: Presenter,
                  i18n: I18n) -> None:
    words = (command.args or "").split()
    locale = next((word for word in words if word in LOCALES), presenter.locale)
    words = [word for word in words if word not in LOCALES]
    assert message.from_user is not None  # HasRole let only a person through
    service = _service(services, message.from_user)
    slug = words[0] if words and await service.is_course(words[0]) else None
    lecture_key = next(iter(words[1:] if slug else words), None)
    start = await service.start(slug, lecture_key)
    if isinstance(start, UnknownLecture):
        await presenter.text(preview_unknown_lecture(start.key, start.keys))
        return
    languages = InlineKeyboardMarkup(inline_keyboard=[[
        InlineKeyboardButton(text=name, callback_data=PreviewCb(act="c", l=start.lecture_id, p=0, g=code).pack())
        for code, name in LANGUAGE_NAMES.items()]])
    await presenter.text(preview_header(start.slug, start.number, start.is_draft, start.lecture_key), languages)
    with i18n.use_locale(locale):
        await _chunk(presenter, service, start.lecture_id, 0, locale)  # type: ignore[arg-type]


def _chunk_markup(view: ChunkView, locale: Locale, with_checks: bool = True) -> InlineKeyboardMarkup:
    rows: list[list[InlineKeyboardButton]] = []
    if view.kind == "link":
        rows.append([InlineKeyboardButton(text=_("🔗 Open the link"), url=view.body["url"])])
    if view.kind == "self_check" and with_checks:
        rows.append([InlineKeyboardButton(text=OPTION_LETTERS[index], callback_data=PreviewCb(
            act="k", l=view.lecture_id, p=view.position, g=locale, o=index).pack())
            for index in range(len(view.body.get("options", [])))])
    if view.is_last:
        rows.append([InlineKeyboardButton(text=_("📝 Take the quiz"), callback_data=PreviewCb(
            act="q", l=view.lecture_id, p=0, g=locale).pack())])
    else:
        rows.append([InlineKeyboardButton(text=_("Next ▶"), callback_data=PreviewCb(
            act="c", l=view.lecture_id, p=view.position + 1, g=locale).pack())])
    return InlineKeyboardMarkup(inline_keyboard=rows)


async def _chunk(presenter: Presenter, service: CoursePreviewService, lecture_id: int, position: int,
                 locale: Locale) -> None:
    view = await service.chunk(lecture_id, position)
    if view is None:
        await _question(presenter, service, lecture_id, 0, 0, locale)
        return
    markup = _chunk_markup(view, locale)
    messages = chunk_messages(view, locale)
    if messages.caption is not None:
        source = media_for_locale(view.body["video"] if view.kind == "video" else view.body["file"], locale)
        send = presenter.bot.send_video if view.kind == "video" else presenter.bot.send_document
        try:
            await presenter.media.send(presenter.bot, source, view.source_dir, lambda media: send(
                presenter.chat_id, media, caption=messages.caption, reply_markup=None if messages.texts else markup))
        except MediaUnavailable as missing:
            log.warning("preview of chunk %s: %s", view.chunk_id, missing)
        else:
            if not messages.texts:
                return
    parts = messages.texts or [messages.caption or ""]
    for part in parts[:-1]:
        await presenter.text(part)
    await presenter.text(parts[-1], markup)


async def _question(presenter: Presenter, service: CoursePreviewService, lecture_id: int, position: int, score: int,
                    locale: Locale) -> None:
    question = await service.question(lecture_id, position)
    if question is None:
        return
    markup = InlineKeyboardMarkup(inline_keyboard=[[
        InlineKeyboardButton(text=OPTION_LETTERS[index], callback_data=PreviewCb(
            act="a", l=lecture_id, p=position, g=locale, s=score, o=index).pack())
        for index in range(len(question.view.options))]])
    await presenter.text(question_text(question.view, locale), markup)


async def pressed(query: CallbackQuery, callback_data: PreviewCb, services: Services, presenter: Presenter,
                  i18n: I18n) -> None:
    await query.answer()
    service = _service(services, query.from_user)
    data = callback_data
    message = query.message if isinstance(query.message, Message) else None
    with i18n.use_locale(data.g):
        if data.act == "k":
            view = await service.chunk(data.l, data.p)
            if view is not None and message is not None and data.o < len(view.body.get("options", [])):
                _short, text = self_check_text(view, data.o, data.g)
                await presenter.edit(message, text, _chunk_markup(view, data.g, with_checks=False))
            return
        if message is not None and data.act != "a":
            await presenter.drop_buttons(message)
        if data.act == "c":
            await _chunk(presenter, service, data.l, data.p, data.g)
        elif data.act == "q":
            await _question(presenter, service, data.l, 0, 0, data.g)
        else:
            await _answer(message, data, presenter, service)


async def _answer(message: Message | None, data: PreviewCb, presenter: Presenter,
                  service: CoursePreviewService) -> None:
    question = await service.question(data.l, data.p)
    if question is None or data.o >= len(question.view.options):
        return
    answered = service.answer(question, data.o)
    if message is not None:
        await presenter.edit(message, answered_text(answered, data.g), None)
    score = data.s + int(answered.is_correct)
    if data.p + 1 < question.view.size:
        await _question(presenter, service, data.l, data.p + 1, score, data.g)
        return
    result = await service.result(data.l, score, question.view.size)
    if result is None:
        return
    if result.lab is not None:
        await presenter.in_locale(data.g).lab(result.lab, data.l)  # the previewed language, not the instructor's
    await presenter.text("\n".join([preview_result_header(), score_sentence(result.score, result.size),
                                    grade_sentence(result.score, result.size, result.pass_score)]))


async def not_here(message: Message, presenter: Presenter) -> None:
    await presenter.text(preview_private_only())


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(preview, Command("preview"), PRIVATE)
    router.message.register(not_here, Command("preview"))
    router.callback_query.register(pressed, PreviewCb.filter())
    return router
