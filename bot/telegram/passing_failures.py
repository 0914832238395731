"""Which failures of an update may not meet it again: a lost connection, a database restarting, not a bug.

In webhook mode such an update is answered 500 and Telegram delivers it again (bot/web/webhook.py);
anything else would fail the same way at every delivery, so it is logged and confirmed.
"""
from __future__ import annotations

import asyncio
import sys

from aiogram.exceptions import TelegramNetworkError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

# PostgreSQL's SQLSTATE classes of a server that cannot serve now but will: 08 connection
# exception, 40 transaction rolled back (serialization failure, deadlock), 53 insufficient
# resources (too many connections), 55 object not in prerequisite state (the database not
# accepting connections, a lock not available), 57 operator intervention (shutting down,
# "the database system is starting up"), 58 system error (I/O). asyncpg's errors of these
# classes reach SQLAlchemy as a plain DBAPIError, neither operational nor a disconnect.
PASSING_SQLSTATE_CLASSES = frozenset({"08", "40", "53", "55", "57", "58"})


def is_passing(error: BaseException | None) -> bool:
    if error is None:
        return False
    if isinstance(error, (OperationalError, InterfaceError)):
        return True
    if isinstance(error, DBAPIError):
        return error.connection_invalidated or _sqlstate(error)[:2] in PASSING_SQLSTATE_CLASSES
    return isinstance(error, (OSError, asyncio.TimeoutError, TelegramNetworkError, *_redis_connection_errors()))


def _sqlstate(error: DBAPIError) -> str:
    original = error.orig
    return str(getattr(original, "sqlstate", None) or getattr(original, "pgcode", None) or "")


def _redis_connection_errors() -> tuple[type[BaseException], ...]:
    """redis-py's lost connection, if redis-py is loaded: it is only with REDIS_URL (7 MB a
    process without Redis need not pay, issue 12), and a process without it meets no Redis error."""
    exceptions = sys.modules.get("redis.exceptions")
    return (exceptions.ConnectionError,) if exceptions is not None else ()
