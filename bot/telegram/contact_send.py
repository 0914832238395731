"""Sending one side's message to the other with a header saying who wrote it: one message when it
fits Telegram's 4096 characters, else the header and the text apart; media are copied as they are."""
from __future__ import annotations

from aiogram import Bot
from aiogram.types import Message

from bot.services.views import visible_text

TEXT_LIMIT = 4096  # characters of a message's visible text


async def send_text_with_header(bot: Bot, chat_id: int, header: str, footer: str, body_html: str) -> list[int]:
    """The ids of the messages sent (a reply to any of them answers the writer)."""
    shown = len(visible_text(header)) + len(visible_text(body_html)) + len(visible_text(footer)) + 4
    if shown <= TEXT_LIMIT:
        sent = await bot.send_message(chat_id, f"{header}\n\n{body_html}\n\n{footer}")
        return [sent.message_id]
    first = await bot.send_message(chat_id, f"{header}\n\n{footer}")
    body = await bot.send_message(chat_id, body_html)
    return [first.message_id, body.message_id]


async def pass_on(bot: Bot, chat_id: int, header: str, footer: str, source: Message) -> list[int]:
    """A text keeps its formatting under the header; anything else (a photo, a file, a voice
    message) follows the header as a copy, caption and all."""
    if source.text is not None:
        return await send_text_with_header(bot, chat_id, header, footer, source.html_text)
    first = await bot.send_message(chat_id, f"{header}\n\n{footer}")
    copy = await bot.copy_message(chat_id, source.chat.id, source.message_id)
    return [first.message_id, copy.message_id]
