"""Migrations go up and down on a SQLite file: the certificates step (0002) and everything built on it."""
from __future__ import annotations

from pathlib import Path

from tests.migration_stairway import walk_the_stairway


async def test_upgrade_downgrade_upgrade(tmp_path: Path) -> None:
    await walk_the_stairway(f"sqlite+aiosqlite:///{tmp_path / 'stairs.db'}")
