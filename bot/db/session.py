"""Engine and session factory; SQLite gets WAL and a busy timeout so readers never block writers."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from bot.db.reconnecting_session import ReconnectingSession
from bot.db.sqlite_one_hop import one_hop_connector

SQLITE_BUSY_TIMEOUT_MS = 15_000
# No automatic checkpoint: a commit that ran one would sync the files on the event loop's thread;
# each connection checkpoints on aiosqlite's thread instead (bot/db/sqlite_one_hop.py).
SQLITE_PRAGMAS = ("PRAGMA journal_mode=WAL", f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}",
                  "PRAGMA foreign_keys=ON", "PRAGMA synchronous=NORMAL", "PRAGMA wal_autocheckpoint=0")


def create_engine(database_url: str, **kwargs: Any) -> AsyncEngine:
    """Create the async engine; for a SQLite file make sure its folder exists."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        # one hop to aiosqlite's thread per statement, not four (none for a learner's small ones)
        connector = one_hop_connector(url, {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, SQLITE_PRAGMAS)
        return create_async_engine(url, async_creator=connector, **kwargs)
    # No ping on checkout (three round trips on asyncpg): a session finds a closed connection
    # at its first statement and runs it again (bot/db/reconnecting_session.py).
    return create_async_engine(url, **kwargs)


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    if engine.dialect.name == "sqlite":  # a file has no connection to lose
        return async_sessionmaker(engine, expire_on_commit=False)
    return async_sessionmaker(engine, expire_on_commit=False, sync_session_class=ReconnectingSession)
