"""aiosqlite with one trip to its thread per statement, or none (issue 12, "one process does more").

aiosqlite runs every call on its own thread and SQLAlchemy's adapter makes four calls per
statement: open a cursor, execute, fetch all rows, close. Each is a hop (a queue put, a thread
woken, the result handed back through the event loop's self-pipe), and on a quiz answer these
hops were the largest single cost of the process (py-spy: a fifth of the update's samples
waiting in `Connection._execute`). Here a statement's execute, fetch and close run together in
one hop, and the cursor SQLAlchemy holds only keeps the rows, the description, `rowcount` and
`lastrowid` the thread handed back. Everything else (transactions, commit, rollback, close,
the worker thread itself) stays aiosqlite's.

Even one hop costs some twenty times what SQLite spends on a primary-key read (bench/statement_cost.py:
0.12 ms of CPU against 0.007). So inside `statements_on_loop()` (a learner's update: small reads
and writes of one learner's rows) a statement that cannot wait runs on the event loop's own thread:
a read, on a database in WAL mode (readers never wait for the writer), and a write in a transaction
that already holds SQLite's write lock. A transaction's first write, which takes that lock, is tried
there once without waiting (this process's writers take turns, so only another process can hold
it); if the lock is taken, it waits for it on aiosqlite's thread. The commit runs on the loop too:
SQLite's automatic checkpoint, which would sync the files there, is off, and once the engine's
commits have written enough (WalAccount) one of them checkpoints on aiosqlite's thread instead.
What can wait stays there, where waiting does not stop the loop: every statement outside the
block — the staff's reports and exports, the web pages and the background jobs.

Rows are fetched whole, as SQLAlchemy's adapter does for every non-streaming cursor anyway."""
from __future__ import annotations

import sqlite3
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from functools import partial
from typing import Any

import aiosqlite
from sqlalchemy.engine import URL

_Outcome = tuple[Any, int, int | None, list[Any]]

_on_loop: ContextVar[bool] = ContextVar("sqlite_statements_on_loop", default=False)


@contextmanager
def statements_on_loop() -> Iterator[None]:
    """Within this block (and the tasks it starts), this task's statements that cannot wait for a
    lock run on the event loop's thread. Only for work whose statements are all small: a read
    here holds up every other update for as long as it takes."""
    token = _on_loop.set(True)
    try:
        yield
    finally:
        _on_loop.reset(token)


def _keyword(sql: str) -> str:
    return sql.lstrip()[:6].upper()


_WRITES = frozenset({"INSERT", "UPDATE", "DELETE", "REPLAC"})
_NOT_RUN: Any = object()


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


class WalAccount:
    """What an engine's commits have added to the WAL since its last checkpoint, counted in commits
    and in rows changed (SQLite's automatic checkpoint counts pages, which sqlite3 does not tell):
    a checkpoint is due after CHECKPOINT_COMMITS commits or CHECKPOINT_ROWS rows, whichever first
    (a quiz answer's commit changes 2 to 6 rows, writing about as many pages; the housekeeping's
    first DELETE of old update ids, hundreds of thousands). At 200 commits the outbox, which commits
    twice a message, spent a seventh more CPU a message than with SQLite's own checkpoint; at 400,
    the same (bench.sweep)."""

    CHECKPOINT_COMMITS = 400
    CHECKPOINT_ROWS = 2_000

    def __init__(self) -> None:
        self.commits = 0
        self.rows = 0

    def committed(self, rows: int) -> bool:
        """Count one commit; True when it is the one to checkpoint (and the count starts again)."""
        self.commits += 1
        self.rows += max(rows, 1)
        if self.commits < self.CHECKPOINT_COMMITS and self.rows < self.CHECKPOINT_ROWS:
            return False
        self.commits = self.rows = 0
        return True


