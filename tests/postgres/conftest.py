"""PostgreSQL fixtures: a fresh database per test on the server named by TEST_POSTGRES_URL.

Without TEST_POSTGRES_URL every test here is skipped (the rest of the suite runs on SQLite).
The role in the URL must be allowed to create databases; each test gets its own, dropped after
(see tests/databases.py). The end-to-end suite runs on PostgreSQL by itself (tests/e2e/conftest.py
parametrises the bot's database); this folder holds what only PostgreSQL has: parallel
transactions, SKIP LOCKED, advisory locks, a server that goes away.
"""
from __future__ import annotations

import os
from collections.abc import AsyncIterator

import pytest

from bot.db.session import create_engine, create_session_factory
from bot.db.uow import UnitOfWorkFactory
from bot.services.clock import ManualClock
from bot.services.course_import import CourseImporter
from content import load_course
from tests.conftest import MINI_COURSE
from tests.databases import NO_POSTGRES, TEST_POSTGRES_URL, postgres_database


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if TEST_POSTGRES_URL:
        return
    skip = pytest.mark.skip(reason=NO_POSTGRES)
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.path).startswith(here + os.sep):
            item.add_marker(skip)


@pytest.fixture
async def pg_url() -> AsyncIterator[str]:
    """A URL to a brand-new, empty database on the test server; dropped after the test."""
    async with postgres_database() as url:
        yield url


@pytest.fixture
async def pg_migrated_url(postgres_template: str) -> AsyncIterator[str]:
    """A brand-new database already at head (a clone of the session's migrated template)."""
    async with postgres_database(template=postgres_template) as url:
        yield url


@pytest.fixture
async def pg_uow_factory(pg_migrated_url: str) -> AsyncIterator[UnitOfWorkFactory]:
    engine = create_engine(pg_migrated_url)
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
