"""A process pays in memory only for the libraries it uses: the PDF libraries (about 31 MB) load
with the first certificate, openpyxl (18 MB) with the first export, matplotlib (45 MB with a chart
drawn) with the first chart, Alembic (11 MB) only when the schema is behind, redis-py (7 MB) only
with REDIS_URL (figures: docs/PERFORMANCE.md, 2026-12-01)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def _loaded(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()


def test_starting_the_bot_does_not_import_the_pdf_libraries() -> None:
    """issue 12 (peak RSS at 100,000 learners): fpdf and qrcode load with the first certificate."""
    code = "import sys, bot.app, bot.cli; print(sorted(m for m in ('fpdf', 'qrcode') if m in sys.modules))"
    assert _loaded(code) == "[]"


def test_starting_the_bot_does_not_import_the_spreadsheet_and_chart_libraries() -> None:
    """issue 12 (peak RSS < 200 MB): openpyxl loads with the first export, matplotlib with the first chart."""
    code = ("import sys, bot.app, bot.cli; "
            "print(sorted(m for m in ('openpyxl', 'matplotlib', 'alembic') if m in sys.modules))")
    assert _loaded(code) == "[]"


def test_a_schema_at_head_is_not_migrated_with_alembic_loaded(tmp_path: Path) -> None:
    """issue 12 (peak RSS < 200 MB): a start on an up-to-date database never imports Alembic,
    and a start on an empty one still creates the schema."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    upgrade = ("import asyncio, sys\n"
               "from sqlalchemy.ext.asyncio import create_async_engine\n"
               "from bot.db.migrate import head_revisions, upgrade_to_head\n"
               "async def main():\n"
               f"    engine = create_async_engine({url!r})\n"
               "    await upgrade_to_head(engine)\n"
               "    async with engine.connect() as c:\n"
               "        stored = (await c.exec_driver_sql('SELECT version_num FROM alembic_version')).scalar_one()\n"
               "    await engine.dispose()\n"
               "    print(stored in head_revisions(), 'alembic' in sys.modules)\n"
               "asyncio.run(main())\n")
    assert _loaded(upgrade) == "True True"  # an empty database: Alembic creates the schema
    assert _loaded(upgrade) == "True False"  # at head: one SELECT, no Alembic


def test_starting_the_bot_without_redis_does_not_import_redis_nor_fonttools() -> None:
    """issue 12 (peak RSS < 200 MB): redis-py loads only when REDIS_URL is set (the webhook
    handler imported it at start to recognise a lost Redis connection), fontTools with the first
    certificate name checked (the name rules imported it)."""
    code = "import sys, bot.app, bot.cli; print(sorted(m for m in ('redis', 'fontTools') if m in sys.modules))"
    assert _loaded(code) == "[]"