class OneHopConnection(aiosqlite.Connection):
    """aiosqlite's connection whose cursors cost no hop to open or close."""

    # Set once connected: whether the file is in WAL mode, where a read never waits for the writer
    # (an in-memory database is not, nor is a file whose mode could not be changed).
    wal = False
    busy_timeout_ms = 0  # as set up: how long a statement waits for a lock, on aiosqlite's thread
    wal_account: WalAccount  # shared by an engine's connections (one_hop_connector)
    _changes_seen = 0  # sqlite3's total_changes at this connection's last commit
    # Whether the open transaction has written, and so holds SQLite's write lock until it ends.
    _holds_write_lock = False

    def cursor(self) -> OneHopCursor:  # type: ignore[override]  # SQLAlchemy awaits __aenter__
        return OneHopCursor(self)

    async def commit(self) -> None:
        """On the loop's thread inside the block: SQLite's own checkpoint is off (SQLITE_PRAGMAS), so
        a commit only appends to the WAL, unsynced (synchronous=NORMAL). After the engine's commits
        have written enough (WalAccount), this one checkpoints the WAL into the database on
        aiosqlite's thread, where syncing the files does not stop the loop."""
        self._holds_write_lock = False
        connection = self._conn
        if not connection.in_transaction:
            return  # only reads since the last commit: sqlite3's commit would do nothing, after a hop
        if self.wal and _on_loop.get():
            connection.commit()
        else:
            await super().commit()
        changes, self._changes_seen = connection.total_changes - self._changes_seen, connection.total_changes
        if self.wal and self.wal_account.committed(changes):
            await self._execute(_checkpoint, connection)

    async def rollback(self) -> None:
        """SQLAlchemy's pool rolls back each connection it gets back, also right after a commit;
        with no transaction open there is nothing to undo, and no hop is made."""
        self._holds_write_lock = False
        if self._connection is not None and not self._connection.in_transaction:
            return
        await super().rollback()

    async def run(self, function: Callable[..., _Outcome], sql: str, *args: Any) -> _Outcome:
        keyword = _keyword(sql)
        outcome = self._here(function, sql, args, keyword) if self.wal and _on_loop.get() else _NOT_RUN
        if outcome is _NOT_RUN:
            outcome = await self._execute(function, self._conn, sql, *args)
        if keyword in _WRITES and self._conn.in_transaction:
            self._holds_write_lock = True
        return outcome

    def _here(self, function: Callable[..., _Outcome], sql: str, args: tuple[Any, ...], keyword: str) -> Any:
        """The statement run on the loop's thread if it cannot wait; else _NOT_RUN."""
        connection = self._conn
        if not connection.in_transaction:
            self._holds_write_lock = False  # ended without our commit or rollback (e.g. a COMMIT statement)
        if keyword == "SELECT" or self._holds_write_lock:
            return function(connection, sql, *args)
        if keyword not in _WRITES or connection.in_transaction:
            return _NOT_RUN
        # A transaction's first write takes SQLite's write lock, which another process may hold:
        # tried once without waiting; if the lock is taken, the statement (alone in its transaction,
        # so nothing else is undone) is rolled back and waits for the lock on aiosqlite's thread.
        connection.execute("PRAGMA busy_timeout=0").close()
        try:
            return function(connection, sql, *args)
        except sqlite3.OperationalError as error:
            if error.sqlite_errorcode & 0xFF != sqlite3.SQLITE_BUSY:  # the primary code, whatever the extended one
                raise
            connection.rollback()
            return _NOT_RUN
        finally:
            connection.execute(f"PRAGMA busy_timeout={self.busy_timeout_ms}").close()


def _checkpoint(connection: sqlite3.Connection) -> None:
    """On aiosqlite's thread: copy the WAL's pages into the database; PASSIVE waits for no reader or
    writer, and what it cannot copy yet the next checkpoint does."""
    connection.execute("PRAGMA wal_checkpoint(PASSIVE)").close()


def _set_up(connection: sqlite3.Connection, pragmas: Sequence[str]) -> tuple[bool, int]:
    """On aiosqlite's thread, once a connection: the pragmas, then whether the file is in WAL mode
    and the busy timeout."""
    for pragma in pragmas:
        connection.execute(pragma).close()
    journal, = connection.execute("PRAGMA journal_mode").fetchone()
    timeout, = connection.execute("PRAGMA busy_timeout").fetchone()
    return str(journal).lower() == "wal", int(timeout)


def one_hop_connector(url: URL, connect_args: dict[str, Any], pragmas: Sequence[str] = ()) -> Callable[[], Any]:
    """The `async_creator` of an engine on this SQLite URL: sqlite3.connect gets what
    SQLAlchemy's own aiosqlite dialect would give it (the URL's file and options, then the
    engine's connect_args); each new connection then runs `pragmas`."""
    args, options = url.get_dialect()().create_connect_args(url)
    # A statement may run on the event loop's thread, one at a time with those on aiosqlite's.
    options = {**options, **connect_args, "check_same_thread": False}
    wal_account = WalAccount()  # all the engine's commits: the WAL is the file's, not a connection's

    async def connect() -> OneHopConnection:
        connector = partial(sqlite3.connect, *args, **options)
        connection = OneHopConnection(connector, iter_chunk_size=64)
        connection.wal_account = wal_account
        connection._thread.daemon = True  # as SQLAlchemy's dialect does: never hold up exit
        await connection
        try:
            connection.wal, connection.busy_timeout_ms = await connection._execute(_set_up, connection._conn, pragmas)
        except BaseException:
            await connection.close()
            raise
        return connection
    return connect
