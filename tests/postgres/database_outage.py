"""PostgreSQL going away, as a restart or an outage does it to the bot: for the tests of this folder."""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine


async def cut_every_connection(pg_url: str) -> int:
    """What a PostgreSQL restart does to the bot's pooled connections: the server ends them."""
    name = make_url(pg_url).database
    admin = create_async_engine(make_url(pg_url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            ended = await connection.scalar(text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = :name"), {"name": name})
    finally:
        await admin.dispose()
    await asyncio.sleep(0.1)  # the bot's side of each connection reads its end
    return int(ended or 0)


@asynccontextmanager
async def database_down(pg_url: str) -> AsyncIterator[None]:
    """PostgreSQL refuses the bot's database: its sessions ended, new ones refused, until the block ends."""
    name = make_url(pg_url).database
    admin = create_async_engine(make_url(pg_url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
        await cut_every_connection(pg_url)
        yield
    finally:
        async with admin.connect() as connection:
            await connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
        await admin.dispose()
