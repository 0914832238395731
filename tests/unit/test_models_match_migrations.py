"""The models and the migrations describe one schema: Alembic's autogenerate, run against a database
upgraded to head, finds nothing to add or drop. Guards the split of the models into several modules
(issue 12, review): a model module that `bot.db.models` forgot to import would show as a table
to drop."""
from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from bot.db.migrate import alembic_config
from bot.db.models import Base
from bot.db.session import create_engine


OnMigrated = Callable[[Callable[[Connection], Any]], Awaitable[Any]]


@pytest.fixture
def on_migrated_sqlite(tmp_path: Path) -> OnMigrated:
    """Runs a look at the schema on a connection to a fresh SQLite file the migrations took to head."""
    async def run(look: Callable[[Connection], Any]) -> Any:
        url = f"sqlite+aiosqlite:///{tmp_path / 'schema.db'}"

        def upgrade_then_look(connection: Connection) -> Any:
            config = alembic_config(url)
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
            return look(connection)

        engine = create_engine(url)
        try:
            async with engine.begin() as connection:
                return await connection.run_sync(upgrade_then_look)
        finally:
            await engine.dispose()
    return run


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return compare_metadata(context, Base.metadata)


async def test_every_model_table_is_made_by_the_migrations_and_nothing_else(on_migrated_sqlite: OnMigrated) -> None:
    differences = await on_migrated_sqlite(_differences)
    tables = {"broadcasts", "deliveries", "contact_messages", "users", "certificates"}
    assert tables <= set(Base.metadata.tables)
    assert differences == [], "\n".join(map(str, differences))


def _migrated_tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names()) - {"alembic_version"}


async def test_importing_bot_db_models_alone_gives_alembic_every_table(on_migrated_sqlite: OnMigrated) -> None:
    """What bot/db/migrations/env.py sees: a fresh interpreter that imports only `bot.db.models`
    (in this test process the repositories have imported every model module already)."""
    migrated = await on_migrated_sqlite(_migrated_tables)
    script = "import json; from bot.db.models import Base; print(json.dumps(sorted(Base.metadata.tables)))"
    listed = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True,
                            cwd=Path(__file__).resolve().parents[2])
    assert set(json.loads(listed.stdout)) == migrated
