"""CPU of one statement through the bot's database layer (SQLAlchemy's async session over aiosqlite).

    .venv/bin/python -m bench.statement_cost [--rows 2000] [--repeat 2]

A fresh SQLite file migrated to head with N learners; each figure is the process's CPU time for a
unit of work (a session opened, used and closed, as one update does) divided by N: an empty one,
one user read through the ORM and as a Core row, one UPDATE committed, one read through
`exec_driver_sql` and one on the session's own aiosqlite connection; then the ORM and Core reads
again as a learner's update runs them, on the event loop's thread (`statements_on_loop()`), the Core
one also built once with a bound parameter; then the same read through aiosqlite alone (one trip to
its thread, no SQLAlchemy) and with Python's sqlite3 alone. It shows where a statement's CPU goes
(see docs/PERFORMANCE.md).
"""
from __future__ import annotations

import bot  # noqa: F401  (first, as in `talimger run`: aiogram's types built on demand)
import argparse
import asyncio
import sqlite3
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from pathlib import Path

import aiosqlite
from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.migrate import upgrade_to_head
from bot.db.models import User
from bot.db.session import create_engine, create_session_factory
from bot.db.sqlite_one_hop import statements_on_loop

NOW = datetime(2026, 12, 1, tzinfo=timezone.utc)
USERS = User.__table__
USER_BY_ID = select(USERS).where(USERS.c.id == bindparam("uid"))


async def measure(rows: int, repeat: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        engine = create_engine(f"sqlite+aiosqlite:///{Path(folder) / 'cost.sqlite'}")
        await upgrade_to_head(engine)
        sessions = create_session_factory(engine)
        async with sessions() as session:
            session.add_all(User(id=uid, first_name="Learner", created_at=NOW, last_seen_at=NOW)
                            for uid in range(1, rows + 1))
            await session.commit()

        async def nothing(session: AsyncSession, uid: int) -> None:
            return None

        async def orm_read(session: AsyncSession, uid: int) -> None:
            (await session.execute(select(User).where(User.id == uid))).scalars().all()

        async def core_read(session: AsyncSession, uid: int) -> None:
            (await session.execute(select(USERS).where(USERS.c.id == uid))).all()

        async def update_and_commit(session: AsyncSession, uid: int) -> None:
            await session.execute(update(USERS).where(USERS.c.id == uid).values(last_seen_at=NOW))
            await session.commit()

        async def driver_sql(session: AsyncSession, uid: int) -> None:
            connection = await session.connection()
            (await connection.exec_driver_sql("SELECT * FROM users WHERE id = ?", (uid,))).all()

        async def under_the_session(session: AsyncSession, uid: int) -> None:
            # the session's own aiosqlite connection, in its transaction, SQLAlchemy left out
            connection = await session.connection()
            driver = (await connection.get_raw_connection()).driver_connection
            await driver.execute_fetchall("SELECT * FROM users WHERE id = ?", (uid,))

        async def on_loop(read: Callable[[AsyncSession, int], Awaitable[None]], session: AsyncSession,
                          uid: int) -> None:
            with statements_on_loop():
                await read(session, uid)

        async def prebuilt_core_read(session: AsyncSession, uid: int) -> None:
            (await session.execute(USER_BY_ID, {"uid": uid})).all()

        cases: list[tuple[str, Callable[[AsyncSession, int], Awaitable[None]]]] = [
            ("unit of work, no statement", nothing),
            ("one user read, ORM object", orm_read),
            ("one user read, Core row", core_read),
            ("one UPDATE and its commit", update_and_commit),
            ("one read, exec_driver_sql", driver_sql),
            ("one read, the session's driver", under_the_session),
            ("ORM read, on the loop", lambda session, uid: on_loop(orm_read, session, uid)),
            ("Core read, on the loop", lambda session, uid: on_loop(core_read, session, uid)),
            ("built once, on the loop", lambda session, uid: on_loop(prebuilt_core_read, session, uid)),
        ]
        print(f"{rows} units of work each, SQLite file, CPU ms per unit (SQLAlchemy + aiosqlite's thread)")
        for label, work in cases:
            figures = []
            for _ in range(repeat):
                started = time.process_time()
                for uid in range(1, rows + 1):
                    async with sessions() as session:
                        await work(session, uid)
                figures.append((time.process_time() - started) * 1000 / rows)
            print(f"  {label:<30} " + " / ".join(f"{figure:.3f}" for figure in figures))
        await engine.dispose()
        figures = []
        async with aiosqlite.connect(Path(folder) / "cost.sqlite") as hop:
            for _ in range(repeat):
                started = time.process_time()
                for uid in range(1, rows + 1):
                    await hop.execute_fetchall("SELECT * FROM users WHERE id = ?", (uid,))
                figures.append((time.process_time() - started) * 1000 / rows)
        print(f"  {'the same read, aiosqlite alone':<30} " + " / ".join(f"{figure:.3f}" for figure in figures))
        figures = []
        with sqlite3.connect(Path(folder) / "cost.sqlite") as connection:
            for _ in range(repeat):
                started = time.process_time()
                for uid in range(1, rows + 1):
                    connection.execute("SELECT * FROM users WHERE id = ?", (uid,)).fetchall()
                figures.append((time.process_time() - started) * 1000 / rows)
        print(f"  {'the same read, sqlite3 alone':<30} " + " / ".join(f"{figure:.3f}" for figure in figures))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    asyncio.run(measure(args.rows, args.repeat))


if __name__ == "__main__":
    main()
