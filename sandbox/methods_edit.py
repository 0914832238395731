"""Methods on existing things: edits, deletes, callback answers, files and chat info."""

from __future__ import annotations

import json
from typing import Any

from sandbox.errors import NOT_MODIFIED, QUERY_TOO_OLD, bad_request
from sandbox.limits import MAX_CALLBACK_ANSWER, check_caption, check_reply_markup, check_text
from sandbox.methods_send import formatted, target_chat
from sandbox.models import Chat, ChatMessage
from sandbox.params import get_bool, get_int, get_str
from sandbox.registry import Call, bot_method
from sandbox.serialize import chat_to_api, message_to_api
from sandbox.state import SandboxState

DELETE_WINDOW = 48 * 3600.0


def _inline(markup: dict[str, Any] | None) -> str:
    """A comparable form of a message's inline keyboard ("" for none)."""
    if not markup or "inline_keyboard" not in markup:
        return ""
    return json.dumps(markup["inline_keyboard"], sort_keys=True, ensure_ascii=False)


def _editable(call: Call) -> tuple[Chat, ChatMessage]:
    if call.params.get("inline_message_id"):
        raise bad_request("MESSAGE_ID_INVALID")  # the sandbox has no inline messages
    chat = target_chat(call)
    message = chat.messages.get(get_int(call.params, "message_id", required=True) or 0)
    if message is None or message.deleted:
        raise bad_request("message to edit not found")
    if not message.from_bot:
        raise bad_request("message can't be edited")
    return chat, message


def _apply_edit(
    state: SandboxState, chat: Chat, message: ChatMessage, markup: dict[str, Any] | None,
    *, content_changed: bool = True,
) -> None:
    # Edits replace (or, when omitted, remove) the inline keyboard; a reply keyboard stays.
    if markup is not None or (message.reply_markup and "inline_keyboard" in message.reply_markup):
        message.reply_markup = markup
    # Telegram marks a message "edited" when its text or caption changes, not when only
    # its buttons do; the chat version still moves so a page redraws the buttons.
    if content_changed:
        message.edited += 1
        message.edit_date = state.now()
    state.touch(chat, message)


@bot_method("editMessageText")
async def edit_message_text(call: Call) -> dict[str, Any]:
    chat, message = _editable(call)
    text, entities = formatted(call, "text", "parse_mode", "entities")
    check_text(text)
    markup = check_reply_markup(call.params.get("reply_markup"), inline_only=True)
    if message.text is None:
        raise bad_request("there is no text in the message to edit")
    current = (message.text, message.entities, _inline(message.reply_markup))
    if (text, entities, _inline(markup)) == current:
        raise bad_request(NOT_MODIFIED)
    message.text, message.entities = text, entities
    _apply_edit(call.state, chat, message, markup)
    return message_to_api(call.state, message)


@bot_method("editMessageCaption")
async def edit_message_caption(call: Call) -> dict[str, Any]:
    chat, message = _editable(call)
    caption, entities = formatted(call, "caption", "parse_mode", "caption_entities")
    check_caption(caption)
    markup = check_reply_markup(call.params.get("reply_markup"), inline_only=True)
    if message.media is None:
        raise bad_request("there is no caption in the message to edit")
    current = (message.caption or "", message.caption_entities, _inline(message.reply_markup))
    if (caption, entities, _inline(markup)) == current:
        raise bad_request(NOT_MODIFIED)
    message.caption, message.caption_entities = caption or None, entities
    _apply_edit(call.state, chat, message, markup)
    return message_to_api(call.state, message)


@bot_method("editMessageReplyMarkup")
async def edit_message_reply_markup(call: Call) -> dict[str, Any]:
    chat, message = _editable(call)
    markup = check_reply_markup(call.params.get("reply_markup"), inline_only=True)
    if _inline(markup) == _inline(message.reply_markup):
        raise bad_request(NOT_MODIFIED)
    _apply_edit(call.state, chat, message, markup, content_changed=False)
    return message_to_api(call.state, message)


