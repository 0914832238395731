"""/healthz: can this replica reach what it needs? The database always, Redis when REDIS_URL is set.

A load balancer takes a replica out of rotation on 503; the JSON says which check failed.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field

from aiohttp import web
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.session import create_session_factory

log = logging.getLogger(__name__)
Check = Callable[[], Awaitable[None]]
CHECK_TIMEOUT = 3.0  # seconds; a probe that hangs is a failed probe


def database_check(engine: AsyncEngine) -> Check:
    # Through a session like every unit of work: a pooled connection closed since its last use
    # says nothing of the database now, and the session runs the probe again on a new one
    # (bot/db/reconnecting_session.py); a refused new one fails the probe.
    sessions = create_session_factory(engine)

    async def check() -> None:
        async with sessions() as session:
            await session.execute(text("SELECT 1"))
    return check


@dataclass
class RedisCheck:
    """PING on a client of its own (made at the first probe, closed with the web app)."""

    url: str
    _client: object | None = field(default=None, init=False)

    async def __call__(self) -> None:
        if self._client is None:
            from redis.asyncio import Redis

            self._client = Redis.from_url(self.url, socket_connect_timeout=CHECK_TIMEOUT,
                                          socket_timeout=CHECK_TIMEOUT)
        await self._client.ping()  # type: ignore[attr-defined]

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()  # type: ignore[attr-defined]
            self._client = None


HEALTH_CHECKS = web.AppKey("health_checks", Mapping)


async def healthz(request: web.Request) -> web.Response:
    checks: Mapping[str, Check] = request.app[HEALTH_CHECKS]
    results = await asyncio.gather(*(_probe(name, check) for name, check in checks.items()))
    report = dict(zip(checks, results))
    healthy = all(result == "ok" for result in results)
    return web.json_response({"ok": healthy, "checks": report}, status=200 if healthy else 503,
                             headers={"Cache-Control": "no-store"})


async def _probe(name: str, check: Check) -> str:
    try:
        await asyncio.wait_for(check(), CHECK_TIMEOUT)
    except asyncio.TimeoutError:
        log.warning("health: %s did not answer within %.0f s", name, CHECK_TIMEOUT)
        return "timeout"
    except Exception as error:  # any failure of the probe is the answer, not a crash of the page
        log.warning("health: %s unreachable: %s", name, error)
        return f"unreachable: {type(error).__name__}"
    return "ok"
