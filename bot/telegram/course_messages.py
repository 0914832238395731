"""Course views as the exact messages the bot sends: texts rendered and cut to Telegram's limits.

The presenter sends these, and `talimger course validate` checks these same messages
(`bot/telegram/course_check.py`), so a course the validator passes is one the bot can send.
"""
from __future__ import annotations

from dataclasses import dataclass

from bot.services.views import ChunkView, LabView
from bot.telegram import texts
from content.telegram_split import CAPTION_LIMIT, MESSAGE_LIMIT, TelegramHtmlError, parsed_text, split_html, utf16_len


def message_parts(text: str) -> list[str]:
    """A text as the messages it is sent in: cut in its visible text, never inside markup."""
    return split_html(text, MESSAGE_LIMIT)


def caption_fits(text: str) -> bool:
    try:
        return utf16_len(parsed_text(text).strip()) <= CAPTION_LIMIT
    except TelegramHtmlError:
        return False  # sent as text instead, where a refusal is reported like any other


@dataclass(frozen=True)
class ChunkMessages:
    caption: str | None  # the media's caption, for video and file chunks
    texts: list[str]  # the text messages, in order; the chunk's buttons go under the last message


def chunk_messages(chunk: ChunkView, locale: str) -> ChunkMessages:
    text = texts.chunk_text(chunk, locale)
    if chunk.kind not in ("video", "file"):
        return ChunkMessages(None, message_parts(text))
    # Headers and titles come on top of the author's caption; past Telegram's 1024
    # characters the words follow the media as their own message.
    if caption_fits(text):
        return ChunkMessages(text, [])
    return ChunkMessages(texts.chunk_header(chunk, locale), message_parts(text))


def self_check_text(chunk: ChunkView, chosen: int, locale: str) -> tuple[str, str]:
    """(short callback answer, the chunk's last message with the verdict and explanation below it)."""
    short, feedback = texts.self_check_feedback(chunk, chosen, locale)
    return short, chunk_messages(chunk, locale).texts[-1] + "\n\n" + feedback


def lab_messages(lab: LabView, locale: str) -> list[str]:
    return message_parts(texts.lab_text(lab, locale))
