"""Webhook mode: the sandbox POSTs updates to the bot's URL, with the secret header."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiogram import Bot
from aiohttp import web

from sandbox.client import ChatUser, SandboxClient


class Receiver:
    """A tiny webhook endpoint: records updates, fails on demand, may reply with a method."""

    def __init__(self) -> None:
        self.updates: list[dict[str, Any]] = []
        self.secrets: list[str | None] = []
        self.fail_next = 0
        self.arrived = asyncio.Event()

    async def handle(self, request: web.Request) -> web.Response:
        if self.fail_next:
            self.fail_next -= 1
            return web.Response(status=500)
        update = await request.json()
        self.updates.append(update)
        self.secrets.append(request.headers.get("X-Telegram-Bot-Api-Secret-Token"))
        self.arrived.set()
        message = update.get("message") or {}
        if message.get("text") == "ping":
            reply = {"method": "sendMessage", "chat_id": message["chat"]["id"], "text": "pong"}
            return web.json_response(reply)
        return web.Response()


@pytest.fixture
async def receiver() -> AsyncIterator[tuple[Receiver, str]]:
    hook = Receiver()
    app = web.Application()
    app.router.add_post("/hook", hook.handle)
    runner = web.AppRunner(app, shutdown_timeout=0.5)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield hook, f"http://127.0.0.1:{port}/hook"
    await runner.cleanup()


async def test_updates_are_posted_and_replies_executed(
    bot: Bot, user: ChatUser, receiver: tuple[Receiver, str]
) -> None:
    hook, url = receiver
    await bot.set_webhook(url, secret_token="t0p-secret")
    await user.send("ping")
    pong = await user.wait_for(lambda m: m.text == "pong", timeout=5)
    assert pong.from_bot
    assert hook.updates[0]["message"]["text"] == "ping" and hook.secrets == ["t0p-secret"]
    assert (await bot.get_webhook_info()).pending_update_count == 0


async def test_failed_delivery_is_retried(
    bot: Bot, user: ChatUser, client: SandboxClient, receiver: tuple[Receiver, str]
) -> None:
    hook, url = receiver
    hook.fail_next = 1
    await bot.set_webhook(url)
    sent = await user.send("hello")
    await asyncio.wait_for(hook.arrived.wait(), 5)
    assert hook.updates[0]["update_id"] == sent["update_id"]
    info = await bot.get_webhook_info()
    assert info.last_error_message and "500" in info.last_error_message
    assert (await client.bot_info())["webhook"]["url"] == url
