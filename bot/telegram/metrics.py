"""Feeds BotMetrics: a dispatcher middleware times each update, a session middleware counts each request."""
from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import (TelegramBadRequest, TelegramConflictError, TelegramEntityTooLarge,
                                TelegramForbiddenError, TelegramMigrateToChat, TelegramNetworkError, TelegramNotFound,
                                TelegramRetryAfter, TelegramServerError, TelegramUnauthorizedError)
from aiogram.methods import TelegramMethod
from aiogram.methods.base import Response, TelegramType
from aiogram.types import TelegramObject, Update

from bot.metrics import BotMetrics

# aiogram raises one class per HTTP status; the label is the status Telegram answered.
ERROR_STATUS: tuple[tuple[type[Exception], str], ...] = (
    (TelegramRetryAfter, "429"), (TelegramBadRequest, "400"), (TelegramMigrateToChat, "400"), (TelegramUnauthorizedError, "401"),
    (TelegramForbiddenError, "403"), (TelegramNotFound, "404"), (TelegramConflictError, "409"),
    (TelegramEntityTooLarge, "413"), (TelegramServerError, "5xx"), (TelegramNetworkError, "network"),
)


def _status(error: Exception) -> str:
    return next((status for kind, status in ERROR_STATUS if isinstance(error, kind)), "error")


class UpdateMetrics(BaseMiddleware):
    """The outermost update middleware: what it times includes the commit."""

    def __init__(self, metrics: BotMetrics) -> None:
        self._metrics = metrics

    async def __call__(self, handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
                       event: TelegramObject, data: dict[str, Any]) -> Any:
        update_type = event.event_type if isinstance(event, Update) else type(event).__name__
        started = time.perf_counter()
        outcome = "error"
        try:
            result = await handler(event, data)
            outcome = "handled"
            return result
        finally:
            self._metrics.update_handled(update_type, outcome, time.perf_counter() - started)


class ApiCallMetrics(BaseRequestMiddleware):
    """The innermost request middleware: each HTTP request counts, a retry after a 429 included."""

    def __init__(self, metrics: BotMetrics) -> None:
        self._metrics = metrics

    async def __call__(self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot,
                       method: TelegramMethod[TelegramType]) -> Response[TelegramType]:
        try:
            response = await make_request(bot, method)
        except Exception as error:
            self._metrics.api_called(method.__api_method__, _status(error))
            raise
        self._metrics.api_called(method.__api_method__, "200")
        return response
