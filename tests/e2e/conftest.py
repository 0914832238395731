"""End-to-end fixtures: the real bot (real aiogram, real HTTP) against the sandbox."""
from __future__ import annotations

import random
from collections.abc import AsyncIterator, Callable, Awaitable
from pathlib import Path

import pytest

from bot.app import SendLimits, Talimger
from bot.config import Settings
from bot.services.clock import ManualClock
from content import SAMPLE_COURSE_DIR
from sandbox import Sandbox
from sandbox.client import SandboxClient
from tests.e2e.driver import CourseKey

PUBLIC_BASE_URL = "https://talimger.test"
# Tests that do not check Telegram's limits turn pacing off on both sides, so a learner
# who answers instantly is not slowed to one message a second.
UNPACED = SendLimits(global_rate=10_000, per_chat_rate=10_000, per_chat_burst=10_000)

AppFactory = Callable[..., Awaitable[Talimger]]


def make_settings(database_url: str, content_dir: Path = SAMPLE_COURSE_DIR.parent) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=database_url,
        public_base_url=PUBLIC_BASE_URL,
        content_dir=content_dir,
        default_locale="en",
        web_port=0,  # the certificate pages on a free port
    )


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    async with Sandbox() as running:
        yield running


@pytest.fixture
async def client(sandbox: Sandbox) -> AsyncIterator[SandboxClient]:
    async with SandboxClient(sandbox.url) as sandbox_client:
        yield sandbox_client


@pytest.fixture
def bot_database_url(tmp_path: Path) -> str:
    """A real SQLite file per test (tests/postgres overrides this with a PostgreSQL database)."""
    return f"sqlite+aiosqlite:///{tmp_path / 'talimger.db'}"


@pytest.fixture
async def start_bot(sandbox: Sandbox, bot_database_url: str, clock: ManualClock,
                    tmp_path: Path) -> AsyncIterator[AppFactory]:
    """Start a bot on the sandbox; several calls on one test share its database (a restart)
    and its data folder (the media store)."""
    running: list[Talimger] = []

    async def start(limits: SendLimits = UNPACED, seed: int = 7, **overrides: object) -> Talimger:
        settings = make_settings(bot_database_url)
        settings.data_dir = tmp_path / "data"
        for name, value in overrides.items():
            setattr(settings, name, value)
        app = Talimger(settings, token=sandbox.token, api_url=sandbox.url, clock=clock,
                       rng=random.Random(seed), send_limits=limits)
        await app.start()
        running.append(app)
        return app

    yield start
    for app in running:
        await app.stop()


@pytest.fixture
async def bot_app(start_bot: AppFactory) -> Talimger:
    return await start_bot()


@pytest.fixture(scope="session")
def course_key() -> CourseKey:
    return CourseKey.from_course(SAMPLE_COURSE_DIR)
