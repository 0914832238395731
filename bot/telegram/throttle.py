"""Every request to the Bot API passes here: sends are paced, and a 429 pauses every send.

Telegram allows about 30 messages a second overall (1000 with `allow_paid_broadcast`, paid in
Stars) and one a second into one chat. Pacing is a `SendLimiter`: in one process the window of
reserved send times and the per-chat GCRA below; when several processes send for one bot they
must share one (redis_limiter, the same procedure in one Lua script, behind the same interface). A 429 means Telegram throttles the whole bot, not the one
request: the limiter is paused for `retry_after`, so every send waits, not only the one refused.
"""
from __future__ import annotations

import asyncio
import bisect
import contextvars
import logging
import math
import time
from collections.abc import Callable
from typing import Any, Protocol

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import TelegramMethod
from aiogram.methods.base import Response, TelegramType

log = logging.getLogger(__name__)
MAX_RETRIES_AFTER_429 = 5
PAID_BROADCAST_RATE = 1000  # messages a second with allow_paid_broadcast (Bot API, TELEGRAM.md)
# Telegram counts sends as they arrive, in any one-second window; a send that leaves late (a
# busy event loop, a commit, a Redis round trip) lands in a window already holding the sends
# reserved after it. Pacing 4 % under the limit (28.8 of 30 a second) leaves every window 40 ms
# of slack; a send woken more than LATE_SLACK after its turn takes a new one instead of going
# late (`wait_until_turn`). Found by the 2,000-learner broadcast on a loaded machine (31 in a second
# at 2 % and no re-take). A 429 costs every send a second or more, so the margin pays for itself.
OVERALL_MARGIN = 1.04
LATE_SLACK = 0.015
RETAKES_WHEN_LATE = 2  # then it goes anyway: a loop late every time would otherwise never send
SCAN_LIMIT = 64  # reserved send times one reservation reads at most (SendWindow)
ORDER_GAP = 0.001  # seconds between two reserved sends into one chat at least: they go in the order asked

# Set by a sender that already took its turn (the outbox paces before marking a row "sending",
# so the mark is committed just before the request, not before a wait): the middleware then
# neither waits again nor retries a 429 itself — the sender records it and retries the row.
ALREADY_PACED: contextvars.ContextVar[bool] = contextvars.ContextVar("already_paced", default=False)


class SendLimiter(Protocol):
    async def schedule(self, chat_id: Any, *, paid: bool = False) -> tuple[float, float]:
        """Reserve the next send into `chat_id`: (now, the reserved send time) on the limiter's
        own clock (seconds; its origin is the limiter's own)."""

    async def turn(self, chat_id: Any, *, paid: bool = False) -> float:
        """Reserve the next send into `chat_id`; return the seconds to wait before making it (below zero
        when its time passed before the answer was read: the send is late and takes a new turn)."""

    async def pause(self, seconds: float) -> None:
        """Telegram said 429: no send before `seconds` from now, in any chat, by anyone."""


class Pace:
    """GCRA for one rate per key: `rate` sends a second, up to `burst` at once. It does not choose
    the send time itself: the caller asks when a key may send next, picks the real time (which
    the overall window may put later) and records that one. A key's sends also keep the order
    they were asked in (`ORDER_GAP` apart at least): within a burst, or with a paid send beside
    a free one, the window could otherwise find a slot before the key's previous send."""

    def __init__(self, rate: float, burst: int) -> None:
        self.interval = 1.0 / rate
        self.tolerance = self.interval * max(burst - 1, 0)
        self._state: dict[Any, tuple[float, float]] = {}  # key → (GCRA TAT, its last send time)

    def earliest(self, key: Any) -> float:
        """The earliest time `key` may send (minus infinity for a key not seen lately)."""
        state = self._state.get(key)
        if state is None:
            return -math.inf
        tat, last = state
        return max(tat - self.tolerance, last + ORDER_GAP)

    def take(self, key: Any, at: float, now: float) -> None:
        """Record a send by `key` at `at` (no earlier than `earliest(key)`)."""
        state = self._state.get(key)
        self._state[key] = (max(state[0], at) if state else at) + self.interval, at
        if len(self._state) > 10_000:
            self._forget_idle(now)

    def _forget_idle(self, now: float) -> None:
        for key in [key for key, (tat, _) in self._state.items() if tat <= now]:
            del self._state[key]


class SendWindow:
    """The reserved send times of one overall pace, and the earliest free slot among them.

    Why not one GCRA value for the overall pace: a send held back by its chat goes later than
    its overall slot, so the overall slot must be taken at its real time; one "next free" value
    would then either leave the slots before it unused (every later send queued behind a chat's
    wait: head-of-line blocking) or let a send into a slot another one already holds (37 sends in
    one second with 3 replicas). So the reserved times are kept, sorted, and a send takes the
    earliest time no closer than `interval` to any of them: at most 1/interval in any second.

    `full_until` remembers where the slots are known taken from the start on (slots are only
    ever added), so a search does not walk the whole queue again; a search looks at no more than
    `scan_limit` reserved times, and if it finds no gap among them the send goes after the last
    one. redis_limiter's Lua script is this same procedure."""

    def __init__(self, rate: float, scan_limit: int = SCAN_LIMIT) -> None:
        self.interval = 1.0 / rate
        self.scan_limit = scan_limit
        self._times: list[float] = []
        self._full_until = -math.inf

    def reserve(self, now: float, start: float, chat_earliest: float) -> float:
        """Reserve and return the earliest send time ≥ max(start, chat_earliest) that keeps
        `interval` from every reserved one. `start` (now, or the end of a 429 pause) never goes
        back between calls; `chat_earliest` is what the chat's own pace allows."""
        times, interval = self._times, self.interval
        del times[:bisect.bisect_right(times, now - interval)]  # nothing can conflict with them any more
        known_full = max(start, self._full_until)
        send = max(known_full, chat_earliest)
        index = bisect.bisect_right(times, send - interval)
        scanned = times[index:index + self.scan_limit]
        free = len(scanned) < self.scan_limit
        for taken in scanned:
            if taken >= send + interval:
                free = True
                break
            send = max(send, taken + interval)
        full_until = send + interval if free else send
        if not free:  # the queue is dense further than one search looks: after the last reservation
            send = max(send, times[-1] + interval)
        if chat_earliest <= known_full:  # searched from where the slots are known taken: it goes on to here
            self._full_until = full_until
        bisect.insort(times, send)
        return send


