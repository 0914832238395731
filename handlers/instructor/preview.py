"""/preview [course] [lecture] [kk|ru|en]: any lecture of the draft (else the published version),
exactly as a learner sees it, quiz included, in the instructor's private chat.

Nothing is written: the buttons carry their own prefix and the whole state (lecture row, chunk or
question position, language, score so far), so no enrolment, progress or attempt row is made
and no statistic counts a preview answer. Messages are rendered by the learner's own functions
(`course_messages`, `texts`), so what the instructor sees is what a learner gets.
"""
from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Literal

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.db.models import CourseVersion, Lecture
from bot.services.course_drafts import ContentProblem, ContentRefused, CourseDraftService
from bot.services.registry import Services
from bot.services.views import AnsweredView, ChunkView, QuestionView, media_for_locale
from bot.telegram.callbacks import OptionIndex, Position, RowId
from bot.telegram.course_messages import chunk_messages
from bot.telegram.keyboards import LANGUAGE_NAMES, OPTION_LETTERS
from bot.telegram.media import MediaUnavailable
from bot.telegram.presenter import Presenter
from bot.telegram.texts import answered_text, grade_sentence, question_text, score_sentence
from bot.telegram.texts_content import (
    content_refused_text,
    preview_header,
    preview_private_only,
    preview_result_header,
    preview_unknown_lecture,
)
from content.constants import LOCALES

log = logging.getLogger(__name__)
Locale = Literal["kk", "ru", "en"]


class PreviewCb(CallbackData, prefix="pv"):
    """c: show chunk `p`; q: show question `p`; a: answer `o` to question `p`. `s`: the score so far."""
    act: Literal["c", "q", "a"]
    l: RowId  # noqa: E741 - the lecture row, as the learner's callbacks name it
    p: Position
    g: Locale
    s: Position = 0
    o: OptionIndex = 0


async def preview(message: Message, command: CommandObject, services: Services, presenter: Presenter,
                  i18n: I18n) -> None:
    words = (command.args or "").split()
    locale = next((word for word in words if word in LOCALES), presenter.locale)
    words = [word for word in words if word not in LOCALES]
    slug = words[0] if words and await services.uow.courses.by_slug(words[0]) is not None else None
    lecture_key = (words[1:] if slug else words)[:1]
    drafts = CourseDraftService(services.uow, services.clock, None)
    try:
        course = await drafts.course(slug)
    except ContentRefused as refused:
        await presenter.text(content_refused_text(refused))
        return
    version = await drafts.draft_or_published(course)
    lectures = list(await services.uow.drafts.lectures(version.id)) if version is not None else []
    if version is None or not lectures:
        await presenter.text(content_refused_text(ContentRefused(ContentProblem.NO_DRAFT, course.slug)))
        return
    lecture = lectures[0] if not lecture_key else next((row for row in lectures if row.key == lecture_key[0]), None)
    if lecture is None:
        await presenter.text(preview_unknown_lecture(lecture_key[0], [row.key for row in lectures]))
        return
    languages = InlineKeyboardMarkup(inline_keyboard=[[
        InlineKeyboardButton(text=name, callback_data=PreviewCb(act="c", l=lecture.id, p=0, g=code).pack())
        for code, name in LANGUAGE_NAMES.items()]])
    await presenter.text(preview_header(course.slug, version.number, version.state == "draft", lecture.key), languages)
    with i18n.use_locale(locale):
        await _chunk(presenter, services, version, lecture, 0, locale)  # type: ignore[arg-type]


