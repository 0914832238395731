"""Start-up reads the compiled catalogs and writes nothing under locales/ (issue 12 item 3)."""
from __future__ import annotations

import fcntl
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.telegram.i18n import LOCALES_DIR
from sandbox.client import SandboxClient
from tests.e2e.conftest import AppFactory


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(path.relative_to(folder)): (path.stat().st_size, path.stat().st_mtime_ns)
            for path in sorted(folder.rglob("*")) if path.is_file()}


@pytest.fixture
def po_newer_than_mo() -> Iterator[Path]:
    """The kk .po edited after its .mo was built (what made the old start-up rewrite the .mo).

    The repository's own file, so one test at a time across xdist's workers: the SQLite and the
    PostgreSQL run side by side once put the .po's time back in the middle of the other's check."""
    po = LOCALES_DIR / "kk" / "LC_MESSAGES" / "messages.po"
    with open(Path(tempfile.gettempdir()) / "talimger-tests-locales.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        before = po.stat()
        mo = po.with_suffix(".mo").stat()
        os.utime(po, ns=(before.st_atime_ns, mo.st_mtime_ns + 10**9))
        try:
            yield po
        finally:
            os.utime(po, ns=(before.st_atime_ns, before.st_mtime_ns))


async def test_start_up_writes_nothing_under_locales(po_newer_than_mo: Path, start_bot: AppFactory,
                                                     client: SandboxClient) -> None:
    """issue 12 item 3: the .mo files are built by `make`, not by the bot: a start with a .po newer
    than its .mo leaves locales/ byte for byte and time for time as it was, and the bot speaks Kazakh."""
    before = snapshot(LOCALES_DIR)
    await start_bot()
    user = await client.new_user("Aruzhan", language_code="kk")
    await user.send("/start")
    picker = await user.wait_for(lambda m: any("Қазақша" in text for text in m.button_texts))
    assert picker.text
    assert snapshot(LOCALES_DIR) == before
