"""Sending what the services decided: chunks, questions, results, labs."""
from __future__ import annotations

import copy
import logging

from aiogram import Bot
from aiogram.fsm.context import FSMContext
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from bot.services.views import AnswerOutcome, AttemptResult, ChunkView, LabView, QuestionView, media_for_locale, pick
from bot.telegram import course_messages, keyboards, texts, texts_certificate
from bot.telegram.certificate_messages import send_completion
from bot.telegram.course_alerts import CHUNK, LAB, QUESTION, RESULT, CourseAlerts, CoursePlace
from bot.telegram.media import MediaResolver, MediaUnavailable

log = logging.getLogger(__name__)


class Presenter:
    """Renders service views into one chat, in one locale.

    A course message Telegram refuses (a 400, whatever the cause) does not stop the learner:
    they get a one-line notice with the button to go on, the refusal is logged with its place,
    and the admin chat hears about it once (`CourseAlerts`).
    """

    def __init__(self, bot: Bot, chat_id: int, locale: str, media: MediaResolver, public_base_url: str,
                 issuer: str = "Talimger", alerts: CourseAlerts | None = None,
                 conversation: FSMContext | None = None) -> None:
        self.bot = bot
        # The chat's conversation state: a message that asks for typed input also awaits it.
        self.conversation = conversation
        self.chat_id = chat_id
        self.locale = locale
        self._media = media
        self.public_base_url = public_base_url
        self.issuer = issuer  # printed on certificates
        self._alerts = alerts

    @property
    def media(self) -> MediaResolver:
        """How this chat's media sources become files Telegram takes (the instructor preview sends them too)."""
        return self._media

    async def text(self, text: str, markup: object | None = None) -> Message:
        return await self.bot.send_message(self.chat_id, text, reply_markup=markup)  # type: ignore[arg-type]

    async def long_text(self, text: str, markup: object | None = None) -> Message:
        """A text that may outgrow one message (a long passport or attempts table), sent in
        parts cut in its visible text, never inside markup; the buttons go under the last part."""
        return await self._texts(course_messages.message_parts(text), markup)

    async def _texts(self, parts: list[str], markup: object | None) -> Message:
        for part in parts[:-1]:
            await self.text(part)
        return await self.text(parts[-1], markup)

    async def refused(self, place: CoursePlace, error: TelegramBadRequest,
                      markup: InlineKeyboardMarkup | None) -> Message | None:
        """Telegram refused a course message: log it, tell the learner in one line (with the
        button that goes on), alert the admin chat once. Never raises a 400 of its own."""
        log.error("chat %s: Telegram refused the course message of %s: %s", self.chat_id, place.for_log(),
                  error.message)
        return await self._not_shown(place, error.message, markup)

    async def missing_file(self, place: CoursePlace, missing: MediaUnavailable,
                           markup: InlineKeyboardMarkup | None) -> Message | None:
        """A course file cannot be sent (gone from the media store, or unsafe): the same notice
        and the one alert as a refused message; failing again at every press would trap the learner."""
        log.error("chat %s: the file of %s cannot be sent: %s", self.chat_id, place.for_log(), missing)
        return await self._not_shown(place, str(missing), markup, missing_file=True)

    async def _not_shown(self, place: CoursePlace, reason: str, markup: InlineKeyboardMarkup | None,
                         missing_file: bool = False) -> Message | None:
        notice = None
        try:
            notice = await self.text(_("⚠️ This part of the course could not be shown. The course team has been "
                                       "told; you can go on."), markup)
        except TelegramBadRequest as again:
            log.error("chat %s: the notice about %s was refused too: %s", self.chat_id, place.for_log(),
                      again.message)
        if self._alerts is not None:
            await self._alerts.report(self.bot, place, reason, missing_file=missing_file)
        return notice

    def _chunk_place(self, chunk: ChunkView) -> CoursePlace:
        return CoursePlace(CHUNK, self.locale, chunk.lecture_id, pick(chunk.lecture_title, self.locale),
                           chunk.lecture_number, chunk.chunk_key, chunk.position + 1, chunk.total,
                           chunk.course_id, pick(chunk.course_title, self.locale))

    def _question_place(self, question: QuestionView) -> CoursePlace:
        return CoursePlace(QUESTION, self.locale, question.lecture_id, pick(question.lecture_title, self.locale),
                           item=question.question_key, number=question.position + 1, total=question.size)

    async def chunk(self, chunk: ChunkView) -> Message | None:
        markup = keyboards.chunk_keyboard(chunk, self.locale)
        messages = course_messages.chunk_messages(chunk, self.locale)
        try:
            if messages.caption is None:
                return await self._texts(messages.texts, markup)
            source = media_for_locale(chunk.body["video"] if chunk.kind == "video" else chunk.body["file"],
                                      self.locale)
            send = self.bot.send_video if chunk.kind == "video" else self.bot.send_document
            try:
                sent = await self._media.send(self.bot, source, chunk.source_dir, lambda media: send(
                    self.chat_id, media, caption=messages.caption, reply_markup=None if messages.texts else markup))
            except MediaUnavailable as missing:
                # The words go on without the file; the notice under them carries the buttons.
                await self.long_text(texts.chunk_text(chunk, self.locale))
                return await self.missing_file(self._chunk_place(chunk), missing, markup)
            return await self._texts(messages.texts, markup) if messages.texts else sent
        except TelegramBadRequest as error:
            # Only "Next" (or "Take the quiz"): a link button may be what Telegram refused.
            return await self.refused(self._chunk_place(chunk), error,
                                      InlineKeyboardMarkup(inline_keyboard=[keyboards.next_row(chunk)]))

    async def self_check(self, message: Message, chunk: ChunkView, text: str,
                         markup: InlineKeyboardMarkup | None) -> None:
        """Show a self-check's verdict in place of its question; the message keeps "Next"."""
        try:
            await self.edit(message, text, markup)
        except TelegramBadRequest as error:
            await self.refused(self._chunk_place(chunk), error, None)

    async def question(self, question: QuestionView) -> Message | None:
        markup = keyboards.answer_keyboard(question)
        try:
            return await self.text(texts.question_text(question, self.locale), markup)
        except TelegramBadRequest as error:
            # The answer buttons still come, so the quiz can go on.
            return await self.refused(self._question_place(question), error, markup)

    async def answered(self, message: Message | None, outcome: AnswerOutcome) -> None:
        """Show the verdict in place of the question, then what comes next."""
        if message is not None:
            try:
                await self.edit(message, texts.answered_text(outcome.answered, self.locale), None)
            except TelegramBadRequest as error:
                await self.refused(self._question_place(outcome.answered.question), error, None)
        if outcome.next_question is not None:
            await self.question(outcome.next_question)
        if outcome.result is not None:
            await self.result(outcome.result)

    async def result(self, result: AttemptResult) -> None:
        """The lab work the pass opens, then the score with the next step's buttons: what the
        learner presses next is always the last message, so nothing of this lecture arrives
        after the next one has begun."""
        if result.lab is not None:
            await self.lab(result.lab, result.lecture_id)
        if result.is_final:
            # The completion step below carries the retake button, if any is left.
            text, markup = texts_certificate.final_result_text(result, self.locale), None
        else:
            text, markup = texts.result_text(result, self.locale), keyboards.result_keyboard(result, self.locale)
        try:
            await self.text(text, markup)
        except TelegramBadRequest as error:
            await self.refused(CoursePlace(RESULT, self.locale, result.lecture_id,
                                           pick(result.lecture_title, self.locale)), error, markup)
        if result.completion is not None:
            await send_completion(self, result.completion)

    def in_locale(self, locale: str) -> Presenter:
        """The same chat, course texts in another language (an instructor's preview in kk, say)."""
        other = copy.copy(self)
        other.locale = locale
        return other

    async def lab(self, lab: LabView, lecture_id: int | None = None) -> None:
        """The lab work's text, then its files; a refused one is a notice, and the rest still come."""
        place = CoursePlace(LAB, self.locale, lecture_id, pick(lab.lecture_title, self.locale))
        try:
            await self._texts(course_messages.lab_messages(lab, self.locale), None)
        except TelegramBadRequest as error:
            await self.refused(place, error, None)
        for source in (media_for_locale(each, self.locale) for each in lab.files):
            try:
                await self._media.send(self.bot, source, lab.source_dir,
                                       lambda media: self.bot.send_document(self.chat_id, media))
            except MediaUnavailable as missing:
                await self.missing_file(place, missing, None)
            except TelegramBadRequest as error:
                await self.refused(place, error, None)

    async def edit(self, message: Message, text: str, markup: InlineKeyboardMarkup | None) -> None:
        """Edit a message's text or caption; an edit that changes nothing is not an error."""
        try:
            if message.text is not None:
                await self.bot.edit_message_text(text=text, chat_id=self.chat_id, message_id=message.message_id,
                                                 reply_markup=markup)
            else:
                await self.bot.edit_message_caption(caption=text, chat_id=self.chat_id,
                                                    message_id=message.message_id, reply_markup=markup)
        except TelegramBadRequest as error:
            if "not modified" not in error.message:
                raise

    async def drop_buttons(self, message: Message | None) -> None:
        """Remove the buttons a learner has used, so old ones cannot be pressed again."""
        if message is None or message.reply_markup is None:
            return
        try:
            await self.bot.edit_message_reply_markup(chat_id=self.chat_id, message_id=message.message_id,
                                                     reply_markup=None)
        except TelegramBadRequest as error:
            log.debug("could not remove buttons of message %s: %s", message.message_id, error.message)
