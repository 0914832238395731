"""The browser chat: a Telegram-like page served by the sandbox, and its live-update stream.

Routes (added by ``add_routes``):

* ``GET /`` and ``GET /chat`` — the page (``/`` answers JSON to clients that do not ask for HTML,
  so ``curl`` still gets the sandbox's description);
* ``GET /sandbox/web/{chat.css|chat.js}`` — its style and script (no build step, no CDN);
* ``GET /sandbox/web/config`` — the bot's name and who the admin-chat identities are;
* ``POST /sandbox/web/admin-chat`` — create (once) the staff users and the admin group chat;
* ``GET /sandbox/api/chats/{id}/events`` — Server-Sent Events: one ``version`` event each time the
  chat changes (a new, edited or deleted message, an answered button press). The page then reads
  ``/sandbox/api/chats/{id}/transcript`` and redraws the messages whose ``version`` is newer.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from aiohttp import web

from sandbox.botapi import STATE_KEY
from sandbox.models import Chat
from sandbox.state import SandboxState
from sandbox.userapi import UserApiError, chat_of

WEB_DIR = Path(__file__).resolve().parent
ASSETS = {"chat.css": "text/css", "chat.js": "text/javascript"}
KEEPALIVE_SECONDS = 15.0  # a comment line this often keeps proxies and browsers from timing out
RETRY_MILLISECONDS = 1000  # how soon EventSource reconnects after the stream drops

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class StaffMember:
    """A person of the admin chat the page can act as."""

    id: int
    first_name: str
    role: str  # instructor | coordinator
    language_code: str = "en"


def _default_staff() -> list[StaffMember]:
    return [
        StaffMember(900_001, "Instructor", "instructor"),
        StaffMember(900_002, "Coordinator", "coordinator"),
    ]


@dataclass
class WebChatConfig:
    """What the page needs to know about the admin side.

    ``admin_chat_id`` is the group the bot treats as its admin chat (the bot's ``ADMIN_CHAT_ID``);
    ``None`` lets the sandbox pick a group id the first time someone opens the admin chat.
    The staff members are created as sandbox users and made admins of that group.
    """

    admin_chat_id: int | None = None
    admin_chat_title: str = "Talimger admin chat"
    admin_chat_type: str = "supergroup"
    staff: list[StaffMember] = field(default_factory=_default_staff)


WEB_CONFIG_KEY = web.AppKey("web_chat_config", WebChatConfig)


def wants_html(request: web.Request) -> bool:
    """A browser navigating to the page (not curl, not a JSON client)."""
    return "text/html" in request.headers.get("Accept", "")


async def page(request: web.Request) -> web.Response:
    html = (WEB_DIR / "index.html").read_text(encoding="utf-8")
    return web.Response(text=html, content_type="text/html", headers={"Cache-Control": "no-cache"})


def page_or(json_index: Handler) -> Handler:
    """``GET /``: the chat page for a browser, ``json_index`` for everyone else."""

    async def index(request: web.Request) -> web.StreamResponse:
        if wants_html(request):
            return await page(request)
        return await json_index(request)

    return index


async def asset(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    if name not in ASSETS:
        raise web.HTTPNotFound()
    return web.Response(
        text=(WEB_DIR / name).read_text(encoding="utf-8"),
        content_type=ASSETS[name],
        headers={"Cache-Control": "no-cache"},
    )


def _staff_json(config: WebChatConfig) -> list[dict[str, object]]:
    return [asdict(member) for member in config.staff]


async def web_config(request: web.Request) -> web.Response:
    state, config = request.app[STATE_KEY], request.app[WEB_CONFIG_KEY]
    admin_id = config.admin_chat_id if config.admin_chat_id is not None else state.admin_chat_id
    return web.json_response(
        {
            "bot": state.bot.get_me(),
            "admin_chat": {
                "chat_id": admin_id,
                "title": config.admin_chat_title,
                "exists": admin_id is not None and admin_id in state.chats,
            },
            "staff": _staff_json(config),
        }
    )


def ensure_admin_chat(state: SandboxState, config: WebChatConfig) -> Chat:
    """The staff users and the admin group, created once and then found again (idempotent).

    Which group: ``config.admin_chat_id`` if set (the bot's ``ADMIN_CHAT_ID``), else the one the
    state remembers (a saved sandbox keeps it), else a new one. The staff are its administrators,
    so ``getChatMember`` answers "creator" / "administrator" for them, as Telegram would."""
    ids = [member.id for member in config.staff]
    for member in config.staff:
        if member.id not in state.users:
            state.add_user(member.first_name, member.id, language_code=member.language_code)
    chat_id = config.admin_chat_id if config.admin_chat_id is not None else state.admin_chat_id
    chat = state.chats.get(chat_id) if chat_id is not None else None
    if chat is None:
        chat = state.add_group(
            config.admin_chat_title,
            ids,
            chat_id,
            admin_ids=ids,
            chat_type=config.admin_chat_type,
        )
    elif chat.type == "private":
        raise UserApiError(f"chat {chat.id} is a private chat, not a group")
    else:
        for member_id in ids:
            if member_id not in chat.member_ids + chat.admin_ids:
                chat.member_ids.append(member_id)
                state.changed()
    config.admin_chat_id = state.admin_chat_id = chat.id
    return chat


async def admin_chat(request: web.Request) -> web.Response:
    """Make sure the staff users and the admin group exist (idempotent); return the group."""
    state, config = request.app[STATE_KEY], request.app[WEB_CONFIG_KEY]
    chat = ensure_admin_chat(state, config)
    return web.json_response(
        {
            "chat_id": chat.id,
            "title": chat.title,
            "type": chat.type,
            "member_ids": chat.member_ids,
            "admin_ids": chat.admin_ids,
            "staff": _staff_json(config),
        }
    )


def _since(request: web.Request) -> int:
    raw = request.headers.get("Last-Event-ID") or request.query.get("since_version", "-1")
    try:
        return int(raw)
    except ValueError:
        raise UserApiError("since_version must be an integer") from None


async def chat_events(request: web.Request) -> web.StreamResponse:
    """Server-Sent Events: ``event: version`` with ``{"chat_id", "version"}`` on every change.

    The first event comes at once when the chat is newer than ``since_version`` (or the
    ``Last-Event-ID`` a reconnecting EventSource sends), so nothing is missed between a page's
    transcript read and its subscription."""
    state = request.app[STATE_KEY]
    chat = chat_of(state, request)
    since = _since(request)
    response = web.StreamResponse(
        headers={
            "Content-Type": "text/event-stream; charset=utf-8",
            "Cache-Control": "no-cache",
            "X-Accel-Buffering": "no",
        }
    )
    await response.prepare(request)
    notifier = state.chat_notifier(chat.id)
    try:
        await response.write(f"retry: {RETRY_MILLISECONDS}\n\n".encode())
        while not state.closing:
            if chat.version > since:
                since = chat.version
                data = json.dumps({"chat_id": chat.id, "version": since})
                await response.write(f"id: {since}\nevent: version\ndata: {data}\n\n".encode())
                continue  # re-check before waiting: the chat may have changed during the write
            if not await notifier.wait(KEEPALIVE_SECONDS) and not state.closing:
                await response.write(b": keep-alive\n\n")
    except (ConnectionResetError, ConnectionError):
        pass  # the page went away
    return response


def add_routes(app: web.Application, config: WebChatConfig | None = None) -> None:
    """Register the page, its assets and the event stream (``GET /`` is left to the caller)."""
    app[WEB_CONFIG_KEY] = config or WebChatConfig()
    r = app.router
    r.add_get("/chat", page)
    r.add_get("/sandbox/web/config", web_config)
    r.add_post("/sandbox/web/admin-chat", admin_chat)
    r.add_get("/sandbox/web/{name}", asset)
    r.add_get("/sandbox/api/chats/{chat_id}/events", chat_events)
