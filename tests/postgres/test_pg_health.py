"""/healthz on PostgreSQL: the database going away turns the replica unhealthy (issue 12 item 4)."""
from __future__ import annotations

import aiohttp
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from tests.e2e.conftest import AppFactory


async def test_healthz_is_503_when_the_database_is_unreachable(start_bot: AppFactory, pg_url: str) -> None:
    """issue 12 item 4: 200 while PostgreSQL answers; its sessions cut and new ones refused, 503 naming the database."""
    app = await start_bot()
    assert app.web is not None
    url = f"{app.web.url}/healthz"
    async with aiohttp.ClientSession() as http:
        async with http.get(url) as reply:
            assert reply.status == 200 and (await reply.json())["checks"]["database"] == "ok"
        name = make_url(pg_url).database
        admin = create_async_engine(make_url(pg_url).set(database="postgres"), isolation_level="AUTOCOMMIT")
        try:
            async with admin.connect() as connection:
                await connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
                await connection.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                              "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": name})
            async with http.get(url) as reply:
                body = await reply.json()
                assert reply.status == 503 and body["ok"] is False and body["checks"]["database"] != "ok"
        finally:
            async with admin.connect() as connection:
                await connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
            await admin.dispose()
