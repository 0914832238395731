"""The certificate pages' limit with several replicas: shared through Redis (REDIS_URL), or per
process without it (issue 12). Two web servers over real HTTP, a real Redis in its own database."""
from __future__ import annotations

import logging
import os
import random
from collections.abc import AsyncIterator

import aiohttp
import pytest
from redis.asyncio import Redis

from bot.web.redis_rate_limit import KEY_PREFIX
from tests.ports import closed_port
from tests.web.conftest import WebFactory

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "")
# A database no other test file uses (the FSM tests use TEST_REDIS_URL's own, the send limiter 14).
PAGE_LIMIT_REDIS_URL = TEST_REDIS_URL.rsplit("/", 1)[0] + "/13" if TEST_REDIS_URL else ""
needs_redis = pytest.mark.skipif(not TEST_REDIS_URL,
                                 reason="TEST_REDIS_URL is not set (e.g. redis://127.0.0.1:6379/15)")
UNKNOWN = "/c/NOPE-NOPE"  # any certificate page counts against the limit; an unknown code is cheapest


async def _page(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        return response.status, await response.text()


async def _page_keys(bot_ids: list[str]) -> list[str]:
    redis = Redis.from_url(PAGE_LIMIT_REDIS_URL)
    try:
        return sorted([key.decode() for bot_id in bot_ids
                       async for key in redis.scan_iter(match=f"{KEY_PREFIX}{bot_id}:*")])
    finally:
        await redis.aclose()


async def _forget_page_hits(bot_ids: list[str]) -> None:
    keys = await _page_keys(bot_ids)
    if keys:
        redis = Redis.from_url(PAGE_LIMIT_REDIS_URL)
        try:
            await redis.delete(*keys)
        finally:
            await redis.aclose()


@pytest.fixture
async def bot_ids() -> AsyncIterator[list[str]]:
    """Two bot ids of this test's own: tests running side by side (pytest-xdist) on one Redis
    database must not count, nor clean, each other's page hits."""
    ids = [str(random.randrange(10**9, 10**10)) for _ in range(2)]
    yield ids
    await _forget_page_hits(ids)


@needs_redis
async def test_requests_spread_over_two_replicas_are_limited_as_one(start_web: WebFactory,
                                                                   bot_ids: list[str]) -> None:
    """issue 12: with REDIS_URL a visitor alternating between two replicas gets three pages in all,
    not three from each, and then the "too many requests" page in the language asked for."""
    replicas = [await start_web(per_minute=3, redis_url=PAGE_LIMIT_REDIS_URL, bot_id=bot_ids[0]) for _ in range(2)]
    statuses = [(await _page(replicas[n % 2] + UNKNOWN))[0] for n in range(3)]
    assert statuses == [404, 404, 404]
    status, kazakh = await _page(replicas[1] + UNKNOWN + "?lang=kk")
    assert status == 429
    assert "Сұраныстар тым көп" in kazakh, kazakh
    status, russian = await _page(replicas[0] + UNKNOWN + "?lang=ru")
    assert status == 429 and "Слишком много запросов" in russian, russian
    assert (await _page(replicas[1] + "/health"))[0] == 200  # only the certificate pages count


@needs_redis
async def test_two_deployments_on_one_redis_count_their_visitors_separately(start_web: WebFactory,
                                                                           bot_ids: list[str]) -> None:
    """issue 12: two bots (two tokens) sharing one Redis: a visitor who used up one bot's certificate
    pages still gets the other bot's; before, both counted under one key per address."""
    first = await start_web(per_minute=2, redis_url=PAGE_LIMIT_REDIS_URL, bot_id=bot_ids[0])
    second = await start_web(per_minute=2, redis_url=PAGE_LIMIT_REDIS_URL, bot_id=bot_ids[1])
    assert [(await _page(first + UNKNOWN))[0] for _ in range(3)] == [404, 404, 429]
    assert [(await _page(second + UNKNOWN))[0] for _ in range(3)] == [404, 404, 429]
    assert await _page_keys(bot_ids) == sorted(f"{KEY_PREFIX}{bot_id}:127.0.0.1" for bot_id in bot_ids)


async def test_without_redis_each_process_limits_by_itself(start_web: WebFactory) -> None:
    """issue 12: without REDIS_URL the limit stays this process's own, as before."""
    replicas = [await start_web(per_minute=2) for _ in range(2)]
    statuses = [(await _page(replicas[n % 2] + UNKNOWN))[0] for n in range(4)]
    assert statuses == [404, 404, 404, 404]
    status, page = await _page(replicas[0] + UNKNOWN + "?lang=en")
    assert status == 429 and "Too many requests" in page


async def test_with_redis_unreachable_the_page_still_answers_and_limits_locally(
        start_web: WebFactory, caplog: pytest.LogCaptureFixture) -> None:
    """issue 12: a dead Redis never costs a visitor their certificate check (fail open, with a
    warning logged once); the replica keeps its own count meanwhile, so guessing stays limited."""
    base = await start_web(per_minute=2, redis_url=f"redis://127.0.0.1:{closed_port()}/0")
    with caplog.at_level(logging.WARNING, logger="bot.web.redis_rate_limit"):
        statuses = [(await _page(base + UNKNOWN))[0] for _ in range(3)]
    assert statuses == [404, 404, 429]
    warnings = [record for record in caplog.records if "Redis unreachable" in record.getMessage()]
    assert len(warnings) == 1
