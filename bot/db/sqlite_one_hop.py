"""aiosqlite with one trip to its thread per statement (issue 12, "one process does more").

aiosqlite runs every call on its own thread and SQLAlchemy's adapter makes four calls per
statement: open a cursor, execute, fetch all rows, close. Each is a hop (a queue put, a thread
woken, the result handed back through the event loop's self-pipe), and on a quiz answer these
hops were the largest single cost of the process (py-spy: a fifth of the update's samples
waiting in `Connection._execute`). Here a statement's execute, fetch and close run together in
one hop, and the cursor SQLAlchemy holds only keeps the rows, the description, `rowcount` and
`lastrowid` the thread handed back. Everything else (transactions, commit, rollback, close,
the worker thread itself) stays aiosqlite's.

Rows are fetched whole, as SQLAlchemy's adapter does for every non-streaming cursor anyway."""
from __future__ import annotations

import sqlite3
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from typing import Any

import aiosqlite
from sqlalchemy.engine import URL

_Outcome = tuple[Any, int, int | None, list[Any]]


def _run(connection: sqlite3.Connection, sql: str, parameters: Any, many: bool) -> _Outcome:
    """On aiosqlite's thread: the statement, its rows and what the cursor knows after it."""
    cursor = connection.executemany(sql, parameters) if many else connection.execute(sql, parameters)
    try:
        rows = cursor.fetchall() if cursor.description else []
        return cursor.description, cursor.rowcount, cursor.lastrowid, rows
    finally:
        cursor.close()


class OneHopCursor:
    """The part of aiosqlite's `Cursor` SQLAlchemy uses, filled by one hop per statement."""

    def __init__(self, connection: OneHopConnection) -> None:
        self._connection = connection
        self._rows: deque[Any] = deque()
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self.arraysize = 1

    async def __aenter__(self) -> OneHopCursor:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()

    async def _hop(self, sql: str, parameters: Any, many: bool) -> OneHopCursor:
        self.description, self.rowcount, self.lastrowid, rows = await self._connection.run(
            _run, sql, parameters, many)
        self._rows = deque(rows)
        return self

    async def execute(self, sql: str, parameters: Sequence[Any] | dict[str, Any] = ()) -> OneHopCursor:
        return await self._hop(sql, parameters, False)

    async def executemany(self, sql: str, parameters: Iterable[Any]) -> OneHopCursor:
        return await self._hop(sql, parameters, True)

    async def fetchone(self) -> Any:
        return self._rows.popleft() if self._rows else None

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        count = min(size or self.arraysize, len(self._rows))
        return [self._rows.popleft() for _ in range(count)]

    async def fetchall(self) -> list[Any]:
        rows, self._rows = list(self._rows), deque()
        return rows

    async def close(self) -> None:
        self._rows.clear()


class OneHopConnection(aiosqlite.Connection):
    """aiosqlite's connection whose cursors cost no hop to open or close."""

    def cursor(self) -> OneHopCursor:  # type: ignore[override]  # SQLAlchemy awaits __aenter__
        return OneHopCursor(self)

    async def rollback(self) -> None:
        """SQLAlchemy's pool rolls back each connection it gets back, also right after a commit;
        with no transaction open there is nothing to undo, and no hop is made."""
        if self._connection is not None and not self._connection.in_transaction:
            return
        await super().rollback()

    async def run(self, function: Callable[..., _Outcome], *args: Any) -> _Outcome:
        return await self._execute(function, self._conn, *args)


def one_hop_connector(url: URL, connect_args: dict[str, Any]) -> Callable[[], Any]:
    """The `async_creator` of an engine on this SQLite URL: sqlite3.connect gets what
    SQLAlchemy's own aiosqlite dialect would give it (the URL's file and options, then the
    engine's connect_args)."""
    args, options = url.get_dialect()().create_connect_args(url)
    options = {**options, **connect_args}

    async def connect() -> OneHopConnection:
        connector = partial(sqlite3.connect, *args, **options)
        connection = OneHopConnection(connector, iter_chunk_size=64)
        connection._thread.daemon = True  # as SQLAlchemy's dialect does: never hold up exit
        return await connection
    return connect
