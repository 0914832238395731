"""A read-only PostgreSQL database stops start-up with one line naming DATABASE_URL."""
from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bot.app import Talimger
from bot.config import ConfigError
from tests.e2e.conftest import make_settings


async def _make_read_only(url: str) -> None:
    admin = create_async_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f'ALTER DATABASE "{make_url(url).database}" '
                                          f"SET default_transaction_read_only = on"))
    finally:
        await admin.dispose()


@pytest.mark.parametrize("migrated_first", [False, True])
async def test_a_read_only_database_is_refused_at_start_up(pg_url: str, migrated_first: bool) -> None:
    """issue 9 item 9: before, a migrated read-only database started fine and failed at the first answer."""
    if migrated_first:
        app = Talimger(make_settings(pg_url), token="0:offline")
        await app.prepare()
        await app.stop()
    await _make_read_only(pg_url)
    app = Talimger(make_settings(pg_url), token="0:offline")
    try:
        with pytest.raises(ConfigError) as error:
            await app.prepare()
    finally:
        await app.stop()
    assert str(error.value).startswith("Bad setting DATABASE_URL: the database postgresql+asyncpg://")
    assert "is read-only" in str(error.value) and "\n" not in str(error.value)
