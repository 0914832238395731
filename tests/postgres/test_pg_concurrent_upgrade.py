"""Three processes migrating one PostgreSQL database at once take turns (issue 12 item 2)."""
from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from sqlalchemy import text

from bot.db.migrate import MIGRATIONS_DIR
from bot.db.session import create_engine

ROOT = Path(__file__).resolve().parents[2]


def newest_revision() -> str:
    from alembic.script import ScriptDirectory

    from bot.db.migrate import alembic_config

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head() or ""


async def db_upgrade(database_url: str, folder: Path) -> tuple[int, str, str]:
    env = {**{key: value for key, value in os.environ.items() if key not in {"BOT_TOKEN", "WEBHOOK_URL"}},
           "DATABASE_URL": database_url, "DATA_DIR": str(folder / "data"), "LOG_LEVEL": "WARNING"}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "db", "upgrade", cwd=folder, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(), timeout=120)
    return process.returncode or 0, out.decode(), err.decode()


async def test_three_db_upgrades_started_together_all_succeed_once(pg_url: str, tmp_path: Path) -> None:
    """issue 12 item 2: `talimger db upgrade` in three processes at the same moment on an empty
    database: every one exits 0 (the advisory lock makes them take turns), the schema is at head once."""
    assert MIGRATIONS_DIR.is_dir()
    results = await asyncio.gather(*(db_upgrade(pg_url, tmp_path) for _ in range(3)))
    head = newest_revision()
    for code, out, err in results:
        assert code == 0, err
        assert out == f"The database is at revision {head}.\n"
    engine = create_engine(pg_url)
    try:
        async with engine.connect() as connection:
            versions = (await connection.execute(text("SELECT version_num FROM alembic_version"))).scalars().all()
            users = await connection.scalar(text("SELECT count(*) FROM users"))
    finally:
        await engine.dispose()
    assert versions == [head] and users == 0