@bot_method("deleteMessage")
async def delete_message(call: Call) -> bool:
    chat = target_chat(call)
    message = chat.messages.get(get_int(call.params, "message_id", required=True) or 0)
    if message is None or message.deleted:
        raise bad_request("message to delete not found")
    if call.state.now() - message.date >= DELETE_WINDOW:
        raise bad_request("message can't be deleted")
    message.deleted = True
    call.state.touch(chat, message)
    return True


@bot_method("answerCallbackQuery")
async def answer_callback_query(call: Call) -> bool:
    state = call.state
    text = get_str(call.params, "text")
    if text is not None and len(text) > MAX_CALLBACK_ANSWER:
        raise bad_request("MESSAGE_TOO_LONG")
    record = state.callbacks.get(get_str(call.params, "callback_query_id") or "")
    if (
        record is None
        or record.answered
        or state.now() - record.created > state.settings.callback_query_ttl
    ):
        raise bad_request(QUERY_TOO_OLD)
    record.answered = True
    record.answer = {
        "text": text,
        "show_alert": get_bool(call.params, "show_alert"),
        "url": get_str(call.params, "url"),
        "cache_time": get_int(call.params, "cache_time", default=0),
        "date": state.now(),
    }
    chat = state.chats.get(record.chat_id)
    if chat is not None:
        state.touch(chat)  # the answer shows in the transcript; the message itself is unchanged
    return True


@bot_method("getFile")
async def get_file(call: Call) -> dict[str, Any]:
    state = call.state
    stored = state.files.get(get_str(call.params, "file_id") or "")
    if stored is None:
        raise bad_request("invalid file_id")
    if stored.data is None:
        raise bad_request("wrong file_id or the file is temporarily unavailable")
    if len(stored.data) > state.settings.max_download_bytes:
        raise bad_request("file is too big")
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.data),
        "file_path": stored.file_path,
    }


@bot_method("getChat")
async def get_chat(call: Call) -> dict[str, Any]:
    chat = target_chat(call)
    return {
        **chat_to_api(call.state, chat),
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": {
            "unlimited_gifts": False,
            "limited_gifts": False,
            "unique_gifts": False,
            "premium_subscription": False,
            "gifts_from_channels": False,
        },
    }


def member_to_api(state: SandboxState, chat: Chat, user_id: int) -> dict[str, Any]:
    user = state.bot.get_me() if user_id == state.bot.id else None
    if user is None:
        if user_id not in state.users:
            raise bad_request("PARTICIPANT_ID_INVALID")
        user = state.users[user_id].to_api()
    if chat.type == "private":
        inside = user_id in (chat.user_id, state.bot.id)
        return {"status": "member" if inside else "left", "user": user}
    if chat.admin_ids and user_id == chat.admin_ids[0]:
        return {"status": "creator", "user": user, "is_anonymous": False}
    if user_id in chat.admin_ids:
        rights = (
            "can_manage_chat can_delete_messages can_manage_video_chats can_restrict_members "
            "can_promote_members can_change_info can_invite_users can_post_stories "
            "can_edit_stories can_delete_stories can_send_welcome_messages"
        ).split()
        return {
            "status": "administrator",
            "user": user,
            "can_be_edited": False,
            "is_anonymous": False,
            **{right: True for right in rights},
        }
    inside = user_id in chat.member_ids or user_id == state.bot.id
    return {"status": "member" if inside else "left", "user": user}


@bot_method("getChatMember")
async def get_chat_member(call: Call) -> dict[str, Any]:
    chat = target_chat(call)
    return member_to_api(call.state, chat, get_int(call.params, "user_id", required=True) or 0)


@bot_method("getChatAdministrators")
async def get_chat_administrators(call: Call) -> list[dict[str, Any]]:
    chat = target_chat(call)
    if chat.type == "private":
        return []
    return [member_to_api(call.state, chat, user_id) for user_id in chat.admin_ids]
