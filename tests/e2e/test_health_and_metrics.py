"""/healthz and /metrics on the bot's web app, read over HTTP as a load balancer and Prometheus
read them (issue 12 item 4)."""
from __future__ import annotations

import os
from typing import Any

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.app import Talimger
from sandbox.client import SandboxClient
from tests.e2e.conftest import AppFactory
from tests.e2e.driver import CourseKey, LearnerDriver
from tests.ports import closed_port

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "")


async def get(app: Talimger, path: str) -> tuple[int, str, str]:
    assert app.web is not None
    async with aiohttp.ClientSession() as http, http.get(f"{app.web.url}{path}") as reply:
        return reply.status, reply.headers.get("Content-Type", ""), await reply.text()


async def healthz(app: Talimger) -> tuple[int, dict[str, Any]]:
    assert app.web is not None
    async with aiohttp.ClientSession() as http, http.get(f"{app.web.url}/healthz") as reply:
        return reply.status, await reply.json()


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    return {(sample.name, frozenset(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(text) for sample in family.samples}


async def test_healthz_is_200_when_the_database_answers(bot_app: Talimger) -> None:
    """issue 12 item 4: without REDIS_URL only the database is checked."""
    assert await healthz(bot_app) == (200, {"ok": True, "checks": {"database": "ok"}})


async def test_healthz_is_503_when_redis_is_unreachable(start_bot: AppFactory) -> None:
    """issue 12 item 4: with REDIS_URL set and nobody listening there, the replica is unhealthy
    and the answer says which check failed."""
    app = await start_bot(redis_url=f"redis://127.0.0.1:{closed_port()}/0")
    status, body = await healthz(app)
    assert status == 503 and body["ok"] is False
    assert body["checks"]["database"] == "ok" and body["checks"]["redis"].startswith("unreachable")


@pytest.mark.skipif(not TEST_REDIS_URL, reason="TEST_REDIS_URL is not set (a Redis server for the test)")
async def test_healthz_is_200_when_redis_answers(start_bot: AppFactory) -> None:
    """issue 12 item 4: a real Redis (Debian's redis-server in CI) counts as reachable."""
    app = await start_bot(redis_url=TEST_REDIS_URL)
    assert await healthz(app) == (200, {"ok": True, "checks": {"database": "ok", "redis": "ok"}})


async def test_metrics_count_updates_their_time_bot_api_calls_and_429s(
        bot_app: Talimger, client: SandboxClient, course_key: CourseKey) -> None:
    """issue 12 item 4: after a learner's /start and presses, /metrics (Prometheus text) shows the
    updates handled with their handling-time histogram, the Bot API calls by method and status, and
    a 429 the sandbox answered."""
    user = await client.new_user("Timur", language_code="en")
    learner = LearnerDriver(user, course_key, "en")
    await client.inject_fault("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    chunk = await learner.start()
    await user.press(chunk, learner.words["next"])
    await user.wait_for(lambda m: m.message_id > chunk.message_id)

    status, content_type, text = await get(bot_app, "/metrics")
    assert status == 200 and content_type.startswith("text/plain")
    found = samples(text)
    messages = found[("talimger_updates_handled_total", frozenset({("type", "message"), ("outcome", "handled")}))]
    presses = found[("talimger_updates_handled_total",
                     frozenset({("type", "callback_query"), ("outcome", "handled")}))]
    assert messages >= 1 and presses >= 2  # /start; the language and "Next" presses
    assert found[("talimger_update_handling_seconds_count", frozenset({("type", "callback_query")}))] == presses
    assert found[("talimger_update_handling_seconds_bucket",
                  frozenset({("type", "callback_query"), ("le", "+Inf")}))] == presses
    assert found[("talimger_bot_api_calls_total", frozenset({("method", "sendMessage"), ("status", "429")}))] == 1
    assert found[("talimger_bot_api_calls_total", frozenset({("method", "sendMessage"), ("status", "200")}))] >= 1
    assert found[("talimger_bot_api_calls_total",
                  frozenset({("method", "answerCallbackQuery"), ("status", "200")}))] >= 2
    assert found[("talimger_bot_api_retry_after_total", frozenset({("method", "sendMessage")}))] == 1
