"""Typed answers are awaited through aiogram's FSM: in the database by default (a restart keeps
them), in Redis with REDIS_URL (issue 10, ground item 1)."""
from __future__ import annotations

import os

import pytest

from sandbox import Sandbox
from sandbox.client import SandboxClient
from tests.e2e.conftest import AppFactory
from tests.e2e.driver import CourseKey, LearnerDriver

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "")


async def _profile_name_across_a_restart(start_bot: AppFactory, client: SandboxClient, course_key: CourseKey,
                                         **settings: object) -> None:
    first_run = await start_bot(**settings)
    learner = LearnerDriver(await client.new_user("Asel", language_code="en"), course_key, "en")
    await learner.start()
    user = learner.user
    await user.send("/profile")
    card = await user.wait_for(lambda m: "Your profile" in m.text)
    await user.press(card, "✏️ Change name")
    await user.wait_for(lambda m: "full name" in m.text)
    await first_run.stop()

    await start_bot(**settings)  # the bot restarts while the learner is typing
    await user.send("Asel Kairatovna")
    await user.wait_for(lambda m: m.text == "Saved.")
    card = await user.wait_for(lambda m: "Your profile" in m.text and "Asel Kairatovna" in m.text)
    await user.send("Not a name either")  # the conversation is over: plain text is not taken as a name
    await user.wait_for(lambda m: "I did not understand that" in m.text)


async def test_the_profile_conversation_survives_a_restart_mid_input(
        start_bot: AppFactory, client: SandboxClient, course_key: CourseKey) -> None:
    """issue 10 (ground) item 1: the state lives in fsm_states (SQLite file), not in process memory."""
    await _profile_name_across_a_restart(start_bot, client, course_key)


@pytest.mark.skipif(not TEST_REDIS_URL, reason="TEST_REDIS_URL is not set (e.g. redis://127.0.0.1:6379/15)")
async def test_the_profile_conversation_runs_on_redis_storage(
        start_bot: AppFactory, client: SandboxClient, course_key: CourseKey, sandbox: Sandbox) -> None:
    """issue 10 (ground) item 1: with REDIS_URL the state is in Redis and survives a restart too.
    The sandbox's bot id is the test's own, so its keys are too (other tests run beside it)."""
    from redis.asyncio import Redis

    redis = Redis.from_url(TEST_REDIS_URL)
    bot_id = sandbox.token.split(":", 1)[0]
    try:
        await _profile_name_across_a_restart(start_bot, client, course_key, redis_url=TEST_REDIS_URL)
        keys = [key async for key in redis.scan_iter(match=f"fsm:{bot_id}:*")]
        if keys:
            await redis.delete(*keys)
    finally:
        await redis.aclose()
