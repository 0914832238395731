"""Sending what the services decided: chunks, questions, results, labs."""
from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import FSInputFile, InlineKeyboardMarkup, Message

from bot.services.views import (
    AnswerOutcome,
    AttemptResult,
    ChunkView,
    LabView,
    QuestionView,
    media_for_locale,
    visible_text,
)
from bot.telegram import keyboards, texts, texts_certificate
from bot.telegram.certificate_messages import send_completion
from bot.telegram.media import MediaResolver

log = logging.getLogger(__name__)
# Telegram's limit is 4096 characters after entity parsing; markup is counted here too,
# so parts stay safely inside it.
MESSAGE_BUDGET = 3800
CAPTION_LIMIT = 1024


def split_lines(text: str, budget: int) -> list[str]:
    """Cut a text into parts of at most `budget` characters at line ends, keeping tags whole:
    every line of our texts closes the tags it opens."""
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > budget:  # one line longer than a message: cut it at a space
            cut = line.rfind(" ", 0, budget)
            cut = cut if cut > 0 else budget
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:cut])
            line = line[cut:].lstrip()
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > budget and current:
            parts.append(current)
            current = line
        else:
            current = candidate
    parts.append(current)
    return [part for part in parts if part.strip()] or [text[:budget]]


class Presenter:
    """Renders service views into one chat, in one locale."""

    def __init__(self, bot: Bot, chat_id: int, locale: str, media: MediaResolver, public_base_url: str,
                 issuer: str = "Talimger") -> None:
        self.bot = bot
        self.chat_id = chat_id
        self.locale = locale
        self._media = media
        self.public_base_url = public_base_url
        self.issuer = issuer  # printed on certificates

    async def text(self, text: str, markup: object | None = None) -> Message:
        return await self.bot.send_message(self.chat_id, text, reply_markup=markup)  # type: ignore[arg-type]

    async def long_text(self, text: str, markup: object | None = None) -> Message:
        """A text that may outgrow one message (a long passport or attempts table), sent in
        parts cut at line ends; the buttons go under the last part."""
        parts = split_lines(text, MESSAGE_BUDGET)
        for part in parts[:-1]:
            await self.text(part)
        return await self.text(parts[-1], markup)

    async def chunk(self, chunk: ChunkView) -> Message:
        markup = keyboards.chunk_keyboard(chunk, self.locale)
        text = texts.chunk_text(chunk, self.locale)
        if chunk.kind in ("video", "file"):
            source = media_for_locale(chunk.body["video"] if chunk.kind == "video" else chunk.body["file"],
                                      self.locale)
            media = await self._media.resolve(source, chunk.source_dir)
            send = self.bot.send_video if chunk.kind == "video" else self.bot.send_document
            # Headers and titles come on top of the author's caption; past Telegram's
            # 1024 characters the words follow the media as their own message.
            fits = len(visible_text(text)) <= CAPTION_LIMIT
            sent = await send(self.chat_id, media, caption=text if fits else texts.chunk_header(chunk, self.locale),
                              reply_markup=markup if fits else None)
            if isinstance(media, FSInputFile):
                await self._media.remember(source, chunk.source_dir, sent)
            return sent if fits else await self.long_text(text, markup)
        return await self.long_text(text, markup)

    async def question(self, question: QuestionView) -> Message:
        return await self.text(texts.question_text(question, self.locale), keyboards.answer_keyboard(question))

    async def answered(self, message: Message | None, outcome: AnswerOutcome) -> None:
        """Show the verdict in place of the question, then what comes next."""
        if message is not None:
            await self.edit(message, texts.answered_text(outcome.answered, self.locale), None)
        if outcome.next_question is not None:
            await self.question(outcome.next_question)
        if outcome.result is not None:
            await self.result(outcome.result)

    async def result(self, result: AttemptResult) -> None:
        if result.is_final:
            # The completion step below carries the retake button, if any is left.
            await self.text(texts_certificate.final_result_text(result, self.locale))
        else:
            await self.text(texts.result_text(result, self.locale), keyboards.result_keyboard(result, self.locale))
        if result.lab is not None:
            await self.lab(result.lab)
        if result.completion is not None:
            await send_completion(self, result.completion)

    async def lab(self, lab: LabView) -> None:
        await self.text(texts.lab_text(lab, self.locale))
        for source in (media_for_locale(each, self.locale) for each in lab.files):
            media = await self._media.resolve(source, lab.source_dir)
            sent = await self.bot.send_document(self.chat_id, media)
            if isinstance(media, FSInputFile):
                await self._media.remember(source, lab.source_dir, sent)

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
