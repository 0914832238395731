"""Every request to the Bot API passes here: sends are paced, 429s are waited out.

Telegram allows about 30 messages a second overall and one a second into one chat
(with short bursts tolerated). Pacing uses GCRA: each key keeps a "theoretical arrival
time"; a send may go once the clock reaches it, less the burst allowance.
"""
from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import TelegramMethod
from aiogram.methods.base import Response, TelegramType

log = logging.getLogger(__name__)
MAX_RETRIES_AFTER_429 = 5


class Pace:
    """GCRA pacing for one rate: `rate` sends a second, up to `burst` at once."""

    def __init__(self, rate: float, burst: int) -> None:
        self.interval = 1.0 / rate
        self.tolerance = self.interval * max(burst - 1, 0)
        self._tat: dict[Any, float] = {}

    def delay(self, key: Any, now: float) -> float:
        """Reserve a slot for `key`; return how long to wait before using it."""
        tat = max(self._tat.get(key, now), now)
        wait = max(0.0, tat - self.tolerance - now)
        self._tat[key] = tat + self.interval
        if len(self._tat) > 10_000:
            self._forget_idle(now)
        return wait

    def _forget_idle(self, now: float) -> None:
        for key in [key for key, tat in self._tat.items() if tat <= now]:
            del self._tat[key]


class SendThrottle(BaseRequestMiddleware):
    def __init__(self, global_rate: float = 30, per_chat_rate: float = 1, per_chat_burst: int = 3) -> None:
        self._global = Pace(global_rate, burst=int(global_rate))
        self._per_chat = Pace(per_chat_rate, burst=per_chat_burst)
        self._lock = asyncio.Lock()

    async def __call__(self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot,
                       method: TelegramMethod[TelegramType]) -> Response[TelegramType]:
        chat_id = getattr(method, "chat_id", None)
        is_send = type(method).__name__.startswith(("Send", "Copy", "Forward")) and \
            type(method).__name__ != "SendChatAction"
        for attempt in range(MAX_RETRIES_AFTER_429 + 1):
            if is_send:
                await self._wait_turn(chat_id)
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as error:
                if attempt == MAX_RETRIES_AFTER_429:
                    raise
                log.warning("429 on %s to chat %s: waiting %s s as Telegram asks", type(method).__name__,
                            chat_id, error.retry_after)
                await asyncio.sleep(error.retry_after)
        raise AssertionError("unreachable")

    async def _wait_turn(self, chat_id: Any) -> None:
        async with self._lock:
            now = time.monotonic()
            wait = max(self._global.delay("*", now), self._per_chat.delay(chat_id, now) if chat_id else 0.0)
        if wait > 0:
            await asyncio.sleep(wait)
