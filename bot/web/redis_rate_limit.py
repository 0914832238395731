"""The certificate pages' limit shared by every replica: a sliding minute per address in Redis.

One Lua script, like the send limiter (`bot.telegram.redis_limiter`), and for the same reasons:
dropping the old hits, counting and adding this one must be one atomic step (INCR+EXPIRE in a
pipeline could only give a fixed window, which lets twice the limit through across a minute's
edge, and a MULTI cannot decide on the count it reads), and the script takes the time from Redis
(TIME), so replicas whose clocks differ still agree on what "the last minute" is. The `limits`
package would do the counting, but it would be a second way of talking to Redis for one small
script. The hits of an address are a sorted set (at most `per_minute` members) that expires a
minute after its last hit, so an address that stops asking leaves nothing behind. Its key names the
bot (`talimger:page:{bot_id}:{address}`, as the send limiter's do): two deployments sharing one Redis
keep their own counts.

When Redis cannot be reached the page still answers: this is a page people open to check a
certificate (an employer, a registrar), and refusing every one of them because a counter is down
would punish them for our outage. The limit falls back to this replica's own count (guessing
codes stays limited, per replica), a warning is logged once per outage, and Redis is tried again
after `RETRY_SECONDS` rather than on every request, so a dead Redis costs no request a timeout.
"""
from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable

from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.web.rate_limit import WINDOW_SECONDS, LocalRateLimiter

log = logging.getLogger(__name__)
KEY_PREFIX = "talimger:page:"  # then the bot's id, ":" and the address
TIMEOUT_SECONDS = 0.5  # a page waits at most this long for the counter before counting locally
RETRY_SECONDS = 10.0

# KEYS: the address's hits. ARGV: limit, window (ms), a member unique to this request.
# Returns 1 when the request is counted, 0 when the address is over the limit.
_HIT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then
  return 0
end
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('PEXPIRE', KEYS[1], window)
return 1
"""


class RedisRateLimiter:
    def __init__(self, redis: Redis, per_minute: int, bot_id: int | str,
                 now: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self._redis = redis
        self._prefix = f"{KEY_PREFIX}{bot_id}:"
        self._hit = redis.register_script(_HIT)
        self._fallback = LocalRateLimiter(per_minute, now)
        self._now = now
        self._down_until: float | None = None  # while set, Redis failed and is not asked before then

    @classmethod
    def from_url(cls, url: str, per_minute: int, bot_id: int | str) -> RedisRateLimiter:
        redis = Redis.from_url(url, socket_connect_timeout=TIMEOUT_SECONDS, socket_timeout=TIMEOUT_SECONDS)
        return cls(redis, per_minute, bot_id)

    async def allow(self, address: str) -> bool:
        if self._down_until is not None and self._now() < self._down_until:
            return self._fallback.allow_now(address)
        try:
            counted = await self._hit(keys=[self._prefix + address],
                                      args=[self.per_minute, int(WINDOW_SECONDS * 1000), uuid.uuid4().hex])
        except (RedisError, OSError) as error:
            if self._down_until is None:
                log.warning("certificate pages: Redis unreachable (%s: %s); each replica limits by itself "
                            "until it answers", type(error).__name__, error)
            self._down_until = self._now() + RETRY_SECONDS
            return self._fallback.allow_now(address)
        if self._down_until is not None:
            log.warning("certificate pages: Redis answers again; the limit is shared by every replica")
            self._down_until = None
        return bool(int(counted))

    async def close(self) -> None:
        await self._redis.aclose()
