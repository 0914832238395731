"""Free ports for the servers tests start, and for servers a test needs missing."""
from __future__ import annotations

import random
import socket

# Below Linux's ephemeral range (32768–60999): a port the kernel handed out (bind to port 0)
# could be taken, before the test's server binds it, as the local end of one of the suite's many
# outgoing connections (to PostgreSQL, the sandbox), and the server then failed to start.
PORTS = range(20_000, 32_000)


def free_port() -> int:
    """A port nothing listens on now, outside the range outgoing connections take theirs from."""
    for port in random.sample(PORTS, 200):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {PORTS}")


closed_port = free_port  # read as "a server that is not there" where a test needs one missing
