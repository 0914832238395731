"""Apply Alembic migrations from code: `talimger db upgrade`, at start-up, and in tests.

Alembic (about 11 MB resident) is imported only when there is something to migrate: a serving
process that starts on a schema already at head finds that out with one SELECT and never loads it."""
from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# pg_advisory_xact_lock's key: any fixed number no other code of this database uses ("talimger" in ASCII).
MIGRATION_LOCK_KEY = 0x74616C696D676572


_REVISION = re.compile(r"""^(down_revision|revision)\b[^=]*=\s*['"]([^'"]+)['"]""", re.MULTILINE)


def head_revisions() -> frozenset[str]:
    """The newest revision(s), read from the migration files' `revision` / `down_revision` lines
    without importing Alembic: the revisions no other file names as its down_revision."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        for kind, value in _REVISION.findall(path.read_text(encoding="utf-8")):
            (revisions if kind == "revision" else parents).add(value)
    return frozenset(revisions - parents)


async def at_head(engine: AsyncEngine) -> bool:
    """True when alembic_version holds exactly the head revision(s); False on any doubt (no table yet,
    an older schema, a file that cannot be parsed), so Alembic decides."""
    heads = head_revisions()
    if not heads:
        return False
    try:
        async with engine.connect() as connection:
            stored = {row[0] for row in await connection.execute(text("SELECT version_num FROM alembic_version"))}
    except DBAPIError:  # no alembic_version table: an empty database
        return False
    return stored == heads


def alembic_config(database_url: str) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


async def upgrade_to_head(engine: AsyncEngine) -> None:
    """Bring the schema to the newest migration on the given engine.

    On PostgreSQL the whole upgrade runs under a transaction-scoped advisory lock: replicas that
    start together (or a deploy step beside a starting replica) wait for the first to finish, then
    find the schema at head and do nothing, instead of each creating the same tables at once.
    SQLite needs none: its writers already take turns on the file.
    """
    if await at_head(engine):
        return
    from alembic import command

    url = engine.url.render_as_string(hide_password=False)

    def _upgrade(connection: object) -> None:
        config = alembic_config(url)
        config.attributes["connection"] = connection
        command.upgrade(config, "head")

    async with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Released by the commit (or rollback) at the end of this block, also if the process dies.
            await connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
        await connection.run_sync(_upgrade)


async def current_revision(engine: AsyncEngine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    async with engine.connect() as connection:
        return await connection.run_sync(lambda sync: MigrationContext.configure(sync).get_current_revision())
