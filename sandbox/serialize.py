"""Turning sandbox records into Bot API objects (for the bot) and transcript rows (for users)."""

from __future__ import annotations

from typing import Any

from sandbox.entities import render_html
from sandbox.models import CallbackRecord, Chat, ChatMessage, StoredFile
from sandbox.state import SandboxState


def chat_to_api(state: SandboxState, chat: Chat) -> dict[str, Any]:
    """A ``Chat`` object."""
    data: dict[str, Any] = {"id": chat.id, "type": chat.type}
    if chat.type == "private":
        user = state.users.get(chat.user_id or 0)
        if user is not None:
            data["first_name"] = user.first_name
            if user.last_name:
                data["last_name"] = user.last_name
            if user.username:
                data["username"] = user.username
    else:
        data["title"] = chat.title or ""
    return data


def file_to_api(stored: StoredFile) -> dict[str, Any]:
    """Common file fields (``file_size`` only when the sandbox holds the bytes)."""
    data: dict[str, Any] = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id}
    if stored.size is not None:
        data["file_size"] = stored.size
    return data


def media_to_api(stored: StoredFile, kind: str) -> tuple[str, Any]:
    """The Message field and value for a photo / video / document."""
    base = file_to_api(stored)
    if kind == "photo":
        return "photo", [{**base, "width": stored.width or 800, "height": stored.height or 600}]
    extra: dict[str, Any] = {}
    if stored.file_name:
        extra["file_name"] = stored.file_name
    if stored.mime_type:
        extra["mime_type"] = stored.mime_type
    if kind == "video":
        extra.update(
            width=stored.width or 640, height=stored.height or 360, duration=stored.duration or 0
        )
    return kind, {**base, **extra}


def message_to_api(state: SandboxState, message: ChatMessage) -> dict[str, Any]:
    """A ``Message`` object as Telegram returns it (and sends it in updates)."""
    chat = state.chats[message.chat_id]
    sender = state.bot.get_me() if message.from_bot else state.users[message.sender_id].to_api()
    if message.from_bot:
        sender = {k: sender[k] for k in ("id", "is_bot", "first_name", "username")}
    data: dict[str, Any] = {
        "message_id": message.message_id,
        "from": sender,
        "chat": chat_to_api(state, chat),
        "date": int(message.date),
    }
    if message.edit_date is not None:
        data["edit_date"] = int(message.edit_date)
    if message.reply_to_message_id is not None:
        replied = chat.messages.get(message.reply_to_message_id)
        if replied is not None and not replied.deleted:
            data["reply_to_message"] = _shallow(state, replied)
    if message.text is not None:
        data["text"] = message.text
        if message.entities:
            data["entities"] = message.entities
    if message.media is not None:
        key, value = media_to_api(message.media.file, message.media.kind)
        data[key] = value
    if message.caption:
        data["caption"] = message.caption
        if message.caption_entities:
            data["caption_entities"] = message.caption_entities
    if message.contact is not None:
        data["contact"] = message.contact
    # Telegram echoes only inline keyboards in Message.reply_markup.
    if message.reply_markup and "inline_keyboard" in message.reply_markup:
        data["reply_markup"] = {"inline_keyboard": message.reply_markup["inline_keyboard"]}
    return data


def _shallow(state: SandboxState, message: ChatMessage) -> dict[str, Any]:
    data = message_to_api(state, message)
    data.pop("reply_to_message", None)
    return data


def media_to_transcript(message: ChatMessage, base_url: str = "") -> dict[str, Any] | None:
    if message.media is None:
        return None
    stored = message.media.file
    return {
        "kind": message.media.kind,
        "file_id": stored.file_id,
        "url": stored.url,
        "file_name": stored.file_name,
        "mime_type": stored.mime_type,
        "file_size": stored.size,
        "external": stored.external,
        "download_url": (
            f"{base_url}/sandbox/files/{stored.file_id}" if stored.data is not None else None
        ),
    }


def callback_to_dict(record: CallbackRecord) -> dict[str, Any]:
    return {
        "callback_query_id": record.id,
        "from_id": record.from_id,
        "data": record.data,
        "forged": record.forged,
        "answered": record.answered,
        "answer": record.answer,
    }


def message_to_transcript(
    state: SandboxState, message: ChatMessage, base_url: str = ""
) -> dict[str, Any]:
    """One transcript row for the user side (tests, benchmark, browser chat)."""
    return {
        "message_id": message.message_id,
        "chat_id": message.chat_id,
        "from": "bot" if message.from_bot else "user",
        "sender_id": message.sender_id,
        "date": message.date,
        "text": message.text,
        "html": render_html(message.text, message.entities) if message.text else None,
        "entities": message.entities,
        "caption": message.caption,
        "caption_html": (
            render_html(message.caption, message.caption_entities) if message.caption else None
        ),
        "caption_entities": message.caption_entities,
        "media": media_to_transcript(message, base_url),
        "reply_markup": message.reply_markup,
        "contact": message.contact,
        "reply_to_message_id": message.reply_to_message_id,
        "edited": message.edited,
        "deleted": message.deleted,
        "version": message.version,
        "callback_answers": [
            callback_to_dict(state.callbacks[cid])
            for cid in message.callback_ids
            if cid in state.callbacks
        ],
    }
