"""Browser tests: the sandbox's web chat in Debian's Chromium, driven by Playwright.

Chromium comes from Debian (`apt-get install chromium`, done by .ci/run); Playwright never
downloads a browser here. Without /usr/bin/chromium these tests are skipped, nothing else.
Screenshots go to test-artifacts/ (git-ignored).
"""
from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from sandbox import Sandbox
from tests.databases import clone_sqlite
from tests.e2e.conftest import bot_app, client, course_key, sandbox, start_bot  # noqa: F401  (fixtures)

if TYPE_CHECKING:
    from playwright.async_api import Browser, Page

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# As root, offline: no sandboxing, no GPU, and none of Chromium's calls home.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
VIEWPORT = {"width": 1100, "height": 800}


@pytest.fixture
def bot_database_url(tmp_path: Path, sqlite_template: Path) -> str:
    """SQLite only: these tests are about the page in the browser; tests/e2e runs the same
    conversations on both database backends."""
    return clone_sqlite(sqlite_template, tmp_path / "talimger.db")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip("no /usr/bin/chromium: install Debian's chromium package (.ci/run does) to run browser tests")
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            await launched.close()


@pytest.fixture
async def page(browser: Browser, sandbox: Sandbox, request: pytest.FixtureRequest) -> AsyncIterator[Page]:
    """A fresh page; fails the test on any script error, keeps a screenshot of a failure."""
    context = await browser.new_context(viewport=VIEWPORT)
    opened = await context.new_page()
    opened.set_default_timeout(15_000)
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(f"page error: {error}"))
    opened.on("console", lambda message: errors.append(f"console: {message.text}") if message.type == "error" else None)
    yield opened
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        await opened.screenshot(path=str(ARTIFACTS / f"{request.node.name}-failure.png"))
    await context.close()
    assert not errors, errors
