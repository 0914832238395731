"""Shared fixtures: a real SQLite file per test, migrated, with the mini course published."""
from __future__ import annotations

import random
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.db.migrate import upgrade_to_head
from bot.db.session import create_engine, create_session_factory
from bot.db.uow import UnitOfWorkFactory
from bot.services.clock import ManualClock
from bot.services.course_import import CourseImporter
from bot.telegram.i18n import compile_catalogs
from content import load_course

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


@pytest.fixture
async def uow_factory(tmp_path: Path) -> AsyncIterator[UnitOfWorkFactory]:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'talimger.db'}")
    await upgrade_to_head(engine)
    yield UnitOfWorkFactory(create_session_factory(engine))
    await engine.dispose()


@pytest.fixture
async def mini_course(uow_factory: UnitOfWorkFactory, clock: ManualClock) -> int:
    async with uow_factory() as uow:
        result = await CourseImporter(uow, clock).publish(load_course(MINI_COURSE))
        await uow.commit()
    return result.course_id
