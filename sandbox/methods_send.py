"""Methods that put something into a chat: sendMessage, sendPhoto/Video/Document, copyMessage,
sendChatAction. Order of checks: parameters (400) → blocked (403) → rate limits (429)."""

from __future__ import annotations

from typing import Any

from sandbox.entities import strip_text
from sandbox.errors import BLOCKED, bad_request, forbidden
from sandbox.html_entities import parse_formatted
from sandbox.limits import check_caption, check_reply_markup, check_text
from sandbox.media import resolve_media
from sandbox.models import Chat, Media
from sandbox.params import get_bool, get_int, get_str
from sandbox.registry import Call, bot_method
from sandbox.serialize import message_to_api
from sandbox.state import SandboxState

_CHAT_ACTIONS = {
    "typing",
    "upload_photo",
    "record_video",
    "upload_video",
    "record_voice",
    "upload_voice",
    "upload_document",
    "choose_sticker",
    "find_location",
    "record_video_note",
    "upload_video_note",
}


def target_chat(call: Call, key: str = "chat_id") -> Chat:
    if call.params.get(key) in (None, ""):
        raise bad_request(f"{key} is empty")
    return call.state.get_chat(call.params[key])


def formatted(call: Call, key: str, mode_key: str, entities_key: str) -> tuple[str, list[Any]]:
    """Text or caption after parse_mode and Telegram's whitespace trimming."""
    raw = get_str(call.params, key) or ""
    text, entities = parse_formatted(raw, get_str(call.params, mode_key), call.params.get(entities_key))
    return strip_text(text, entities)


def reply_to(call: Call, chat: Chat) -> int | None:
    """The message being replied to (reply_parameters or the older reply_to_message_id)."""
    params = call.params
    reply = params.get("reply_parameters")
    if isinstance(reply, dict):
        message_id = reply.get("message_id")
    else:
        message_id = get_int(params, "reply_to_message_id")
    if message_id is None:
        return None
    allow = (isinstance(reply, dict) and reply.get("allow_sending_without_reply")) or params.get(
        "allow_sending_without_reply"
    )
    target = chat.messages.get(int(message_id))
    if target is None or target.deleted:
        if allow:
            return None
        raise bad_request("message to be replied not found")
    return target.message_id


def admit_send(
    state: SandboxState, chat: Chat, *, counts: bool = True, paid: bool = False, at: float | None = None
) -> None:
    """403 if the user blocked the bot, 429 if this send breaks a rate limit (then counts it).

    ``paid``: the call asked for ``allow_paid_broadcast`` — held to the paid overall limit
    (1000 a second) instead of the free one; the per-chat limits stay."""
    if chat.type == "private" and chat.blocked:
        raise forbidden(BLOCKED)
    if counts and state.settings.rate_limits_enabled:
        now = state.now() if at is None else at
        state.rate.check(chat.id, now, state.settings, is_group=chat.type != "private", paid=paid)
        state.rate.record(chat.id, now, state.settings, paid=paid)


def paid_broadcast(call: Call) -> bool:
    """The Bot API's ``allow_paid_broadcast`` on a send method (or copyMessage)."""
    return get_bool(call.params, "allow_paid_broadcast")


@bot_method("sendMessage")
async def send_message(call: Call) -> dict[str, Any]:
    chat = target_chat(call)
    text, entities = formatted(call, "text", "parse_mode", "entities")
    check_text(text)
    markup = check_reply_markup(call.params.get("reply_markup"))
    reply_id = reply_to(call, chat)
    admit_send(call.state, chat, paid=paid_broadcast(call), at=call.at)
    message = call.state.new_message(
        chat,
        from_bot=True,
        sender_id=call.state.bot.id,
        text=text,
        entities=entities,
        reply_markup=markup,
        reply_to_message_id=reply_id,
    )
    return message_to_api(call.state, message)


async def _send_media(call: Call, kind: str) -> dict[str, Any]:
    chat = target_chat(call)
    caption, caption_entities = formatted(call, "caption", "parse_mode", "caption_entities")
    check_caption(caption)
    markup = check_reply_markup(call.params.get("reply_markup"))
    reply_id = reply_to(call, chat)
    stored = resolve_media(call.state, kind, call.params, call.files)
    if kind == "video":
        stored.width = stored.width or get_int(call.params, "width")
        stored.height = stored.height or get_int(call.params, "height")
        stored.duration = stored.duration or get_int(call.params, "duration")
    admit_send(call.state, chat, paid=paid_broadcast(call), at=call.at)
    message = call.state.new_message(
        chat,
        from_bot=True,
        sender_id=call.state.bot.id,
        media=Media(stored, kind),
        caption=caption or None,
        caption_entities=caption_entities,
        reply_markup=markup,
        reply_to_message_id=reply_id,
    )
    return message_to_api(call.state, message)


@bot_method("sendPhoto")
async def send_photo(call: Call) -> dict[str, Any]:
    return await _send_media(call, "photo")


@bot_method("sendVideo")
async def send_video(call: Call) -> dict[str, Any]:
    return await _send_media(call, "video")


@bot_method("sendDocument")
async def send_document(call: Call) -> dict[str, Any]:
    return await _send_media(call, "document")


@bot_method("copyMessage")
async def copy_message(call: Call) -> dict[str, int]:
    chat = target_chat(call)
    source_chat = target_chat(call, "from_chat_id")
    source = source_chat.messages.get(get_int(call.params, "message_id", required=True) or 0)
    if source is None or source.deleted:
        raise bad_request("message to copy not found")
    fields: dict[str, Any] = {
        "text": source.text,
        "entities": list(source.entities),
        "media": source.media,
        "caption": source.caption,
        "caption_entities": list(source.caption_entities),
        "contact": source.contact,
    }
    if "caption" in call.params and source.media is not None:
        caption, caption_entities = formatted(call, "caption", "parse_mode", "caption_entities")
        check_caption(caption)
        fields.update(caption=caption or None, caption_entities=caption_entities)
    fields["reply_markup"] = check_reply_markup(call.params.get("reply_markup"))
    admit_send(call.state, chat, paid=paid_broadcast(call), at=call.at)
    message = call.state.new_message(chat, from_bot=True, sender_id=call.state.bot.id, **fields)
    return {"message_id": message.message_id}


@bot_method("sendChatAction")
async def send_chat_action(call: Call) -> bool:
    chat = target_chat(call)
    if get_str(call.params, "action") not in _CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    admit_send(call.state, chat, counts=False)  # actions are not rate-limited here
    return True
