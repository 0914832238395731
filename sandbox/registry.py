"""The table of Bot API methods the sandbox implements (names are case-insensitive)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from sandbox.figures import SEND_METHODS  # noqa: F401 - kept importable from here
from sandbox.params import Upload
from sandbox.state import SandboxState


@dataclass
class Call:
    """One Bot API call being served."""

    state: SandboxState
    method: str  # canonical name, e.g. "sendMessage"
    params: dict[str, Any]
    files: dict[str, Upload]
    request: web.Request | None = None  # None when run from a webhook reply
    at: float | None = None  # sandbox time the call arrived: its rate window and log entry use it


Handler = Callable[[Call], Awaitable[Any]]
METHODS: dict[str, tuple[str, Handler]] = {}



def bot_method(*names: str) -> Callable[[Handler], Handler]:
    """Register a handler under one or more method names."""

    def register(handler: Handler) -> Handler:
        for name in names:
            METHODS[name.lower()] = (name, handler)
        return handler

    return register


def lookup(method: str) -> tuple[str, Handler | None]:
    """Canonical name and handler for a method name as the bot spelled it."""
    canonical, handler = METHODS.get(method.lower(), (method, None))
    return canonical, handler
