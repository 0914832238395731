"""Requests per client address in a sliding minute; the page of a code is cheap to ask for
but must not be a free oracle for guessing codes. In one process `LocalRateLimiter` counts;
with REDIS_URL every replica counts in Redis (`bot.web.redis_rate_limit`), one limit per address."""
from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from typing import Protocol

WINDOW_SECONDS = 60.0
MAX_TRACKED = 50_000  # addresses remembered at once; beyond that the oldest are forgotten


class PageLimiter(Protocol):
    async def allow(self, address: str) -> bool:
        """Count one request from `address`; False when it is over the limit."""

    async def close(self) -> None:
        """Release what the limiter holds (a Redis connection)."""


class LocalRateLimiter:
    """The limit of this process alone."""

    def __init__(self, per_minute: int, now: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self._now = now
        self._hits: dict[str, deque[float]] = {}

    async def allow(self, address: str) -> bool:
        return self.allow_now(address)

    def allow_now(self, address: str) -> bool:
        """`allow` without awaiting: the Redis limiter's fallback calls it too."""
        now = self._now()
        hits = self._hits.get(address)
        if hits is None:
            if len(self._hits) >= MAX_TRACKED:
                self._forget_idle(now)
            hits = self._hits[address] = deque()
        while hits and hits[0] <= now - WINDOW_SECONDS:
            hits.popleft()
        if len(hits) >= self.per_minute:
            return False
        hits.append(now)
        return True

    async def close(self) -> None:
        return None

    def _forget_idle(self, now: float) -> None:
        idle = [address for address, hits in self._hits.items() if not hits or hits[-1] <= now - WINDOW_SECONDS]
        for address in idle or list(self._hits)[: MAX_TRACKED // 2]:
            del self._hits[address]


def build_page_limiter(redis_url: str | None, per_minute: int, bot_id: int | str | None = None) -> PageLimiter:
    """Shared by every replica of the bot `bot_id` with REDIS_URL, else this process's own."""
    if not redis_url:
        return LocalRateLimiter(per_minute)
    if bot_id is None:
        raise ValueError("a page limit shared through Redis needs the bot's id (one count per deployment)")
    from bot.web.redis_rate_limit import RedisRateLimiter

    return RedisRateLimiter.from_url(redis_url, per_minute, bot_id)
