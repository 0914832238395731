"""Shared fixtures: a real SQLite file per test, migrated, with the mini course published; the
migrated templates (SQLite file, PostgreSQL database) that test databases are cloned from."""
from __future__ import annotations

import random
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

import bot.course_publishing
from bot.db.session import create_engine, create_session_factory
from bot.db.uow import UnitOfWorkFactory
from bot.services.clock import ManualClock
from bot.services.course_import import CourseImporter
from bot.telegram.i18n import compile_catalogs
from content import load_course
from tests.course_cache import cached_loader
from tests.databases import (NO_POSTGRES, TEST_POSTGRES_URL, clone_sqlite, drop_postgres_template,
                             make_postgres_template, make_sqlite_template)

DATA = Path(__file__).parent / "data"
MINI_COURSE = DATA / "mini-course.yaml"


def pytest_sessionstart(session: pytest.Session) -> None:
    """`make locales` for a run started as plain `pytest` after a .po was edited: the bot itself
    never compiles catalogs (start-up only reads locales/), so the build step runs here."""
    compile_catalogs()


# Tests that mostly wait (Telegram's pace, a killed process's lease, subprocesses starting) and take
# from half a minute to over two: started first, so they overlap the short ones instead of being
# the last thing a worker runs while the other idles. Rough seconds on 2 cores.
LONG_RUNNING = {
    "tests/cluster/test_replicas_behind_nginx.py": 150, "tests/e2e/test_outbox_broadcast.py": 110,
    "tests/e2e/test_outbox_kill.py": 90, "tests/cluster/test_cluster_smoke.py": 60,
    "tests/cluster/test_broadcast_takeover.py": 45, "tests/e2e/test_sandbox_restart.py": 20,
    "tests/postgres/test_pg_concurrent_upgrade.py": 20, "tests/unit/test_telegram_types_on_demand.py": 20,
    "tests/e2e/test_cli.py": 10,
}


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: -LONG_RUNNING.get(item.nodeid.split("::")[0], 0))


@pytest.fixture(scope="session", autouse=True)
def course_checked_once() -> Iterator[None]:
    """A bot started by a test publishes a course it already checked in this process (tests/course_cache.py)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(bot.course_publishing, "load_course", cached_loader(bot.course_publishing.load_course))
        yield


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
