"""Free ports for the servers tests start, and for servers a test needs missing."""
from __future__ import annotations

import socket


def free_port() -> int:
    """A port nothing listens on now: bound to pick a free one, closed again before it is returned."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


closed_port = free_port  # read as "a server that is not there" where a test needs one missing
