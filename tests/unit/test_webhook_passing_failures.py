"""Which failed webhook updates Telegram is asked to deliver again (500) and which are confirmed
(200, logged): a passing failure may not recur; a bug would fail the same way forever (review)."""
from __future__ import annotations

import asyncio

from aiogram.exceptions import TelegramNetworkError
from aiogram.methods import GetMe
from redis.exceptions import ConnectionError as RedisConnectionError
from sqlalchemy.exc import OperationalError

from bot.web.webhook import _passing


def test_lost_connections_are_passing_and_bugs_are_not() -> None:
    assert _passing(OperationalError("SELECT 1", {}, Exception("server closed the connection")))
    assert _passing(ConnectionRefusedError())
    assert _passing(asyncio.TimeoutError())
    assert _passing(RedisConnectionError())
    assert _passing(TelegramNetworkError(method=GetMe(), message="timeout"))
    assert not _passing(KeyError("a handler's bug"))
    assert not _passing(ValueError("bad data"))
    assert not _passing(None)
