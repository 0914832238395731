"""A SendLimiter shared by every process sending for one bot: GCRA in Redis, one Lua script.

Why a script and not the `limits` package: `limits` answers "may I now?" (test and hit), so a
sender would poll; GCRA answers "when may I?" in one round trip, which lets the caller sleep
exactly that long. The overall pace, the chat's pace and the 429 pause must be read and
reserved together (one atomic step), and the script takes the time from Redis itself (TIME), so
replicas on machines with different clocks still agree on the schedule.
"""
from __future__ import annotations

from typing import Any

from redis.asyncio import Redis

from bot.telegram.throttle import OVERALL_MARGIN, PAID_BROADCAST_RATE

# KEYS: overall pace, chat pace, pause. ARGV: overall interval, chat interval, chat tolerance (all ms).
# Returns the milliseconds to wait before the reserved send.
_TURN = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local start = math.max(now, tonumber(redis.call('GET', KEYS[3]) or '0'))
local overall_interval = tonumber(ARGV[1])
local overall = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), start)
redis.call('SET', KEYS[1], tostring(overall + overall_interval), 'PX', math.ceil(overall + overall_interval - now) + 1000)
local wait = overall - now
if KEYS[2] ~= '' then
  local chat_interval = tonumber(ARGV[2])
  local chat = math.max(tonumber(redis.call('GET', KEYS[2]) or '0'), start)
  redis.call('SET', KEYS[2], tostring(chat + chat_interval), 'PX', math.ceil(chat + chat_interval - now) + 1000)
  wait = math.max(wait, chat - tonumber(ARGV[3]) - now)
end
return tostring(math.max(wait, 0))
"""

# KEYS: pause. ARGV: seconds. The pause only ever grows: a shorter 429 never cuts a longer one.
_PAUSE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local until_ms = now + tonumber(ARGV[1]) * 1000
if until_ms > tonumber(redis.call('GET', KEYS[1]) or '0') then
  redis.call('SET', KEYS[1], tostring(until_ms), 'PX', math.ceil(tonumber(ARGV[1]) * 1000) + 1000)
end
return 1
"""


class RedisSendLimiter:
    def __init__(self, redis: Redis, bot_id: int | str, global_rate: float = 30, per_chat_rate: float = 1,
                 per_chat_burst: int = 3, paid_rate: float = PAID_BROADCAST_RATE) -> None:
        self._redis = redis
        self._prefix = f"talimger:send:{bot_id}"
        self._global_ms = 1000.0 * OVERALL_MARGIN / global_rate
        self._paid_ms = 1000.0 * OVERALL_MARGIN / paid_rate
        self._chat_ms = 1000.0 / per_chat_rate
        self._chat_tolerance_ms = self._chat_ms * max(per_chat_burst - 1, 0)
        self._turn = redis.register_script(_TURN)
        self._pause = redis.register_script(_PAUSE)

    async def turn(self, chat_id: Any, *, paid: bool = False) -> float:
        keys = [f"{self._prefix}:{'paid' if paid else 'all'}",
                f"{self._prefix}:chat:{chat_id}" if chat_id is not None else "", f"{self._prefix}:pause"]
        waited = await self._turn(keys=keys, args=[self._paid_ms if paid else self._global_ms, self._chat_ms,
                                                   self._chat_tolerance_ms])
        return float(waited) / 1000.0

    async def pause(self, seconds: float) -> None:
        await self._pause(keys=[f"{self._prefix}:pause"], args=[seconds])
