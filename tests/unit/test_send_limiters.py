"""The send limiters: 30 a second overall in every one-second window, a chat's own pace, and a
429 pause that every sender sees — in one process (GCRA) and shared through Redis by several
(issue 11: the limiter behind an interface; the Redis one for replicas)."""
from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections.abc import AsyncIterator

import pytest

from bot.telegram.redis_limiter import RedisSendLimiter
from bot.telegram.throttle import LocalSendLimiter, SendLimiter

# Another database than the conversation-state test's, which empties its own (flushdb) and may
# run at the same time in another worker.
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "")
LIMITER_REDIS_URL = TEST_REDIS_URL.rsplit("/", 1)[0] + "/14" if TEST_REDIS_URL else ""
needs_redis = pytest.mark.skipif(not TEST_REDIS_URL, reason="TEST_REDIS_URL is not set (e.g. redis://127.0.0.1:6379/15)")


async def _send_times(limiters: list[SendLimiter], sends: int, *, chat_of=lambda i: i, paid: bool = False) -> list[float]:
    """Reserve `sends` turns, taking the limiters in turn; the moment each send may go."""
    moments = []
    for index in range(sends):
        asked = time.monotonic()
        moments.append(asked + await limiters[index % len(limiters)].turn(chat_of(index), paid=paid))
    return sorted(moments)


def _most_in_one_second(moments: list[float]) -> int:
    most, first = 0, 0
    for last, moment in enumerate(moments):
        while moment - moments[first] >= 1.0:
            first += 1
        most = max(most, last - first + 1)
    return most


@pytest.fixture
async def redis_limiters() -> AsyncIterator[list[SendLimiter]]:
    from redis.asyncio import Redis

    clients = [Redis.from_url(LIMITER_REDIS_URL) for _ in range(2)]  # two connections: two processes
    bot_id = f"test-{uuid.uuid4().hex}"
    yield [RedisSendLimiter(client, bot_id) for client in clients]
    for client in clients:
        await client.aclose()


async def test_the_local_limiter_keeps_every_one_second_window_at_30() -> None:
    moments = await _send_times([LocalSendLimiter()], 90)
    assert _most_in_one_second(moments) <= 30
    assert moments[-1] - moments[0] >= 89 / 30  # and no slower than it must be: 90 sends in ~3 s (2 % margin)
    assert moments[-1] - moments[0] <= 89 / 30 * 1.03


async def test_the_local_limiter_paces_one_chat_after_a_burst_of_three() -> None:
    moments = await _send_times([LocalSendLimiter()], 5, chat_of=lambda i: 42)
    assert moments[2] - moments[0] < 0.2  # the burst
    assert moments[3] - moments[0] >= 0.99 and moments[4] - moments[0] >= 1.99


async def test_a_pause_delays_every_chat_in_the_local_limiter() -> None:
    limiter = LocalSendLimiter()
    await limiter.pause(1.5)
    assert await limiter.turn(7) >= 1.45
    assert await limiter.turn(8) >= 1.45  # another chat waits as well


async def test_paid_sends_are_paced_at_1000_a_second_beside_the_free_30() -> None:
    moments = await _send_times([LocalSendLimiter()], 500, paid=True)
    assert moments[-1] - moments[0] < 0.6  # 500 at 1000/s, not 16 s at 30/s
    assert moments[-1] - moments[0] >= 0.49


@needs_redis
async def test_two_processes_sharing_redis_send_30_a_second_between_them(
        redis_limiters: list[SendLimiter]) -> None:
    moments = await _send_times(redis_limiters, 60)
    assert _most_in_one_second(moments) <= 30  # not 30 each
    assert moments[-1] - moments[0] >= 59 / 30 - 0.02


@needs_redis
async def test_a_429_seen_by_one_process_pauses_the_other(redis_limiters: list[SendLimiter]) -> None:
    first, second = redis_limiters
    # The turn is counted from when the pause was set, so time this test spent waiting for a
    # core (CI runs the cluster tests beside it) counts towards the pause, not against it.
    paused_at = time.monotonic()
    await first.pause(1.2)
    assert await second.turn(99) + (time.monotonic() - paused_at) >= 1.15
    paused_at = time.monotonic()
    await first.pause(0.1)  # a shorter pause never cuts the longer one
    assert await second.turn(100) + (time.monotonic() - paused_at) >= 1.0


@needs_redis
async def test_one_chat_is_paced_across_processes(redis_limiters: list[SendLimiter]) -> None:
    moments = await _send_times(redis_limiters, 4, chat_of=lambda i: 5)
    assert moments[3] - moments[0] >= 0.98
    await asyncio.sleep(0)
