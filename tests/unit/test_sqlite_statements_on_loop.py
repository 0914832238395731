"""Which SQLite statements run on the event loop's thread and which on aiosqlite's
(bot/db/sqlite_one_hop.py, issue 12 "one process does more"): seen by SQLite itself, through the
trace callback each statement passes on the thread that runs it."""
from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.db.session import create_engine
from bot.db.sqlite_one_hop import OneHopConnection, WalAccount, statements_on_loop


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'loop.db'}")
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE marks (id INTEGER PRIMARY KEY, note TEXT)"))
        await connection.execute(text("INSERT INTO marks (note) VALUES ('first')"))
    yield engine
    await engine.dispose()


async def traced(connection: AsyncConnection) -> list[tuple[str, str]]:
    """(where, SQL) of every statement the connection runs from now on; where is "loop" or "aiosqlite"."""
    loop_thread = threading.get_ident()
    seen: list[tuple[str, str]] = []
    driver = (await connection.get_raw_connection()).driver_connection
    assert isinstance(driver, OneHopConnection)
    await driver.set_trace_callback(
        lambda sql: seen.append(("loop" if threading.get_ident() == loop_thread else "aiosqlite", sql.strip())))
    return seen


async def test_outside_the_block_every_statement_goes_to_aiosqlites_thread(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        seen = await traced(connection)
        await connection.execute(text("SELECT note FROM marks"))
        await connection.execute(text("INSERT INTO marks (note) VALUES ('second')"))
        await connection.execute(text("UPDATE marks SET note = 'third' WHERE id = 2"))
        await connection.commit()
    assert [where for where, _ in seen] == ["aiosqlite"] * len(seen)
    assert [sql for _, sql in seen] == ["SELECT note FROM marks", "BEGIN", "INSERT INTO marks (note) VALUES ('second')",
                                        "UPDATE marks SET note = 'third' WHERE id = 2", "COMMIT"]


async def test_in_the_block_only_what_can_wait_goes_to_aiosqlites_thread(engine: AsyncEngine) -> None:
    """Reads, writes and the commit run on the loop, the transaction's first write having found the
    write lock free at once (it is tried with no busy wait); a rollback goes to aiosqlite's thread."""
    async with engine.connect() as connection:
        seen = await traced(connection)
        with statements_on_loop():
            assert (await connection.execute(text("SELECT note FROM marks"))).scalar_one() == "first"
            await connection.execute(text("INSERT INTO marks (note) VALUES ('second')"))
            await connection.execute(text("UPDATE marks SET note = 'third' WHERE id = 2"))
            assert (await connection.execute(text("SELECT count(*) FROM marks"))).scalar_one() == 2
            await connection.commit()
            await connection.execute(text("DELETE FROM marks WHERE id = 1"))
            await connection.execute(text("DELETE FROM marks WHERE id = 2"))
            await connection.rollback()
    assert seen == [
        ("loop", "SELECT note FROM marks"),
        ("loop", "PRAGMA busy_timeout=0"), ("loop", "BEGIN"), ("loop", "INSERT INTO marks (note) VALUES ('second')"),
        ("loop", "PRAGMA busy_timeout=15000"),
        ("loop", "UPDATE marks SET note = 'third' WHERE id = 2"),
        ("loop", "SELECT count(*) FROM marks"),
        ("loop", "COMMIT"),
        ("loop", "PRAGMA busy_timeout=0"), ("loop", "BEGIN"), ("loop", "DELETE FROM marks WHERE id = 1"),
        ("loop", "PRAGMA busy_timeout=15000"),
        ("loop", "DELETE FROM marks WHERE id = 2"),
        ("aiosqlite", "ROLLBACK"),
    ]
    async with engine.connect() as connection:
        rows = (await connection.execute(text("SELECT id, note FROM marks ORDER BY id"))).all()
    assert [tuple(row) for row in rows] == [(1, "first"), (2, "third")]


async def test_a_first_write_that_waits_for_another_writer_does_not_stop_the_loop(
        engine: AsyncEngine, tmp_path: Path) -> None:
    """Another connection (another process, say `talimger course load`) holds SQLite's write lock
    for 0.3 s: the first write, tried on the loop, finds it taken at once, is rolled back and waits
    for it on aiosqlite's thread while the loop goes on ticking; a read in the block runs meanwhile
    on the loop, from the last committed state."""
    other = sqlite3.connect(tmp_path / "loop.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO marks (note) VALUES ('other')")
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    ticker = asyncio.create_task(tick())
    try:
        async with engine.connect() as connection:
            seen = await traced(connection)
            with statements_on_loop():
                assert (await connection.execute(text("SELECT count(*) FROM marks"))).scalar_one() == 1
                write = asyncio.create_task(connection.execute(text("INSERT INTO marks (note) VALUES ('ours')")))
                await asyncio.sleep(0.3)
                assert not write.done() and ticks >= 10, ticks
                other.execute("COMMIT")
                await write
                await connection.commit()
    finally:
        ticker.cancel()
        other.close()
    ours = "INSERT INTO marks (note) VALUES ('ours')"
    assert seen[:7] == [("loop", "SELECT count(*) FROM marks"), ("loop", "PRAGMA busy_timeout=0"), ("loop", "BEGIN"),
                        ("loop", ours), ("loop", "ROLLBACK"), ("loop", "PRAGMA busy_timeout=15000"),
                        ("aiosqlite", "BEGIN")], seen
    assert seen[7:] == [("aiosqlite", ours), ("loop", "COMMIT")], seen
    check = sqlite3.connect(tmp_path / "loop.db")
    assert [row[0] for row in check.execute("SELECT note FROM marks ORDER BY id")] == ["first", "other", "ours"]
    check.close()


async def test_the_wal_is_checkpointed_on_aiosqlites_thread_every_so_many_commits(
        engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite's automatic checkpoint (which a commit on the loop would run, syncing the files there)
    is off; every CHECKPOINT_COMMITS commits of the engine, in the block or not, one checkpoints on
    aiosqlite's thread, and the WAL's pages reach the database file."""
    monkeypatch.setattr(WalAccount, "CHECKPOINT_COMMITS", 3)
    async with engine.connect() as connection:
        assert (await connection.execute(text("PRAGMA wal_autocheckpoint"))).scalar_one() == 0
        seen = await traced(connection)
        for number in range(6):
            with statements_on_loop():
                await connection.execute(text(f"INSERT INTO marks (note) VALUES ('n{number}')"))
                await connection.commit()
        busy, in_wal, copied = (await connection.execute(text("PRAGMA wal_checkpoint(PASSIVE)"))).one()
    checkpoints = [where for where, sql in seen if sql == "PRAGMA wal_checkpoint(PASSIVE)"]
    # after the engine's 3rd and 6th commits (the fixture made its 1st), then the one asked for above
    assert checkpoints == ["aiosqlite"] * 3
    assert [where for where, sql in seen if sql == "COMMIT"] == ["loop"] * 6
    assert busy == 0 and in_wal == copied


async def test_a_large_write_is_checkpointed_at_its_commit(engine: AsyncEngine,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """A commit that changed CHECKPOINT_ROWS rows or more (the housekeeping's first DELETE of old
    update ids, say) is checkpointed at once, not a few hundred small commits later."""
    monkeypatch.setattr(WalAccount, "CHECKPOINT_ROWS", 50)
    async with engine.connect() as connection:
        seen = await traced(connection)
        await connection.execute(text("INSERT INTO marks (note) VALUES ('small')"))
        await connection.commit()
        await connection.execute(text("INSERT INTO marks (note) SELECT 'bulk' FROM "
                                      "(WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 60) "
                                      "SELECT i FROM n)"))
        await connection.commit()
    statements = [sql for _, sql in seen]
    assert statements.count("PRAGMA wal_checkpoint(PASSIVE)") == 1
    assert statements[-2:] == ["COMMIT", "PRAGMA wal_checkpoint(PASSIVE)"], statements


async def test_a_database_not_in_wal_mode_keeps_every_statement_on_aiosqlites_thread() -> None:
    """In memory (or any journal but WAL) a reader can wait for the writer: nothing runs on the loop."""
    engine = create_engine("sqlite+aiosqlite:///:memory:")
    try:
        async with engine.connect() as connection:
            seen = await traced(connection)
            with statements_on_loop():
                await connection.execute(text("CREATE TABLE marks (id INTEGER PRIMARY KEY)"))
                await connection.execute(text("INSERT INTO marks (id) VALUES (1)"))
                await connection.execute(text("INSERT INTO marks (id) VALUES (2)"))
                assert (await connection.execute(text("SELECT count(*) FROM marks"))).scalar_one() == 2
    finally:
        await engine.dispose()
    assert seen and {where for where, _ in seen} == {"aiosqlite"}, seen
