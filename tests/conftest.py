"""Shared fixtures: a real SQLite file per test, migrated, with the mini course published; the
migrated templates (SQLite file, PostgreSQL database) that test databases are cloned from."""
from __future__ import annotations

import random
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.db.session import create_engine, create_session_factory
from bot.db.uow import UnitOfWorkFactory
from bot.services.clock import ManualClock
from bot.services.course_import import CourseImporter
from bot.telegram.i18n import compile_catalogs
from content import load_course
from tests.databases import (NO_POSTGRES, TEST_POSTGRES_URL, clone_sqlite, drop_postgres_template,
                             make_postgres_template, make_sqlite_template)

DATA = Path(__file__).parent / "data"
MINI_COURSE = DATA / "mini-course.yaml"


def pytest_sessionstart(session: pytest.Session) -> None:
    """`make locales` for a run started as plain `pytest` after a .po was edited: the bot itself
    never compiles catalogs (start-up only reads locales/), so the build step runs here."""
    compile_catalogs()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def rng() -> random.Random:
    return random.Random(20261123)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head once per session (per xdist worker), copied for each test."""
    return make_sqlite_template(tmp_path_factory.mktemp("template"))


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """A PostgreSQL database migrated to head once per session (per xdist worker), cloned for each
    test (CREATE DATABASE ... TEMPLATE); dropped at the end of the session."""
    if not TEST_POSTGRES_URL:
        pytest.skip(NO_POSTGRES)
    name = make_postgres_template()
    yield name
    drop_postgres_template(name)


@pytest.fixture
async def uow_factory(tmp_path: Path, sqlite_template: Path) -> AsyncIterator[UnitOfWorkFactory]:
    engine = create_engine(clone_sqlite(sqlite_template, tmp_path / "talimger.db"))
    yield UnitOfWorkFactory(create_session_factory(engine))
    await engine.dispose()


@pytest.fixture
async def mini_course(uow_factory: UnitOfWorkFactory, clock: ManualClock) -> int:
    async with uow_factory() as uow:
        result = await CourseImporter(uow, clock).publish(load_course(MINI_COURSE))
        await uow.commit()
    return result.course_id
