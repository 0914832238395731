"""Runs an aiohttp application on a host and port; port 0 takes a free one (tests)."""
from __future__ import annotations

import errno
import logging
import socket

from aiohttp import web

from bot.config import web_app_url
from bot.logging_setup import ClientErrorsAreDebug, http_log

log = logging.getLogger(__name__)


class CannotListen(Exception):
    """The host is not an address of this machine, or the port is taken or forbidden."""

    def __init__(self, reason: str, port_refused: bool = False) -> None:
        super().__init__(reason)
        self.port_refused = port_refused  # the port is the problem (in use, or privileged), not the host


http_log.addFilter(ClientErrorsAreDebug())


def listen_socket(host: str, port: int) -> socket.socket:
    """Bind host:port now, so a bad host or a busy port is known before anything else starts."""
    try:
        infos = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError) as error:
        raise CannotListen(f"no such address ({_reason(error)})") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as error:
        sock.close()
        raise CannotListen(_reason(error), port_refused=error.errno in (errno.EADDRINUSE, errno.EACCES)) from None
    sock.setblocking(False)
    return sock


def _reason(error: BaseException) -> str:
    return getattr(error, "strerror", None) or str(error)


class WebServer:
    def __init__(self, app: web.Application, host: str, port: int, sock: socket.socket | None = None) -> None:
        self._app = app
        self.host = host
        self.port = port
        self._sock = sock
        self._runner: web.AppRunner | None = None

    async def start(self) -> WebServer:
        sock = self._sock or listen_socket(self.host, self.port)
        self._sock = None
        self.port = sock.getsockname()[1]  # the bound port when 0 was asked
        self._runner = web.AppRunner(self._app, access_log=None, logger=http_log)
        await self._runner.setup()
        await web.SockSite(self._runner, sock).start()
        log.info("web app listening on %s", self.url)
        return self

    @property
    def url(self) -> str:
        return web_app_url(self.host, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._sock is not None:
            self._sock.close()
            self._sock = None
