"""Migrations go up to head, down to base and up again on PostgreSQL."""
from __future__ import annotations

from tests.migration_stairway import walk_the_stairway


async def test_postgres_upgrade_downgrade_to_base_and_upgrade_again(pg_url: str) -> None:
    await walk_the_stairway(pg_url)
