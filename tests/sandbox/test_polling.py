"""getMe, getUpdates (long polling, offsets, allowed_updates, 409), webhooks, routing."""

from __future__ import annotations

import asyncio
import time

import aiohttp
import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.exceptions import TelegramConflictError, TelegramNotFound, TelegramUnauthorizedError
from aiogram.methods import TelegramMethod
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from sandbox import Sandbox
from sandbox.client import ChatUser, SandboxClient

from .conftest import close_bot


async def test_get_me(bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.first_name, me.is_bot) == (
        123456, "talimger_sandbox_bot", "Talimger", True,
    )


async def test_long_poll_wakes_on_user_message(bot: Bot, user: ChatUser) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=20))
    await asyncio.sleep(0.05)
    assert not poll.done()
    started = time.monotonic()
    await user.send("/start course_1")
    updates = await asyncio.wait_for(poll, 5)
    assert time.monotonic() - started < 2
    [update] = updates
    message = update.message
    assert message is not None
    assert message.text == "/start course_1"
    assert message.from_user is not None and message.from_user.language_code == "ru"
    assert message.chat.id == user.id and message.chat.type == "private"
    assert message.entities is not None and message.entities[0].type == "bot_command"
    assert message.entities[0].length == len("/start")


async def test_timeout_zero_returns_at_once(bot: Bot) -> None:
    assert await bot.get_updates(timeout=0) == []


async def test_offset_confirms_and_updates_stay_until_confirmed(bot: Bot, user: ChatUser) -> None:
    for text in ("one", "two", "three"):
        await user.send(text)
    first = await bot.get_updates()
    assert [u.message.text for u in first] == ["one", "two", "three"]  # type: ignore[union-attr]
    # Not confirmed yet: delivered again.
    again = await bot.get_updates()
    assert [u.update_id for u in again] == [u.update_id for u in first]
    rest = await bot.get_updates(offset=first[1].update_id)
    assert [u.message.text for u in rest] == ["two", "three"]  # type: ignore[union-attr]
    assert await bot.get_updates(offset=first[-1].update_id + 1) == []
    assert await bot.get_updates() == []


async def test_limit_and_negative_offset(bot: Bot, user: ChatUser) -> None:
    for n in range(5):
        await user.send(f"m{n}")
    assert len(await bot.get_updates(limit=2)) == 2
    last_two = await bot.get_updates(offset=-2)
    assert [u.message.text for u in last_two] == ["m3", "m4"]  # type: ignore[union-attr]
    # Earlier updates were forgotten.
    assert [u.message.text for u in await bot.get_updates()] == ["m3", "m4"]  # type: ignore[union-attr]


async def test_allowed_updates_filter_is_remembered(bot: Bot, user: ChatUser, client: SandboxClient) -> None:
    markup = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="A", callback_data="a")]])
    sent = await bot.send_message(user.id, "pick", reply_markup=markup)
    await user.press(sent.message_id, "A")
    await user.send("hello")
    only_callbacks = await bot.get_updates(allowed_updates=["callback_query"])
    assert [u.callback_query is not None for u in only_callbacks] == [True]
    # Omitted next time: the previous filter still applies.
    assert [u.callback_query is not None for u in await bot.get_updates()] == [True]
    both = await bot.get_updates(allowed_updates=[])
    assert len(both) == 2
    assert (await client.bot_info())["allowed_updates"] == []


async def test_second_concurrent_get_updates_conflicts(sandbox: Sandbox, bot: Bot) -> None:
    other = Bot(sandbox.token, session=AiohttpSession(api=sandbox.api_server))
    try:
        first = asyncio.create_task(bot.get_updates(timeout=10))
        await asyncio.sleep(0.1)
        with pytest.raises(TelegramConflictError, match="terminated by other getUpdates request"):
            await other.get_updates(timeout=1)
        first.cancel()
        with pytest.raises(asyncio.CancelledError):
            await first
    finally:
        await close_bot(other)


async def test_hung_up_poll_frees_the_slot(sandbox: Sandbox) -> None:
    """A bot that stops polling mid-request does not lock out its successor."""
    first = Bot(sandbox.token, session=AiohttpSession(api=sandbox.api_server))
    second = Bot(sandbox.token, session=AiohttpSession(api=sandbox.api_server))
    try:
        poll = asyncio.create_task(first.get_updates(timeout=10))
        await asyncio.sleep(0.1)
        poll.cancel()
        await asyncio.gather(poll, return_exceptions=True)
        await close_bot(first)
        await asyncio.sleep(0.05)
        assert await second.get_updates(timeout=0) == []
    finally:
        await close_bot(second)


async def test_webhook_blocks_polling(bot: Bot) -> None:
    assert await bot.set_webhook("https://example.org/hook", secret_token="s3cret")
    info = await bot.get_webhook_info()
    assert info.url == "https://example.org/hook" and info.pending_update_count == 0
    with pytest.raises(TelegramConflictError, match="webhook is active"):
        await bot.get_updates()
    assert await bot.delete_webhook(drop_pending_updates=True)
    assert (await bot.get_webhook_info()).url == ""
    assert await bot.get_updates() == []


async def test_unknown_method_and_wrong_token(sandbox: Sandbox, bot: Bot) -> None:
    class SendHologram(TelegramMethod[bool]):
        __returning__ = bool
        __api_method__ = "sendHologram"

    with pytest.raises(TelegramNotFound, match="Not Found"):
        await bot(SendHologram())
    intruder = Bot("999:wrong", session=AiohttpSession(api=sandbox.api_server))
    try:
        with pytest.raises(TelegramUnauthorizedError):
            await intruder.get_me()
    finally:
        await close_bot(intruder)


async def test_raw_http_json_form_query_and_case(sandbox: Sandbox, user: ChatUser) -> None:
    base = f"{sandbox.url}/bot{sandbox.token}"
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{base}/SENDMESSAGE", json={"chat_id": user.id, "text": "123"}) as resp:
            body = await resp.json()
            assert resp.status == 200 and body["result"]["text"] == "123"
        markup = '{"inline_keyboard":[[{"text":"x","callback_data":"1"}]]}'
        form = {"chat_id": str(user.id), "text": "true", "reply_markup": markup}
        async with http.post(f"{base}/sendMessage", data=form) as resp:
            body = await resp.json()
            assert body["result"]["text"] == "true"
            assert body["result"]["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "1"
        async with http.get(f"{base}/sendMessage", params={"chat_id": str(user.id), "text": ""}) as resp:
            assert resp.status == 400
            assert await resp.json() == {
                "ok": False,
                "error_code": 400,
                "description": "Bad Request: message text is empty",
            }
        async with http.get(f"{base}/nosuchmethod") as resp:
            assert resp.status == 404
            assert await resp.json() == {"ok": False, "error_code": 404, "description": "Not Found"}


async def test_redeliver_puts_update_back(bot: Bot, user: ChatUser, client: SandboxClient) -> None:
    sent = await user.send("once")
    [update] = await bot.get_updates()
    assert update.update_id == sent["update_id"]
    await user.send("twice")
    [later] = await bot.get_updates(offset=update.update_id + 1)
    assert await bot.get_updates(offset=later.update_id + 1) == []
    await client.redeliver(update.update_id)
    # Same update_id again, even though the bot's offset is already past it.
    [again] = await bot.get_updates(offset=later.update_id + 1)
    assert again.update_id == update.update_id and again.message.text == "once"  # type: ignore[union-attr]
    assert await bot.get_updates(offset=again.update_id + 1) == []
