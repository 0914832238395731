"""Which failed webhook updates Telegram is asked to deliver again (500) and which are confirmed
(200, logged): a passing failure may not recur; a bug would fail the same way forever (review)."""
from __future__ import annotations

import asyncio

from aiogram.exceptions import TelegramNetworkError
from aiogram.methods import GetMe
from redis.exceptions import ConnectionError as RedisConnectionError
from sqlalchemy.exc import DBAPIError, OperationalError

from bot.telegram.passing_failures import is_passing as _passing


def test_lost_connections_are_passing_and_bugs_are_not() -> None:
    assert _passing(OperationalError("SELECT 1", {}, Exception("server closed the connection")))
    assert _passing(ConnectionRefusedError())
    assert _passing(asyncio.TimeoutError())
    assert _passing(RedisConnectionError())
    assert _passing(TelegramNetworkError(method=GetMe(), message="timeout"))
    assert not _passing(KeyError("a handler's bug"))
    assert not _passing(ValueError("bad data"))
    assert not _passing(None)


class ServerError(Exception):
    """What a PostgreSQL driver raises, with the server's SQLSTATE."""

    def __init__(self, sqlstate: str) -> None:
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


def test_a_database_that_cannot_serve_now_is_passing_and_a_refused_statement_is_not() -> None:
    """asyncpg's server errors reach SQLAlchemy as a plain DBAPIError: a PostgreSQL restart
    ("the database system is starting up", 57P03) was confirmed with 200 and the update lost."""
    for sqlstate in ("57P03", "57P01", "53300", "55000", "40001", "40P01", "08006"):
        assert _passing(DBAPIError("SELECT 1", {}, ServerError(sqlstate))), sqlstate
    for sqlstate in ("23505", "42P01", "22001", "25006"):
        assert not _passing(DBAPIError("SELECT 1", {}, ServerError(sqlstate))), sqlstate
    assert not _passing(DBAPIError("SELECT 1", {}, Exception("no SQLSTATE")))
