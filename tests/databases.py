"""Test databases: a migrated template per xdist worker, cloned for each test.

Migrating costs about 0.4 s a test on either backend; a copy of an already-migrated template
costs a tenth of that, and the bot's start then finds the schema at head and does nothing.
SQLite: the template is a file, copied. PostgreSQL: `CREATE DATABASE ... TEMPLATE`, which needs
no open connection to the template (so the migrating engine is disposed before any clone).
The PostgreSQL server is the one TEST_POSTGRES_URL names; its role must be allowed to create
databases. Names carry the xdist worker and a random part: runs of other checkouts on the same
server never collide.
"""
from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Coroutine

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bot.db.migrate import upgrade_to_head
from bot.db.session import create_engine

TEST_POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "")
NO_POSTGRES = ("TEST_POSTGRES_URL is not set (e.g. postgresql+asyncpg://user:pw@host/db); "
               "PostgreSQL tests need a server")
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")


def run_apart(coroutine: Coroutine[Any, Any, Any]) -> Any:
    """Run a coroutine to the end on its own loop in a thread: session fixtures are synchronous,
    and a test's event loop may be running in this thread."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


async def migrate(url: str) -> None:
    engine = create_engine(url)
    try:
        await upgrade_to_head(engine)
    finally:
        await engine.dispose()  # PostgreSQL refuses to clone a template anyone is connected to


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def make_sqlite_template(folder: Path) -> Path:
    path = folder / "template.db"
    run_apart(migrate(sqlite_url(path)))
    return path


def clone_sqlite(template: Path, path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, path)
    return sqlite_url(path)


def new_database_name(kind: str) -> str:
    return f"talimger_{kind}_{WORKER}_{uuid.uuid4().hex[:10]}"


async def _admin(statement: str) -> None:
    admin = create_async_engine(make_url(TEST_POSTGRES_URL), isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await admin.dispose()


def postgres_url(name: str) -> str:
    return make_url(TEST_POSTGRES_URL).set(database=name).render_as_string(hide_password=False)


async def create_postgres_database(template: str | None = None) -> str:
    """A new database (empty, or a clone of `template`); returns its name."""
    name = new_database_name("t")
    await _admin(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    return name


async def drop_postgres_database(name: str) -> None:
    await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@asynccontextmanager
async def postgres_database(template: str | None = None) -> AsyncIterator[str]:
    """The URL of a new database (empty, or a clone of `template`), dropped when the block ends."""
    name = await create_postgres_database(template)
    try:
        yield postgres_url(name)
    finally:
        await drop_postgres_database(name)


def make_postgres_template() -> str:
    async def make() -> str:
        name = new_database_name("tpl")
        await _admin(f'CREATE DATABASE "{name}"')
        await migrate(postgres_url(name))
        return name

    return run_apart(make())


def drop_postgres_template(name: str) -> None:
    run_apart(drop_postgres_database(name))