class LocalSendLimiter:
    """One process's limiter: a window of reserved times for the overall pace and GCRA per chat,
    on the monotonic clock (or `clock`, for tests).

    The overall pace allows no burst: "30 a second" is then true of every one-second window,
    which is how Telegram (and the sandbox) count. Into one chat a short burst is allowed, counted
    from when each send really goes (behind the overall queue), not from when it was asked for."""

    def __init__(self, global_rate: float = 30, per_chat_rate: float = 1, per_chat_burst: int = 3,
                 paid_rate: float = PAID_BROADCAST_RATE, clock: Callable[[], float] = time.monotonic,
                 scan_limit: int = SCAN_LIMIT) -> None:
        self._global = SendWindow(global_rate / OVERALL_MARGIN, scan_limit)
        self._paid = SendWindow(paid_rate / OVERALL_MARGIN, scan_limit)
        self._per_chat = Pace(per_chat_rate, burst=per_chat_burst)
        self._paused_until = -math.inf
        self._clock = clock
        self._lock = asyncio.Lock()

    async def schedule(self, chat_id: Any, *, paid: bool = False) -> tuple[float, float]:
        """Reserve the next send into `chat_id`: (now, the reserved send time), on this limiter's clock."""
        async with self._lock:
            now = self._clock()
            start = max(now, self._paused_until)
            chat_earliest = self._per_chat.earliest(chat_id) if chat_id is not None else -math.inf
            send = (self._paid if paid else self._global).reserve(now, start, chat_earliest)
            if chat_id is not None:
                self._per_chat.take(chat_id, send, now)
            return now, send

    async def turn(self, chat_id: Any, *, paid: bool = False) -> float:
        now, send = await self.schedule(chat_id, paid=paid)
        return send - now

    async def pause(self, seconds: float) -> None:
        async with self._lock:
            self._paused_until = max(self._paused_until, self._clock() + seconds)


async def sleep_until(moment: float) -> None:
    delay = moment - time.monotonic()
    if delay > 0:
        await asyncio.sleep(delay)


async def wait_until_turn(limiter: SendLimiter, chat_id: Any, due: float, *, paid: bool = False) -> None:
    """Sleep until `due` (time.monotonic), the send's reserved turn; woken too late, take a new turn
    (the old one stays spent: a send never goes where the schedule did not put it)."""
    for _ in range(RETAKES_WHEN_LATE):
        await sleep_until(due)
        late = time.monotonic() - due
        if late <= LATE_SLACK:
            return
        log.debug("a send into chat %s woke %.0f ms after its turn: it takes a new one", chat_id, late * 1000)
        due = time.monotonic() + await limiter.turn(chat_id, paid=paid)
    await sleep_until(due)


def is_send(method: TelegramMethod[Any]) -> bool:
    name = type(method).__name__
    return name.startswith(("Send", "Copy", "Forward")) and name != "SendChatAction"


class SendThrottle(BaseRequestMiddleware):
    def __init__(self, limiter: SendLimiter) -> None:
        self.limiter = limiter

    async def wait_turn(self, chat_id: Any, *, paid: bool = False) -> None:
        await wait_until_turn(self.limiter, chat_id, time.monotonic() + await self.limiter.turn(chat_id, paid=paid),
                              paid=paid)

    async def __call__(self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot,
                       method: TelegramMethod[TelegramType]) -> Response[TelegramType]:
        chat_id = getattr(method, "chat_id", None)
        paid = bool(getattr(method, "allow_paid_broadcast", None) is True)
        if ALREADY_PACED.get():
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as error:
                await self._pause(error, method, chat_id)
                raise
        for attempt in range(MAX_RETRIES_AFTER_429 + 1):
            if is_send(method):
                await self.wait_turn(chat_id, paid=paid)
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as error:
                await self._pause(error, method, chat_id)
                if attempt == MAX_RETRIES_AFTER_429:
                    raise
                if not is_send(method):
                    await asyncio.sleep(error.retry_after)  # sends wait in wait_turn; others here
        raise AssertionError("unreachable")

    async def _pause(self, error: TelegramRetryAfter, method: TelegramMethod[Any], chat_id: Any) -> None:
        log.warning("429 on %s to chat %s: every send waits %s s as Telegram asks", type(method).__name__,
                    chat_id, error.retry_after)
        await self.limiter.pause(error.retry_after)


def build_limiter(redis_url: str | None, token: str, global_rate: float, per_chat_rate: float,
                  per_chat_burst: int) -> tuple[SendLimiter, Any]:
    """The bot's limiter and the Redis connection it holds (None in one process). With REDIS_URL every
    process sending for this bot shares one pace and one 429 pause."""
    if not redis_url:
        return LocalSendLimiter(global_rate, per_chat_rate, per_chat_burst), None
    from redis.asyncio import Redis

    from bot.telegram.redis_limiter import RedisSendLimiter

    redis = Redis.from_url(redis_url)
    return RedisSendLimiter(redis, token.split(":", 1)[0], global_rate, per_chat_rate, per_chat_burst), redis
