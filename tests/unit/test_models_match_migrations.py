"""The models and the migrations describe one schema: Alembic's autogenerate, run against a database
upgraded to head, finds nothing to add or drop. Guards the split of the models into several modules
(issue 12, review): a model module that `bot.db.models` forgot to import would show as a table
to drop."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from bot.db.migrate import alembic_config
from bot.db.models import Base
from bot.db.session import create_engine


def _differences(connection: Connection, url: str) -> list[Any]:
    config = alembic_config(url)
    config.attributes["connection"] = connection
    command.upgrade(config, "head")
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return compare_metadata(context, Base.metadata)


async def test_every_model_table_is_made_by_the_migrations_and_nothing_else(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'schema.db'}"
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            differences = await connection.run_sync(_differences, url)
    finally:
        await engine.dispose()
    tables = {"broadcasts", "deliveries", "contact_messages", "users", "certificates"}
    assert tables <= set(Base.metadata.tables)
    assert differences == [], "\n".join(map(str, differences))


def _migrated_tables(connection: Connection, url: str) -> set[str]:
    config = alembic_config(url)
    config.attributes["connection"] = connection
    command.upgrade(config, "head")
    return set(inspect(connection).get_table_names()) - {"alembic_version"}


async def test_importing_bot_db_models_alone_gives_alembic_every_table(tmp_path: Path) -> None:
    """What bot/db/migrations/env.py sees: a fresh interpreter that imports only `bot.db.models`
    (in this test process the repositories have imported every model module already)."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'tables.db'}"
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            migrated = await connection.run_sync(_migrated_tables, url)
    finally:
        await engine.dispose()
    script = "import json; from bot.db.models import Base; print(json.dumps(sorted(Base.metadata.tables)))"
    listed = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True,
                            cwd=Path(__file__).resolve().parents[2])
    assert set(json.loads(listed.stdout)) == migrated
