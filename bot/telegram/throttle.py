"""Every request to the Bot API passes here: sends are paced, and a 429 pauses every send.

Telegram allows about 30 messages a second overall (1000 with `allow_paid_broadcast`, paid in
Stars) and one a second into one chat. Pacing is a `SendLimiter`: in one process the GCRA below;
when several processes send for one bot they must share one (the scale-out issue plugs a Redis
one in behind the same interface). A 429 means Telegram throttles the whole bot, not the one
request: the limiter is paused for `retry_after`, so every send waits, not only the one refused.
"""
from __future__ import annotations

import asyncio
import contextvars
import logging
import time
from typing import Any, Protocol

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import TelegramMethod
from aiogram.methods.base import Response, TelegramType

log = logging.getLogger(__name__)
MAX_RETRIES_AFTER_429 = 5
PAID_BROADCAST_RATE = 1000  # messages a second with allow_paid_broadcast (Bot API, TELEGRAM.md)
# Telegram counts sends as they arrive, in any one-second window; a send that leaves a few ms
# late (a busy loop, the network) brings the next ones closer to it. Pacing 2 % under the limit
# keeps every window under it (29.4 of 30 a second) instead of drawing a 429 now and then.
OVERALL_MARGIN = 1.02

# Set by a sender that already took its turn (the outbox paces before marking a row "sending",
# so the mark is committed just before the request, not before a wait): the middleware then
# neither waits again nor retries a 429 itself — the sender records it and retries the row.
ALREADY_PACED: contextvars.ContextVar[bool] = contextvars.ContextVar("already_paced", default=False)


class SendLimiter(Protocol):
    async def turn(self, chat_id: Any, *, paid: bool = False) -> float:
        """Reserve the next send into `chat_id`; return the seconds to wait before making it."""

    async def pause(self, seconds: float) -> None:
        """Telegram said 429: no send before `seconds` from now, in any chat, by anyone."""


class Pace:
    """GCRA pacing for one rate: `rate` sends a second, up to `burst` at once."""

    def __init__(self, rate: float, burst: int) -> None:
        self.interval = 1.0 / rate
        self.tolerance = self.interval * max(burst - 1, 0)
        self._tat: dict[Any, float] = {}

    def delay(self, key: Any, now: float) -> float:
        """Reserve a slot for `key` no earlier than `now`; return how long to wait before using it."""
        tat = max(self._tat.get(key, now), now)
        wait = max(0.0, tat - self.tolerance - now)
        self._tat[key] = tat + self.interval
        if len(self._tat) > 10_000:
            self._forget_idle(now)
        return wait

    def _forget_idle(self, now: float) -> None:
        for key in [key for key, tat in self._tat.items() if tat <= now]:
            del self._tat[key]


class LocalSendLimiter:
    """One process's limiter: GCRA over the monotonic clock.

    The overall pace allows no burst: "30 a second" is then true of every one-second window,
    which is how Telegram (and the sandbox) count. Into one chat a short burst is allowed."""

    def __init__(self, global_rate: float = 30, per_chat_rate: float = 1, per_chat_burst: int = 3,
                 paid_rate: float = PAID_BROADCAST_RATE) -> None:
        self._global = Pace(global_rate / OVERALL_MARGIN, burst=1)
        self._paid = Pace(paid_rate / OVERALL_MARGIN, burst=1)
        self._per_chat = Pace(per_chat_rate, burst=per_chat_burst)
        self._paused_until = 0.0
        self._lock = asyncio.Lock()

    async def turn(self, chat_id: Any, *, paid: bool = False) -> float:
        async with self._lock:
            now = time.monotonic()
            start = max(now, self._paused_until)
            overall = (self._paid if paid else self._global).delay("*", start)
            into_chat = self._per_chat.delay(chat_id, start) if chat_id is not None else 0.0
            return start - now + max(overall, into_chat)

    async def pause(self, seconds: float) -> None:
        async with self._lock:
            self._paused_until = max(self._paused_until, time.monotonic() + seconds)


def is_send(method: TelegramMethod[Any]) -> bool:
    name = type(method).__name__
    return name.startswith(("Send", "Copy", "Forward")) and name != "SendChatAction"


class SendThrottle(BaseRequestMiddleware):
    def __init__(self, limiter: SendLimiter) -> None:
        self.limiter = limiter

    async def wait_turn(self, chat_id: Any, *, paid: bool = False) -> None:
        wait = await self.limiter.turn(chat_id, paid=paid)
        if wait > 0:
            await asyncio.sleep(wait)

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
