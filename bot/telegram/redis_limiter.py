"""A SendLimiter shared by every process sending for one bot: one Lua script in Redis.

Why a script and not the `limits` package: `limits` answers "may I now?" (test and hit), so a
sender would poll; the script answers "when may I?" in one round trip, which lets the caller
sleep exactly that long. The overall pace, the chat's pace and the 429 pause must be read and
reserved together (one atomic step), and the script takes the time from Redis itself (TIME), so
replicas on machines with different clocks still agree on the schedule.

Why the overall pace is a window of reserved times (a sorted set) and not one GCRA value (issue
12): a send into a chat that sent a moment ago must wait for the chat's pace, so it really goes
later than the next overall slot. With one GCRA value the chat's slot was counted from when the
send was asked for, not from when it went behind the overall queue, and two sends into one chat
went back to back ("too many requests into one chat"); counting the chat from the real time but
keeping the overall slot where it was let the delayed send land in a second already full (37 in
one second); moving the one overall value out to the delayed send would hold every other chat
behind it. So the script keeps every reserved send time (the sorted set, pruned of those that can
no longer conflict) and gives a send the earliest time, no earlier than its chat allows, at least
one interval from every reserved one: then no second holds more than 30, a chat's pace counts
from its real send times, and a send free to go takes a free slot before a delayed one. It is
bot.telegram.throttle.SendWindow, step for step; see there for `full_until` and the scan limit.

The cost: the set holds only the sends reserved from one interval ago on (the queue itself: 30
for every second of queue), every step on it is O(log n), and the script reads the reserved times
8 at a time, at most SCAN_LIMIT (most searches stop in the first 8). Measured on the local Redis
over 10,000 turns: about 26-29 µs of Redis time a call, against 12-13 µs for the one-GCRA-value
script it replaced; the round trip from Python (130-200 µs) is most of a turn either way. Every
key expires (PX) a second after the last time it holds, so an idle bot leaves nothing behind.
"""
from __future__ import annotations

import time
from typing import Any

from redis.asyncio import Redis

from bot.telegram.throttle import ORDER_GAP, OVERALL_MARGIN, PAID_BROADCAST_RATE, SCAN_LIMIT

# KEYS: the window (sorted set of reserved send times), its full-until mark, the chat's pace
# ("GCRA TAT, last send time"; '' for no chat), the pause. ARGV: overall interval, chat interval,
# chat tolerance (ms), scan limit, the chat's order gap (ms). Times are milliseconds of Redis's
# clock. Returns {now, reserved send time}.
_TURN = """
local function num(value) return string.format('%.17g', value) end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local interval = tonumber(ARGV[1])
local start = math.max(now, tonumber(redis.call('GET', KEYS[4]) or '0'))
local chat_tat = nil
local chat_earliest = -1
if KEYS[3] ~= '' then
  local tat, last = string.match(redis.call('GET', KEYS[3]) or '0 -1', '^(%S+) (%S+)$')
  chat_tat = tonumber(tat)
  chat_earliest = math.max(chat_tat - tonumber(ARGV[3]), tonumber(last) + tonumber(ARGV[5]))
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', num(now - interval))
local known_full = math.max(start, tonumber(redis.call('GET', KEYS[2]) or '0'))
local send = math.max(known_full, chat_earliest)
local limit = tonumber(ARGV[4])
local looked, free = 0, false
while not free and looked < limit do  -- a few reserved times at a time: most searches stop at the first
  local batch = math.min(8, limit - looked)
  local taken = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. num(send - interval), '+inf', 'WITHSCORES', 'LIMIT', 0, batch)
  for i = 2, #taken, 2 do
    local at = tonumber(taken[i])
    if at >= send + interval then
      free = true
      break
    end
    send = math.max(send, at + interval)
  end
  looked = looked + #taken / 2
  if #taken / 2 < batch then free = true end
end
local full_until = send
if free then
  full_until = send + interval
else
  local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
  send = math.max(send, tonumber(last[2]) + interval)
end
if chat_earliest <= known_full then
  redis.call('SET', KEYS[2], num(full_until), 'PX', math.ceil(full_until - now) + 1000)
end
redis.call('ZADD', KEYS[1], num(send), num(send))
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
redis.call('PEXPIRE', KEYS[1], math.ceil(tonumber(last[2]) - now) + 1000)
if chat_tat then
  local tat = math.max(chat_tat, send) + tonumber(ARGV[2])
  redis.call('SET', KEYS[3], num(tat) .. ' ' .. num(send), 'PX', math.ceil(tat - now) + 1000)
end
return {num(now), num(send)}
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
                 per_chat_burst: int = 3, paid_rate: float = PAID_BROADCAST_RATE,
                 scan_limit: int = SCAN_LIMIT) -> None:
        self._redis = redis
        self._scan_limit = scan_limit
        self._prefix = f"talimger:send:{bot_id}"
        self._global_ms = 1000.0 * OVERALL_MARGIN / global_rate
        self._paid_ms = 1000.0 * OVERALL_MARGIN / paid_rate
        self._chat_ms = 1000.0 / per_chat_rate
        self._chat_tolerance_ms = self._chat_ms * max(per_chat_burst - 1, 0)
        self._turn = redis.register_script(_TURN)
        self._pause = redis.register_script(_PAUSE)

    async def schedule(self, chat_id: Any, *, paid: bool = False) -> tuple[float, float]:
        """Reserve the next send into `chat_id`: (now, the reserved send time) in seconds of Redis's clock."""
        # Not the old GCRA keys' names (…:all, …:paid, …:chat:ID held one number): a replica of the
        # previous release still running beside this one must not read the new values (WRONGTYPE).
        window = f"{self._prefix}:window:{'paid' if paid else 'all'}"
        keys = [window, f"{window}:full", f"{self._prefix}:pace:{chat_id}" if chat_id is not None else "",
                f"{self._prefix}:pause"]
        now, send = await self._turn(keys=keys, args=[self._paid_ms if paid else self._global_ms, self._chat_ms,
                                                      self._chat_tolerance_ms, self._scan_limit,
                                                      ORDER_GAP * 1000.0])
        return float(now) / 1000.0, float(send) / 1000.0

    async def turn(self, chat_id: Any, *, paid: bool = False) -> float:
        # Counted from when the script was asked for, not from when its answer was read: a busy
        # event loop may read it late, and the send must then know it is late (wait_until_turn).
        asked = time.monotonic()
        now, send = await self.schedule(chat_id, paid=paid)
        return asked + (send - now) - time.monotonic()

    async def pause(self, seconds: float) -> None:
        await self._pause(keys=[f"{self._prefix}:pause"], args=[seconds])
