"""Nothing reaches Telegram before the database holds what it reports.

Every Bot API request made while an update is handled first commits that update's unit of
work — which also hands SQLite's single write turn to the next update — and takes the turn
back afterwards. So a learner is never told about an answer that a crash could still undo,
and no update keeps others waiting while it talks to the network (or waits out a 429).
"""
from __future__ import annotations

from contextvars import ContextVar

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.methods import TelegramMethod
from aiogram.methods.base import Response, TelegramType

from bot.db.uow import UnitOfWork

current_uow: ContextVar[UnitOfWork | None] = ContextVar("current_uow", default=None)


class CommitBeforeSend(BaseRequestMiddleware):
    async def __call__(self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot,
                       method: TelegramMethod[TelegramType]) -> Response[TelegramType]:
        uow = current_uow.get()
        if uow is None:
            return await make_request(bot, method)
        await uow.commit()
        try:
            return await make_request(bot, method)
        finally:
            await uow.begin_write()
