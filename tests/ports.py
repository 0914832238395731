"""Ports for tests that need a server missing (never one a real service listens on)."""
from __future__ import annotations

import socket


def closed_port() -> int:
    """A port nothing listens on: bound to pick a free one, closed again before it is returned."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
