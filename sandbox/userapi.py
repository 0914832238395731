"""The user side, ``/sandbox/api/users|groups|chats/...``: people write, press, share, block.

Everything a user does becomes an update for the bot, exactly as Telegram would send it.
Errors come back as ``{"error": "..."}`` with status 400 / 404.
"""

from __future__ import annotations

import asyncio
import random
import re
from typing import Any

from aiohttp import web
from aiohttp.web_request import FileField

from sandbox.botapi import STATE_KEY
from sandbox.entities import bot_command_entities
from sandbox.errors import ApiError
from sandbox.media import store_upload
from sandbox.menus import menu_for
from sandbox.methods_edit import member_to_api
from sandbox.models import CallbackRecord, Chat, Media
from sandbox.params import Upload
from sandbox.serialize import chat_to_api, message_to_api, message_to_transcript
from sandbox.state import SandboxState

_DEEP_LINK = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_UPLOAD_KINDS = {"documents": "document", "videos": "video", "photos": "photo"}
MAX_TRANSCRIPT_WAIT = 60.0


class UserApiError(Exception):
    """A refused user-side request (→ ``{"error": ...}``)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@web.middleware
async def user_errors(request: web.Request, handler: Any) -> web.StreamResponse:
    """Turn refusals into JSON errors for every ``/sandbox/`` route."""
    try:
        return await handler(request)
    except UserApiError as exc:
        return web.json_response({"error": str(exc)}, status=exc.status)
    except ApiError as exc:  # a Bot API limit hit from the user side (e.g. caption too long)
        return web.json_response({"error": exc.description}, status=exc.code)
    except ValueError as exc:
        if not request.path.startswith("/sandbox/"):
            raise
        return web.json_response({"error": str(exc)}, status=400)


async def body(request: web.Request) -> dict[str, Any]:
    if not request.can_read_body:
        return {}
    try:
        data = await request.json()
    except ValueError:
        raise UserApiError("JSON body expected") from None
    if not isinstance(data, dict):
        raise UserApiError("JSON object expected")
    return data


def chat_of(state: SandboxState, request: web.Request) -> Chat:
    try:
        chat_id = int(request.match_info["chat_id"])
    except ValueError:
        raise UserApiError("chat id must be an integer") from None
    if chat_id not in state.chats:
        raise UserApiError(f"no chat {chat_id}", 404)
    return state.chats[chat_id]


def sender_in(state: SandboxState, chat: Chat, from_id: Any) -> int:
    """The user id acting in ``chat`` (defaults to the private chat's owner)."""
    if from_id is None and chat.type == "private":
        from_id = chat.user_id
    if isinstance(from_id, str) and from_id.strip().isdigit():
        from_id = int(from_id)  # form fields and browser pages send strings
    if not isinstance(from_id, int) or isinstance(from_id, bool) or from_id not in state.users:
        raise UserApiError(f"unknown user {from_id!r}")
    if chat.type == "private" and from_id != chat.user_id:
        raise UserApiError(f"user {from_id} is not the owner of private chat {chat.id}")
    if chat.type != "private" and from_id not in chat.member_ids + chat.admin_ids:
        raise UserApiError(f"user {from_id} is not a member of chat {chat.id}")
    return from_id


def post_user_message(state: SandboxState, chat: Chat, from_id: int, **fields: Any) -> web.Response:
    """Store a user's message, queue it as an update, answer with both."""
    if chat.type == "private":
        chat.blocked = False  # writing to a bot unblocks it, as Telegram's "Restart" does
    message = state.new_message(chat, from_bot=False, sender_id=from_id, **fields)
    payload = message_to_api(state, message)
    update_id = state.enqueue("message", payload)
    return web.json_response({"update_id": update_id, "message": payload, "version": chat.version})


# --- users and groups ------------------------------------------------------------------------
async def create_user(request: web.Request) -> web.Response:
    state, data = request.app[STATE_KEY], await body(request)
    if not isinstance(data.get("first_name"), str) or not data["first_name"]:
        raise UserApiError("first_name is required")
    if data.get("id") is not None and (not isinstance(data["id"], int) or isinstance(data["id"], bool)):
        raise UserApiError("id must be a positive integer")
    extra = {k: str(data[k]) for k in ("last_name", "username", "language_code") if data.get(k)}
    user = state.add_user(data["first_name"], data.get("id"), **extra)
    return web.json_response({**user.to_api(), "chat_id": user.id}, status=201)


MAX_BULK_USERS = 100_000


async def create_users(request: web.Request) -> web.Response:
    """Many private-chat users at once: ``{count, first_name?, language_codes?, blocked?, seed?}``.

    Names are ``<first_name> <n>``; languages cycle through ``language_codes``; ``blocked`` of
    them (picked by ``seed``) have blocked the bot, so a send to them answers 403."""
    state, data = request.app[STATE_KEY], await body(request)
    count, blocked, seed = data.get("count"), data.get("blocked", 0), data.get("seed", 0)
    for name, value in (("count", count), ("blocked", blocked), ("seed", seed)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise UserApiError(f"{name} must be a non-negative integer")
    if not 1 <= count <= MAX_BULK_USERS:
        raise UserApiError(f"count must be between 1 and {MAX_BULK_USERS}")
    if blocked > count:
        raise UserApiError("blocked cannot be more than count")
    prefix = data.get("first_name", "Learner")
    languages = data.get("language_codes") or [None]
    if not isinstance(prefix, str) or not prefix:
        raise UserApiError("first_name must be a non-empty string")
    if not isinstance(languages, list) or not all(code is None or isinstance(code, str) for code in languages):
        raise UserApiError("language_codes must be a list of language codes")
    blocked_at = set(random.Random(seed).sample(range(count), blocked))
    created = []
    for n in range(count):
        language = languages[n % len(languages)]
        extra = {"language_code": language} if language else {}
        user = state.add_user(f"{prefix} {n + 1}", **extra)
        state.chats[user.id].blocked = n in blocked_at
        created.append({**user.to_api(), "chat_id": user.id, "blocked": n in blocked_at})
    return web.json_response({"users": created}, status=201)


async def list_users(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    return web.json_response(
        [{**u.to_api(), "blocked": state.chats[u.id].blocked} for u in state.users.values()]
    )


async def create_group(request: web.Request) -> web.Response:
    state, data = request.app[STATE_KEY], await body(request)
    if not isinstance(data.get("title"), str) or not data["title"]:
        raise UserApiError("title is required")
    if data.get("type", "group") not in ("group", "supergroup"):
        raise UserApiError("type must be group or supergroup")
    ids = [data.get("id"), *(data.get("member_ids") or []), *(data.get("admin_ids") or [])]
    if any(i is not None and (not isinstance(i, int) or isinstance(i, bool)) for i in ids):
        raise UserApiError("id, member_ids and admin_ids must be integers")
    chat = state.add_group(
        data["title"],
        list(data.get("member_ids") or []),
        data.get("id"),
        admin_ids=list(data.get("admin_ids") or []),
        chat_type=data.get("type", "group"),
    )
    result = {**chat_to_api(state, chat), "member_ids": chat.member_ids, "admin_ids": chat.admin_ids}
    return web.json_response(result, status=201)


# --- what a user does in a chat -----------------------------------------------------------------
async def send_text(request: web.Request) -> web.Response:
    state, data = request.app[STATE_KEY], await body(request)
    chat = chat_of(state, request)
    from_id = sender_in(state, chat, data.get("from_id"))
    text = data.get("text")
    if not isinstance(text, str) or not text.strip():
        raise UserApiError("text is required")
    if len(text) > 4096:
        raise UserApiError("text is longer than 4096 characters")
    reply_id = data.get("reply_to_message_id")
    if reply_id is not None and reply_id not in chat.messages:
        raise UserApiError(f"no message {reply_id} to reply to")
    return post_user_message(
        state,
        chat,
        from_id,
        text=text,
        entities=bot_command_entities(text),
        reply_to_message_id=reply_id,
    )


async def deep_link(request: web.Request) -> web.Response:
    """Opening ``t.me/<bot>?start=<payload>``: Telegram drops an invalid payload."""
    state, data = request.app[STATE_KEY], await body(request)
    chat = chat_of(state, request)
    from_id = sender_in(state, chat, data.get("from_id"))
    payload = data.get("payload")
    text = f"/start {payload}" if isinstance(payload, str) and _DEEP_LINK.match(payload) else "/start"
    return post_user_message(state, chat, from_id, text=text, entities=bot_command_entities(text))


async def share_contact(request: web.Request) -> web.Response:
    state, data = request.app[STATE_KEY], await body(request)
    chat = chat_of(state, request)
    from_id = sender_in(state, chat, data.get("from_id"))
    phone = data.get("phone_number")
    if not isinstance(phone, str) or not phone:
        raise UserApiError("phone_number is required")
    user = state.users[from_id]
    contact = {
        "phone_number": phone,
        "first_name": data.get("first_name") or user.first_name,
        "user_id": from_id,  # the contact-share button always sends the user's own id
    }
    if data.get("last_name") or user.last_name:
        contact["last_name"] = data.get("last_name") or user.last_name
    return post_user_message(state, chat, from_id, contact=contact)


async def send_file(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    chat = chat_of(state, request)
    kind = _UPLOAD_KINDS[request.match_info["kind"]]
    form = await request.post()
    part = form.get("file")
    if not isinstance(part, FileField):
        raise UserApiError("multipart field 'file' is required")
    raw_from = form.get("from_id")
    from_id = sender_in(state, chat, str(raw_from) if raw_from not in (None, "") else None)
    upload = Upload("file", part.filename, part.content_type, part.file.read())
    stored = store_upload(state, kind, upload)
    caption = str(form.get("caption") or "") or None
    if caption is not None and len(caption) > 1024:
        raise UserApiError("caption is longer than 1024 characters")
    return post_user_message(state, chat, from_id, media=Media(stored, kind), caption=caption)


async def press_button(request: web.Request) -> web.Response:
    state, data = request.app[STATE_KEY], await body(request)
    chat = chat_of(state, request)
    from_id = sender_in(state, chat, data.get("from_id"))
    forge = bool(data.get("forge"))
    try:
        message_id = int(data.get("message_id"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise UserApiError("message_id is required") from None
    message = chat.messages.get(message_id)
    if message is None and not forge:
        raise UserApiError(f"no message {message_id} in chat {chat.id}", 404)
    if message is not None and not forge and (message.deleted or not message.from_bot):
        raise UserApiError("that message is deleted or is not the bot's")
    buttons = [b for row in (message.inline_keyboard if message else []) for b in row]
    text, wanted = data.get("button_text"), data.get("callback_data")
    if text is not None:
        matching = [b for b in buttons if b.get("text") == text]
        if not matching:
            names = [b.get("text") for b in buttons]
            raise UserApiError(f"no button {text!r} on message; buttons: {names}")
        if "callback_data" not in matching[0]:
            raise UserApiError(f"button {text!r} is not a callback button")
        wanted = matching[0]["callback_data"]
    if not isinstance(wanted, str):
        raise UserApiError("give button_text or callback_data")
    if not forge and wanted not in [b.get("callback_data") for b in buttons]:
        raise UserApiError(f"no button with callback_data {wanted!r} on that message (use forge)")

    record = CallbackRecord(
        id=state.new_callback_id(),
        chat_id=chat.id,
        message_id=message_id,
        from_id=from_id,
        data=wanted,
        created=state.now(),
        forged=forge,
    )
    state.callbacks[record.id] = record
    if message is not None and not message.deleted:
        shown: dict[str, Any] = message_to_api(state, message)
    else:  # InaccessibleMessage: date 0
        shown = {"chat": chat_to_api(state, chat), "message_id": record.message_id, "date": 0}
    if message is not None:
        message.callback_ids.append(record.id)
    state.touch(chat)
    payload = {
        "id": record.id,
        "from": state.users[from_id].to_api(),
        "message": shown,
        "chat_instance": f"{abs(chat.id) * 7919 % 10**12}",
        "data": wanted,
    }
    update_id = state.enqueue("callback_query", payload)
    return web.json_response(
        {"update_id": update_id, "callback_query_id": record.id, "version": chat.version}
    )


async def block(request: web.Request) -> web.Response:
    state, data = request.app[STATE_KEY], await body(request)
    chat = chat_of(state, request)
    if chat.type != "private":
        raise UserApiError("only a private chat can block the bot")
    chat.blocked = bool(data.get("blocked", True))
    state.touch(chat)
    return web.json_response({"chat_id": chat.id, "blocked": chat.blocked})


async def leave(request: web.Request) -> web.Response:
    """A member leaves a group (``{"from_id"}``): getChatMember then answers "left", as Telegram does."""
    state, data = request.app[STATE_KEY], await body(request)
    chat = chat_of(state, request)
    if chat.type == "private":
        raise UserApiError("nobody leaves a private chat; block the bot instead")
    from_id = sender_in(state, chat, data.get("from_id"))
    was = member_to_api(state, chat, from_id)
    chat.member_ids = [m for m in chat.member_ids if m != from_id]
    chat.admin_ids = [m for m in chat.admin_ids if m != from_id]
    # As Telegram does: a chat_member update (for a bot that asked for them in allowed_updates).
    state.enqueue("chat_member", {"chat": chat_to_api(state, chat), "from": state.users[from_id].to_api(),
                                  "date": int(state.now()), "old_chat_member": was,
                                  "new_chat_member": {"status": "left", "user": state.users[from_id].to_api()}})
    state.touch(chat)
    state.changed()
    return web.json_response({"chat_id": chat.id, "user_id": from_id, "status": "left"})


async def delete_message(request: web.Request) -> web.Response:
    """A user deletes a message of the chat (``{"from_id", "message_id"}``); as in Telegram, the bot
    gets no update, and a later copyMessage of it answers 400 "message to copy not found"."""
    state, data = request.app[STATE_KEY], await body(request)
    chat = chat_of(state, request)
    sender_in(state, chat, data.get("from_id"))
    message = chat.messages.get(int(data.get("message_id") or 0))
    if message is None or message.deleted:
        raise UserApiError("no such message in this chat")
    message.deleted = True
    state.touch(chat, message)
    return web.json_response({"chat_id": chat.id, "message_id": message.message_id, "version": chat.version})


async def transcript(request: web.Request) -> web.Response:
    """The chat as the user sees it; long-polls with ``since_version`` and ``timeout``."""
    state = request.app[STATE_KEY]
    chat = chat_of(state, request)
    try:
        since = int(request.query.get("since_version", "-1"))
        timeout = min(max(float(request.query.get("timeout", "0")), 0.0), MAX_TRANSCRIPT_WAIT)
    except ValueError:
        raise UserApiError("since_version and timeout must be numbers") from None
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while chat.version <= since and not state.closing:
        remaining = deadline - loop.time()
        if remaining <= 0:
            break
        await state.chat_notifier(chat.id).wait(remaining)
    base = f"{request.scheme}://{request.host}"
    return web.json_response(
        {
            "chat_id": chat.id,
            "version": chat.version,
            "blocked": chat.blocked,
            "messages": [message_to_transcript(state, m, base) for m in chat.messages.values()],
        }
    )


async def command_menu(request: web.Request) -> web.Response:
    """The ``/`` menu a user sees in the chat (``?from_id=``; a private chat's owner by default)."""
    state = request.app[STATE_KEY]
    chat = chat_of(state, request)
    from_id = sender_in(state, chat, request.query.get("from_id"))
    menu = menu_for(state, chat, from_id)
    return web.json_response(
        {"scope": menu.scope, "language_code": menu.language_code, "commands": menu.commands}
    )


def add_routes(app: web.Application) -> None:
    r = app.router
    r.add_post("/sandbox/api/users", create_user)
    r.add_post("/sandbox/api/users/bulk", create_users)
    r.add_get("/sandbox/api/users", list_users)
    r.add_post("/sandbox/api/groups", create_group)
    r.add_post("/sandbox/api/chats/{chat_id}/messages", send_text)
    r.add_post("/sandbox/api/chats/{chat_id}/start", deep_link)
    r.add_post("/sandbox/api/chats/{chat_id}/contact", share_contact)
    r.add_post("/sandbox/api/chats/{chat_id}/{kind:documents|videos|photos}", send_file)
    r.add_post("/sandbox/api/chats/{chat_id}/press", press_button)
    r.add_post("/sandbox/api/chats/{chat_id}/block", block)
    r.add_post("/sandbox/api/chats/{chat_id}/leave", leave)
    r.add_post("/sandbox/api/chats/{chat_id}/delete", delete_message)
    r.add_get("/sandbox/api/chats/{chat_id}/transcript", transcript)
    r.add_get("/sandbox/api/chats/{chat_id}/commands", command_menu)
