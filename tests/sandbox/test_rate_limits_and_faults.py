"""429 rate limits (switchable, on the sandbox clock) and injected faults."""

from __future__ import annotations

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramRetryAfter, TelegramServerError
from aiogram.types import BotCommand

from sandbox.client import ChatUser, SandboxClient


async def test_no_limits_by_default(bot: Bot, user: ChatUser) -> None:
    for n in range(40):
        await bot.send_message(user.id, f"burst {n}")


async def test_one_message_per_second_per_chat(bot: Bot, user: ChatUser, client: SandboxClient) -> None:
    await client.settings(rate_limits_enabled=True)
    await bot.send_message(user.id, "first")
    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(user.id, "second")
    assert caught.value.retry_after == 1
    assert "Too Many Requests: retry after 1" in str(caught.value)
    # Edits, callback answers and chat actions do not count.
    await bot.send_chat_action(user.id, "typing")
    await client.advance_clock(0.5)
    with pytest.raises(TelegramRetryAfter):
        await bot.send_photo(user.id, "https://example.org/x.png")
    await client.advance_clock(0.6)
    assert await bot.send_message(user.id, "after a second")


async def test_thirty_messages_per_second_overall(bot: Bot, client: SandboxClient) -> None:
    await client.settings(rate_limits_enabled=True)
    users = [await client.new_user(first_name=f"U{n}") for n in range(31)]
    for u in users[:30]:
        await bot.send_message(u.id, "broadcast")
    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(users[30].id, "one too many")
    assert caught.value.retry_after >= 1
    await client.advance_clock(1.0)
    assert await bot.send_message(users[30].id, "now it fits")
    calls = await client.calls("sendMessage")
    assert [c["status"] for c in calls].count(429) == 1


async def test_limits_are_configurable(bot: Bot, user: ChatUser, client: SandboxClient) -> None:
    await client.settings(rate_limits_enabled=True, chat_rate_limit=3, chat_rate_window=10)
    for _ in range(3):
        await bot.send_message(user.id, "ok")
    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(user.id, "fourth")
    assert caught.value.retry_after == 10
    with pytest.raises(Exception, match="unknown setting"):
        await client.settings(no_such_setting=1)


async def test_group_limit_twenty_per_minute(bot: Bot, client: SandboxClient) -> None:
    admin = await client.new_user(first_name="Coordinator")
    group = await client.new_group("Talimger admins", [admin], admins=[admin])
    await client.settings(rate_limits_enabled=True)
    for _ in range(20):
        await bot.send_message(group["id"], "stat")
        await client.advance_clock(1.0)
    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(group["id"], "21st within a minute")
    assert 1 <= caught.value.retry_after <= 60


async def test_injected_server_errors(bot: Bot, user: ChatUser, client: SandboxClient) -> None:
    await client.inject_fault("sendMessage", 502, count=2)
    for _ in range(2):
        with pytest.raises(TelegramServerError, match="Bad Gateway"):
            await bot.send_message(user.id, "hello")
    assert await bot.send_message(user.id, "third time lucky")
    statuses = [c["status"] for c in await client.calls("sendmessage")]
    assert statuses == [502, 502, 200]


async def test_injected_400_for_missing_method(bot: Bot, client: SandboxClient) -> None:
    await client.inject_fault("setMyCommands", 400, "Bad Request: method not found")
    with pytest.raises(TelegramBadRequest, match="method not found"):
        await bot.set_my_commands([BotCommand(command="start", description="Start")])
    assert await bot.set_my_commands([BotCommand(command="start", description="Start")])


async def test_injected_429_and_wildcard(bot: Bot, user: ChatUser, client: SandboxClient) -> None:
    await client.inject_fault("*", 429, retry_after=7)
    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.get_me()
    assert caught.value.retry_after == 7
    assert await bot.get_me()
