"""/healthz on PostgreSQL: the database going away turns the replica unhealthy (issue 12 item 4)."""
from __future__ import annotations

import aiohttp

from tests.e2e.conftest import AppFactory
from tests.postgres.database_outage import database_down


async def test_healthz_is_503_when_the_database_is_unreachable(start_bot: AppFactory, pg_url: str) -> None:
    """issue 12 item 4: 200 while PostgreSQL answers; its sessions cut and new ones refused, 503 naming the database."""
    app = await start_bot()
    assert app.web is not None
    url = f"{app.web.url}/healthz"
    async with aiohttp.ClientSession() as http:
        async with http.get(url) as reply:
            assert reply.status == 200 and (await reply.json())["checks"]["database"] == "ok"
        async with database_down(pg_url):
            async with http.get(url) as reply:
                body = await reply.json()
                assert reply.status == 503 and body["ok"] is False and body["checks"]["database"] != "ok"
