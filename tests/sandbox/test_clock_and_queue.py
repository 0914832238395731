"""Pure pieces: the clock, the update queue, the rate limiter."""

from __future__ import annotations

import time

import pytest

from sandbox.clock import SandboxClock
from sandbox.errors import ApiError
from sandbox.limits import RateLimiter
from sandbox.models import Settings
from sandbox.updates import UpdateQueue


def test_clock_follows_real_time_plus_advance() -> None:
    clock = SandboxClock()
    assert abs(clock.now() - time.time()) < 1
    assert clock.advance(3600) - time.time() == pytest.approx(3600, abs=1)
    with pytest.raises(ValueError):
        clock.advance(-1)
    frozen = SandboxClock(start=100.0, frozen=True)
    assert frozen.now() == 100.0 and frozen.advance(2.5) == 102.5


def test_queue_offsets_and_redelivery() -> None:
    queue = UpdateQueue()
    ids = [queue.add("message", {"n": n}, now=0).update_id for n in range(4)]
    assert [u.update_id for u in queue.take(2)] == ids[:2]
    queue.confirm(ids[2])
    assert [u.update_id for u in queue.pending] == ids[2:]
    queue.redeliver(ids[0])
    queue.confirm(ids[3])  # the re-queued one survives an offset past it once...
    assert [u.update_id for u in queue.take(10)] == [ids[0], ids[3]]
    queue.confirm(ids[3])  # ...and goes once it was delivered
    assert [u.update_id for u in queue.pending] == [ids[3]]
    later = queue.add("message", {}, now=0).update_id
    queue.confirm(-1)  # a negative offset keeps only the last update
    assert [u.update_id for u in queue.pending] == [later]


def test_queue_expiry_and_allowed_updates() -> None:
    queue = UpdateQueue()
    queue.add("message", {}, now=0)
    queue.add("callback_query", {}, now=10)
    queue.remember_allowed(["callback_query"])
    assert [u.kind for u in queue.take(10)] == ["callback_query"]
    queue.remember_allowed(None)  # omitted: the filter stays
    assert queue.allowed_updates == ["callback_query"]
    queue.expire(older_than=5)
    assert [u.kind for u in queue.pending] == ["callback_query"]


def test_rate_limiter_windows() -> None:
    settings = Settings(rate_limits_enabled=True)
    limiter = RateLimiter()
    limiter.check(1, 0.0, settings, is_group=False)
    limiter.record(1, 0.0, settings)
    with pytest.raises(ApiError) as caught:
        limiter.check(1, 0.4, settings, is_group=False)
    assert caught.value.code == 429 and caught.value.parameters == {"retry_after": 1}
    limiter.check(1, 1.0, settings, is_group=False)  # the window slid
    limiter.check(2, 0.4, settings, is_group=False)  # another chat is independent
