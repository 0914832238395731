"""Bot API calls as outbox payloads: {"method": "sendMessage", "params": {...}} without the chat id.

Built from aiogram's own method models, so a payload holds exactly what aiogram would send
(keyboards included), and rebuilt into one at send time."""
from __future__ import annotations

from typing import Any

from aiogram import methods
from aiogram.methods import CopyMessage, SendMessage, TelegramMethod
from aiogram.types import InlineKeyboardMarkup

# Only what the outbox is meant to send: a payload naming anything else is refused at send time.
SENDABLE = frozenset({"sendMessage", "copyMessage", "sendPhoto", "sendVideo", "sendDocument", "sendAnimation",
                      "sendAudio", "sendVoice", "forwardMessage"})
_CHAT_ID_PLACEHOLDER = 0


def payload_of(method: TelegramMethod[Any]) -> dict[str, Any]:
    """Any aiogram send method, without its chat_id, as JSON-ready data."""
    name = method.__api_method__
    if name not in SENDABLE:
        raise ValueError(f"the outbox does not send {name}")
    params = method.model_dump(mode="json", exclude_none=True, exclude_unset=True, exclude={"chat_id"})
    return {"method": name, "params": params}


def text_payload(text: str, reply_markup: InlineKeyboardMarkup | None = None, parse_mode: str | None = "HTML",
                 *, paid: bool = False) -> dict[str, Any]:
    return payload_of(SendMessage(chat_id=_CHAT_ID_PLACEHOLDER, text=text, reply_markup=reply_markup,
                                  parse_mode=parse_mode, allow_paid_broadcast=paid or None))


def copy_payload(from_chat_id: int, message_id: int, reply_markup: InlineKeyboardMarkup | None = None,
                 *, paid: bool = False) -> dict[str, Any]:
    """copyMessage: the coordinator's own message, formatting and media kept, without "Forwarded from"."""
    return payload_of(CopyMessage(chat_id=_CHAT_ID_PLACEHOLDER, from_chat_id=from_chat_id, message_id=message_id,
                                  reply_markup=reply_markup, allow_paid_broadcast=paid or None))


def is_paid(payload: dict[str, Any]) -> bool:
    """Sent with allow_paid_broadcast: paced against 1000 a second, paid in Stars."""
    return (payload.get("params") or {}).get("allow_paid_broadcast") is True


def method_of(payload: dict[str, Any], chat_id: int) -> TelegramMethod[Any]:
    """The aiogram method a payload describes, addressed to `chat_id`."""
    name = payload.get("method")
    if name not in SENDABLE:
        raise ValueError(f"the outbox does not send {name!r}")
    method_class = getattr(methods, name[0].upper() + name[1:])
    return method_class(chat_id=chat_id, **(payload.get("params") or {}))
