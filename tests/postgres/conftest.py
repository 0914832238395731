"""PostgreSQL fixtures: a fresh database per test on the server named by TEST_POSTGRES_URL.

Without TEST_POSTGRES_URL every test here is skipped (the rest of the suite runs on SQLite).
The role in the URL must be allowed to create databases; each test gets its own, dropped after.
"""
from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bot.db.migrate import upgrade_to_head
from bot.db.session import create_engine, create_session_factory
from bot.db.uow import UnitOfWorkFactory
from bot.services.clock import ManualClock
from bot.services.course_import import CourseImporter
from content import load_course
from tests.conftest import MINI_COURSE

TEST_POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if TEST_POSTGRES_URL:
        return
    skip = pytest.mark.skip(reason="TEST_POSTGRES_URL is not set (e.g. postgresql+asyncpg://user:pw@host/db); "
                                   "PostgreSQL tests need a server")
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.path).startswith(here + os.sep):
            item.add_marker(skip)


@pytest.fixture
async def pg_url() -> AsyncIterator[str]:
    """A URL to a brand-new, empty database on the test server; dropped after the test."""
    base = make_url(TEST_POSTGRES_URL)
    name = f"talimger_t_{uuid.uuid4().hex[:12]}"
    admin = create_async_engine(base, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


@pytest.fixture
async def pg_uow_factory(pg_url: str) -> AsyncIterator[UnitOfWorkFactory]:
    engine = create_engine(pg_url)
    await upgrade_to_head(engine)
    yield UnitOfWorkFactory(create_session_factory(engine), serialize_writes=False)
    await engine.dispose()


@pytest.fixture
async def pg_mini_course(pg_uow_factory: UnitOfWorkFactory, clock: ManualClock) -> int:
    async with pg_uow_factory() as uow:
        result = await CourseImporter(uow, clock).publish(load_course(MINI_COURSE))
        await uow.commit()
    return result.course_id


# The SQLite suite's fixtures, on PostgreSQL: service tests imported into this folder
# (see test_pg_services.py) run unchanged against a fresh PostgreSQL database.
@pytest.fixture
def uow_factory(pg_uow_factory: UnitOfWorkFactory) -> UnitOfWorkFactory:
    return pg_uow_factory


@pytest.fixture
def mini_course(pg_mini_course: int) -> int:
    return pg_mini_course


# The end-to-end fixtures, with the bot on PostgreSQL: `bot_database_url` below points every
# bot of a test at the same fresh PostgreSQL database.
from tests.e2e.conftest import bot_app, client, course_key, sandbox, start_bot  # noqa: E402,F401


@pytest.fixture
def bot_database_url(pg_url: str) -> str:
    return pg_url
