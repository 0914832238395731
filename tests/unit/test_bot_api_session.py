"""Closing the Bot API session (issue 12: a replica stopping in a rolling deploy, and every test's bot)."""
from __future__ import annotations

import pytest

import aiogram.client.session.aiohttp as aiogram_aiohttp
from aiogram.client.telegram import PRODUCTION, TelegramAPIServer

from bot.bot_api import BotApiSession


@pytest.mark.parametrize(("api", "waits"), [(TelegramAPIServer.from_base("http://127.0.0.1:8081"), []),
                                            (PRODUCTION, [0.25])])
async def test_closing_waits_for_tls_connections_only_over_https(api: TelegramAPIServer, waits: list[float],
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """issue 12: aiogram waits 250 ms after closing for TLS connections to shut down; over plain
    http (a local Bot API server, the sandbox) there are none, and the wait was a quarter of a
    second of every stop."""
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    monkeypatch.setattr(aiogram_aiohttp.asyncio, "sleep", sleep)
    session = BotApiSession(api=api)
    http = await session.create_session()
    await session.close()
    assert http.closed
    assert slept == waits
