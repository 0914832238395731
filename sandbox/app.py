"""Assembling the sandbox: ``create_app(state)`` and the ``Sandbox`` server for tests."""

from __future__ import annotations

import socket
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from aiohttp import web

from sandbox import botapi, controlapi, userapi
from sandbox.botapi import STATE_KEY
from sandbox.clock import SandboxClock
from sandbox.models import Chat
from sandbox.persistence import StateStore
from sandbox.state import DEFAULT_TOKEN, SandboxState
from sandbox.web import routes as web_chat
from sandbox.web.routes import WebChatConfig, ensure_admin_chat
from sandbox.webhook import webhook_ctx

if TYPE_CHECKING:  # aiogram takes seconds to import; the server itself does not need it
    from aiogram.client.telegram import TelegramAPIServer


async def _index(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    return web.json_response(
        {
            "sandbox": "Talimger Bot API sandbox",
            "bot": state.bot.get_me(),
            "api_base": f"{request.scheme}://{request.host}",
            "user_api": "/sandbox/api",
        }
    )


# Bot API methods that only read: a bot calls them all the time, and none changes what is kept.
READ_METHODS = frozenset({"getme", "getchatmember", "getmycommands", "getfile", "getchat", "getwebhookinfo",
                          "getmydescription", "getmyshortdescription", "getmyname", "getchatadministrators",
                          "getchatmembercount"})


def _queue_mark(state: SandboxState) -> tuple[object, ...]:
    """What a getUpdates call can change: confirmed updates leave the queue, allowed_updates is set."""
    queue = state.updates
    return (len(queue.pending), queue.pending[0].update_id if queue.pending else None, queue.allowed_updates)


@web.middleware
async def _note_changes(request: web.Request, handler: web_chat.Handler) -> web.StreamResponse:
    """Bot API calls and user actions may change what a saving sandbox keeps; reads do not
    (transcripts, the event stream, files, the page; getMe and the other get* methods; a
    getUpdates that confirms nothing), so a polling bot does not rewrite the file every poll."""
    state = request.app[STATE_KEY]
    method = request.path.rsplit("/", 1)[-1].lower() if request.path.startswith("/bot") else ""
    before = _queue_mark(state) if method == "getupdates" else None
    try:
        return await handler(request)
    finally:
        if method == "getupdates":
            if _queue_mark(state) != before:
                state.changed()
        elif method:
            if method not in READ_METHODS:
                state.changed()
        elif request.method != "GET":
            state.changed()


def create_app(
    state: SandboxState | None = None,
    *,
    web_config: WebChatConfig | None = None,
    store: StateStore | None = None,
) -> web.Application:
    """The sandbox as an aiohttp application (Bot API + user API + controls + browser chat).

    With a ``store`` (already attached to ``state``), the state is saved once more, cleanly,
    when the app shuts down."""
    state = state or SandboxState()
    app = web.Application(
        # Room for 50 MB uploads plus multipart overhead; bigger bodies get 413.
        client_max_size=state.settings.max_upload_bytes + 2 * 1024 * 1024,
        middlewares=[_note_changes, userapi.user_errors],
    )
    app[STATE_KEY] = state
    botapi.add_routes(app)
    userapi.add_routes(app)
    controlapi.add_routes(app)
    web_chat.add_routes(app, web_config)
    app.router.add_get("/", web_chat.page_or(_index))  # a browser gets the chat page
    app.cleanup_ctx.append(webhook_ctx)

    async def on_shutdown(_: web.Application) -> None:
        state.shutdown()

    app.on_shutdown.append(on_shutdown)
    if store is not None:

        async def on_cleanup(_: web.Application) -> None:
            store.close(state)

        app.on_cleanup.append(on_cleanup)
    return app


class Sandbox:
    """A running sandbox on ``host:port`` (``port=0`` picks a free one).

    ``async with Sandbox() as sandbox:`` then point aiogram at
    ``TelegramAPIServer.from_base(sandbox.url)`` (or ``sandbox.api_server``) with ``sandbox.token``.

    ``state_path``: keep users, chats, messages, files and the update counter in that file (and
    the files' bytes in a folder beside it), so a sandbox started again on it goes on where it
    stopped, as Telegram would (see ``sandbox.persistence``). Without it everything is in memory.
    """

    def __init__(
        self,
        state: SandboxState | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        token: str = DEFAULT_TOKEN,
        clock: SandboxClock | None = None,
        web_config: WebChatConfig | None = None,
        state_path: Path | str | None = None,
    ) -> None:
        self.state = state or SandboxState(token=token, clock=clock)
        self.web_config = web_config or WebChatConfig()
        self.store = StateStore(state_path) if state_path is not None else None
        if self.store is not None:
            self.store.attach(self.state)
        self.host = host
        self.port = port
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        """Base URL for ``TelegramAPIServer.from_base`` and ``SandboxClient``."""
        return f"http://{self.host}:{self.port}"

    @property
    def web_url(self) -> str:
        """The browser chat (open it in a browser)."""
        return f"{self.url}/"

    @property
    def token(self) -> str:
        return self.state.token

    @property
    def api_server(self) -> TelegramAPIServer:
        """aiogram's server config pointing at this sandbox."""
        from aiogram.client.telegram import TelegramAPIServer

        return TelegramAPIServer.from_base(self.url)

    async def start(self) -> Sandbox:
        if self._runner is not None:
            return self
        self.state.closing = False
        # handler_cancellation: a long poll whose client hung up stops at once, so a restarted
        # bot is not refused with 409 by its own dead predecessor.
        runner = web.AppRunner(
            create_app(self.state, web_config=self.web_config, store=self.store),
            handler_cancellation=True,
            shutdown_timeout=1.0,
            access_log=None,
        )
        await runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        sock.listen(128)
        sock.setblocking(False)
        await web.SockSite(runner, sock).start()
        self.port = sock.getsockname()[1]
        self._runner = runner
        return self

    def ensure_admin_chat(self) -> Chat:
        """The admin group with the browser page's staff in it, created the first time
        (``web_config.admin_chat_id`` if set, else the one this state already has)."""
        return ensure_admin_chat(self.state, self.web_config)

    async def stop(self) -> None:
        if self._runner is None:
            return
        self.state.shutdown()
        await self._runner.cleanup()
        self._runner = None

    async def __aenter__(self) -> Sandbox:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()
