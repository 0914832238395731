"""Keep aiogram's parsed response types alive.

aiogram reads every Bot API answer as `Response[T]`, and pydantic keeps parametrized
generics only in a weak cache: once collected, the next call builds the class again, about
6 ms of CPU each time, which was a large share of the bot's work per update. Holding one
reference per return type makes that a one-off.
"""
from __future__ import annotations

from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.methods import TelegramMethod
from aiogram.methods.base import Response, TelegramType


class KeepResponseTypes(BaseRequestMiddleware):
    def __init__(self) -> None:
        self._held: dict[Any, type] = {}

    async def __call__(self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot,
                       method: TelegramMethod[TelegramType]) -> Response[TelegramType]:
        returning = method.__returning__
        if returning not in self._held:
            self._held[returning] = Response[returning]  # type: ignore[valid-type]
        return await make_request(bot, method)