async def _chunk(presenter: Presenter, services: Services, version: CourseVersion, lecture: Lecture, position: int,
                 locale: Locale) -> None:
    chunks = await services.uow.drafts.chunks(lecture.id)
    if not chunks:
        await _question(presenter, services, lecture, 0, 0, locale)
        return
    chunk = chunks[min(position, len(chunks) - 1)]
    view = ChunkView(chunk_id=chunk.id, enrolment_id=0, lecture_id=lecture.id, lecture_title=lecture.title,
                     lecture_number=lecture.position + 1, position=chunk.position, total=len(chunks), kind=chunk.kind,
                     title=chunk.title, body=chunk.body, source_dir=version.source_dir, course_title=version.title,
                     chunk_key=chunk.key)
    rows: list[list[InlineKeyboardButton]] = []
    if chunk.kind == "link":
        rows.append([InlineKeyboardButton(text=_("🔗 Open the link"), url=chunk.body["url"])])
    if view.is_last:
        rows.append([InlineKeyboardButton(text=_("📝 Take the quiz"),
                                          callback_data=PreviewCb(act="q", l=lecture.id, p=0, g=locale).pack())])
    else:
        rows.append([InlineKeyboardButton(text=_("Next ▶"), callback_data=PreviewCb(
            act="c", l=lecture.id, p=chunk.position + 1, g=locale).pack())])
    markup = InlineKeyboardMarkup(inline_keyboard=rows)
    messages = chunk_messages(view, locale)
    if messages.caption is not None:
        source = media_for_locale(chunk.body["video"] if chunk.kind == "video" else chunk.body["file"], locale)
        try:
            media = await presenter.media.resolve(source, version.source_dir)
        except MediaUnavailable as missing:
            log.warning("preview of chunk %s: %s", chunk.id, missing)
        else:
            send = presenter.bot.send_video if chunk.kind == "video" else presenter.bot.send_document
            await send(presenter.chat_id, media, caption=messages.caption,
                       reply_markup=None if messages.texts else markup)
            if not messages.texts:
                return
    parts = messages.texts or [messages.caption or ""]
    for part in parts[:-1]:
        await presenter.text(part)
    await presenter.text(parts[-1], markup)


def _question_view(lecture: Lecture, questions: Sequence[object], position: int) -> QuestionView:
    question = questions[position]
    return QuestionView(attempt_id=0, position=position, size=len(questions), lecture_title=lecture.title,
                        text=question.text, options=[option["text"] for option in question.options],  # type: ignore[attr-defined]
                        lecture_id=lecture.id, question_key=question.key)  # type: ignore[attr-defined]


async def _quiz(services: Services, lecture: Lecture) -> list[object]:
    return list(await services.uow.drafts.questions(lecture.id))[:lecture.quiz_size]


async def _question(presenter: Presenter, services: Services, lecture: Lecture, position: int, score: int,
                    locale: Locale) -> None:
    questions = await _quiz(services, lecture)
    if not questions:
        return
    view = _question_view(lecture, questions, position)
    markup = InlineKeyboardMarkup(inline_keyboard=[[
        InlineKeyboardButton(text=OPTION_LETTERS[index], callback_data=PreviewCb(
            act="a", l=lecture.id, p=position, g=locale, s=score, o=index).pack())
        for index in range(len(view.options))]])
    await presenter.text(question_text(view, locale), markup)


async def pressed(query: CallbackQuery, callback_data: PreviewCb, services: Services, presenter: Presenter,
                  i18n: I18n) -> None:
    await query.answer()
    lecture = await services.uow.courses.lecture(callback_data.l)
    version = await services.uow.drafts.version(lecture.version_id) if lecture is not None else None
    if lecture is None or version is None:
        return
    locale = callback_data.g
    with i18n.use_locale(locale):
        if isinstance(query.message, Message) and callback_data.act != "a":
            await presenter.drop_buttons(query.message)
        if callback_data.act == "c":
            await _chunk(presenter, services, version, lecture, callback_data.p, locale)
        elif callback_data.act == "q":
            await _question(presenter, services, lecture, 0, 0, locale)
        else:
            await _answer(query, callback_data, presenter, services, lecture, locale)


async def _answer(query: CallbackQuery, data: PreviewCb, presenter: Presenter, services: Services, lecture: Lecture,
                  locale: Locale) -> None:
    questions = await _quiz(services, lecture)
    if data.p >= len(questions):
        return
    question = questions[data.p]
    view = _question_view(lecture, questions, data.p)
    answered = AnsweredView(view, data.o, question.correct_index, question.explanation)  # type: ignore[attr-defined]
    if isinstance(query.message, Message):
        await presenter.edit(query.message, answered_text(answered, locale), None)
    score = data.s + int(answered.is_correct)
    if data.p + 1 < len(questions):
        await _question(presenter, services, lecture, data.p + 1, score, locale)
        return
    await presenter.text("\n".join([preview_result_header(), score_sentence(score, len(questions)),
                                    grade_sentence(score, len(questions), lecture.pass_score)]))


async def not_here(message: Message, presenter: Presenter) -> None:
    await presenter.text(preview_private_only())


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(preview, Command("preview"), F.chat.type == "private")
    router.message.register(not_here, Command("preview"))
    router.callback_query.register(pressed, PreviewCb.filter())
    return router
