"""Inline and reply keyboards."""
from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.services.views import AttemptResult, ChunkView, CourseSummary, QuestionView, pick, visible_text
from bot.telegram.callbacks import (
    AnswerCb,
    EnrolCb,
    LanguageCb,
    NextChunkCb,
    OpenLectureCb,
    ProfileCb,
    ReviewCb,
    SelfCheckCb,
    SettingsCb,
    StartQuizCb,
)

LANGUAGE_NAMES = {"kk": "🇰🇿 Қазақша", "ru": "🇷🇺 Русский", "en": "🇬🇧 English"}
OPTION_LETTERS = "ABCDEFGH"
# A phone shows about this many characters of a full-width button; longer labels get cut.
BUTTON_CHARACTERS = 30


def fit_button(label: str) -> str:
    """A label built from course text (a title), cut to BUTTON_CHARACTERS with an ellipsis."""
    label = label.strip()
    return label if len(label) <= BUTTON_CHARACTERS else label[:BUTTON_CHARACTERS - 1].rstrip() + "…"


def language_keyboard(current: str | None) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for code, name in LANGUAGE_NAMES.items():
        label = f"• {name} •" if code == current else name
        builder.button(text=label, callback_data=LanguageCb(code=code))
    builder.adjust(1)
    return builder.as_markup()


def course_list_keyboard(courses: list[CourseSummary], locale: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for course in courses:
        # Button labels are plain text: a title's HTML would show as written.
        builder.button(text=fit_button(visible_text(pick(course.title, locale))),
                       callback_data=EnrolCb(course_id=course.course_id))
    builder.adjust(1)
    return builder.as_markup()


def next_row(chunk: ChunkView) -> list[InlineKeyboardButton]:
    """The button under a chunk: the next chunk, or the quiz after the last one."""
    if chunk.is_last:
        return [InlineKeyboardButton(text=_("📝 Take the quiz"),
                                     callback_data=StartQuizCb(l=chunk.lecture_id, e=chunk.enrolment_id).pack())]
    return [InlineKeyboardButton(
        text=_("Next ▶"),
        callback_data=NextChunkCb(e=chunk.enrolment_id, l=chunk.lecture_id, p=chunk.position,
                                  r=int(chunk.rereading)).pack(),
    )]


def chunk_keyboard(chunk: ChunkView, locale: str) -> InlineKeyboardMarkup:
    rows: list[list[InlineKeyboardButton]] = []
    if chunk.kind == "link":
        rows.append([InlineKeyboardButton(text=_("🔗 Open the link"), url=chunk.body["url"])])
    if chunk.kind == "self_check":
        options = chunk.body.get("options", [])
        rows.append([
            InlineKeyboardButton(text=OPTION_LETTERS[index], callback_data=SelfCheckCb(c=chunk.chunk_id, o=index).pack())
            for index in range(len(options))
        ])
    rows.append(next_row(chunk))
    return InlineKeyboardMarkup(inline_keyboard=rows)


def answer_keyboard(question: QuestionView) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[
        InlineKeyboardButton(text=OPTION_LETTERS[index],
                             callback_data=AnswerCb(a=question.attempt_id, p=question.position, o=index).pack())
        for index in range(len(question.options))
    ]])


def result_keyboard(result: AttemptResult, locale: str) -> InlineKeyboardMarkup | None:
    """One button a row. Built as rows, not with aiogram's InlineKeyboardBuilder, whose markup is a
    deep copy: after each graded attempt (issue 12)."""
    buttons: list[tuple[str, CallbackData]] = []
    if result.passed:
        if result.next_lecture_id is not None:
            buttons.append((_("▶ Start the next lecture"),
                            OpenLectureCb(l=result.next_lecture_id, e=result.enrolment_id)))
    else:
        for item in result.review:
            label = _("📖 Review: {title}").format(title=visible_text(pick(item.title, locale)))
            buttons.append((fit_button(label), ReviewCb(c=item.chunk_id, e=result.enrolment_id)))
        buttons.append((_("🔁 Retake the quiz"), StartQuizCb(l=result.lecture_id, e=result.enrolment_id)))
    if result.offer_zone:  # the text shows a time: the learner may live elsewhere than the course
        buttons.append((_("🕐 Change my time zone"), SettingsCb(a="pick_zone")))
    if not buttons:
        return None
    return InlineKeyboardMarkup(inline_keyboard=[
        [InlineKeyboardButton(text=text, callback_data=data.pack())] for text, data in buttons])


def lecture_keyboard(lecture_id: int, label: str, enrolment_id: int | None = None) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[
        InlineKeyboardButton(text=label, callback_data=OpenLectureCb(l=lecture_id, e=enrolment_id).pack())
    ]])


def profile_keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("✏️ Change name"), callback_data=ProfileCb(action="name"))
    builder.button(text=_("✉️ Change email"), callback_data=ProfileCb(action="email"))
    builder.button(text=_("📱 Share phone"), callback_data=ProfileCb(action="phone"))
    builder.adjust(1)
    return builder.as_markup()


def cancel_keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Cancel"), callback_data=ProfileCb(action="cancel"))
    return builder.as_markup()


def contact_request_keyboard() -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text=_("📱 Share my phone number"), request_contact=True)],
                  [KeyboardButton(text=_("Cancel"))]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )
