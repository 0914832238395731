"""Apply Alembic migrations from code: `talimger db upgrade`, at start-up, and in tests."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# pg_advisory_xact_lock's key: any fixed number no other code of this database uses ("talimger" in ASCII).
MIGRATION_LOCK_KEY = 0x74616C696D676572


def alembic_config(database_url: str) -> Config:
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
    async with engine.connect() as connection:
        return await connection.run_sync(lambda sync: MigrationContext.configure(sync).get_current_revision())
