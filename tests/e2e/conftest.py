"""End-to-end fixtures: the real bot (real aiogram, real HTTP) against the sandbox.

Every test that uses the bot's database runs twice: on a SQLite file and on a PostgreSQL
database (`bot_database_url`'s parameters `sqlite` and `postgresql`; the latter is skipped when
TEST_POSTGRES_URL is unset). A test that only makes sense on one backend says so with
`@pytest.mark.only_backend("sqlite", reason=...)`: its other variant is skipped with that reason.
"""
from __future__ import annotations

import random
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from bot.app import SendLimits, Talimger
from bot.config import Settings
from bot.services.clock import ManualClock
from tests.databases import NO_POSTGRES, TEST_POSTGRES_URL, clone_sqlite, postgres_database
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
    """A sandbox with a bot id of its own: tests running side by side (pytest-xdist) share the test
    Redis, where conversation state and the send pace are kept per bot id."""
    async with Sandbox(token=f"{random.randrange(10**8, 10**9)}:sandbox-token") as running:
        yield running


@pytest.fixture
async def client(sandbox: Sandbox) -> AsyncIterator[SandboxClient]:
    async with SandboxClient(sandbox.url) as sandbox_client:
        yield sandbox_client


BACKENDS = [pytest.param("sqlite", id="sqlite"),
            pytest.param("postgresql", id="postgresql", marks=pytest.mark.skipif(not TEST_POSTGRES_URL,
                                                                                reason=NO_POSTGRES))]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """`only_backend(name, reason=...)`: the variants on the other backend are skipped with the reason."""
    for item in items:
        marker = item.get_closest_marker("only_backend")
        callspec = getattr(item, "callspec", None)
        if marker is None or callspec is None or "bot_database_url" not in callspec.params:
            continue
        if callspec.params["bot_database_url"] not in marker.args:
            item.add_marker(pytest.mark.skip(reason=f"only on {', '.join(marker.args)}: {marker.kwargs['reason']}"))


@pytest.fixture(params=BACKENDS)
async def bot_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """The bot's database, migrated to head and empty: a SQLite file of the test's own, or a fresh
    PostgreSQL database on TEST_POSTGRES_URL's server, dropped after the test (tests/postgres
    overrides this with its own PostgreSQL database)."""
    if request.param == "sqlite":
        yield clone_sqlite(request.getfixturevalue("sqlite_template"), tmp_path / "talimger.db")
        return
    async with postgres_database(template=request.getfixturevalue("postgres_template")) as url:
        yield url


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
