"""Fixtures: a running sandbox, a real aiogram Bot pointed at it, and the user-side client."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession

from sandbox import Sandbox, SandboxClock
from sandbox.client import ChatUser, SandboxClient


@pytest.fixture
def clock() -> SandboxClock:
    # Frozen: only advance() moves time, so rate windows and ages are deterministic.
    return SandboxClock(start=1_750_000_000.0, frozen=True)


@pytest.fixture
async def sandbox(clock: SandboxClock) -> AsyncIterator[Sandbox]:
    async with Sandbox(clock=clock) as running:
        yield running


async def close_bot(bot: Bot) -> None:
    """Close the bot's HTTP session without aiogram's fixed 250 ms SSL grace sleep."""
    inner = getattr(bot.session, "_session", None)
    if inner is not None and not inner.closed:
        await inner.close()


@pytest.fixture
async def bot(sandbox: Sandbox) -> AsyncIterator[Bot]:
    bot = Bot(sandbox.token, session=AiohttpSession(api=sandbox.api_server))
    yield bot
    await close_bot(bot)


@pytest.fixture
async def client(sandbox: Sandbox) -> AsyncIterator[SandboxClient]:
    async with SandboxClient(sandbox.url) as sandbox_client:
        yield sandbox_client


@pytest.fixture
async def user(client: SandboxClient) -> ChatUser:
    return await client.new_user(first_name="Aru", language_code="ru", username="aru")
