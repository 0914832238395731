"""What the sandbox offers for testing broadcasts (issue 11): allow_paid_broadcast and its
1000/s limit, random faults by probability, many users at once, and figures over the sends."""

from __future__ import annotations

import asyncio
import time

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramForbiddenError, TelegramRetryAfter

from sandbox.client import SandboxClient, SandboxClientError
from sandbox.figures import max_in_window


async def test_paid_broadcast_sends_are_held_to_the_paid_limit_and_the_chat_limit_stays(
    bot: Bot, client: SandboxClient
) -> None:
    """issue 11: allow_paid_broadcast lifts the overall limit from 30 to 1000 a second; one
    chat still takes one message a second."""
    await client.settings(rate_limits_enabled=True, paid_rate_limit=60)
    users = await client.new_users(62)
    for user in users[:30]:
        await bot.send_message(user["id"], "free")
    with pytest.raises(TelegramRetryAfter):
        await bot.send_message(users[30]["id"], "a 31st free one")
    # Paid sends go on: every send (the 30 free ones too) counts towards the paid limit of 60.
    for user in users[30:60]:
        await bot.send_message(user["id"], "paid", allow_paid_broadcast=True)
    with pytest.raises(TelegramRetryAfter):
        await bot.send_message(users[60]["id"], "a 61st", allow_paid_broadcast=True)
    with pytest.raises(TelegramRetryAfter):  # the chat limit is the same for paid sends
        await bot.copy_message(users[0]["id"], users[1]["id"], 1, allow_paid_broadcast=True)
    await client.advance_clock(1.0)
    assert await bot.copy_message(users[0]["id"], users[1]["id"], 1, allow_paid_broadcast=True)
    figures = await client.figures()
    assert figures["sent"] == 61 and figures["sent_paid"] == 31
    assert figures["max_in_window"]["free"] == 30 and figures["max_in_window"]["paid"] == 30
    assert figures["max_in_window"]["overall"] == 60
    # What the bot offered: the three refused for coming too fast count there, not in "overall".
    assert figures["rate_limited"] == 3 and figures["per_outcome"] == {"200": 61, "429": 3}
    assert figures["max_in_window"]["offered_overall"] == 63
    assert figures["max_in_window"]["offered_into_one_chat"] == 2
    assert (await client.settings())["paid_rate_limit"] == 60


async def test_the_paid_limit_is_a_thousand_a_second_by_default(bot: Bot, client: SandboxClient) -> None:
    """issue 11: 1000 paid sends in one second fit, the 1001st does not."""
    await client.settings(rate_limits_enabled=True)
    users = await client.new_users(1001)
    for user in users[:1000]:
        await bot.send_message(user["id"], "paid", allow_paid_broadcast=True)
    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(users[1000]["id"], "paid", allow_paid_broadcast=True)
    assert caught.value.retry_after == 1


async def test_random_faults_fail_about_their_share_of_sends_repeatably_with_a_seed(
    bot: Bot, client: SandboxClient
) -> None:
    """issue 11: 5 % of send calls answer 429 retry_after 1; the same seed fails the same calls."""
    users = await client.new_users(400)

    async def run(seed: int) -> list[int]:
        await client.clear_faults()
        await client.random_fault("send*", 429, 0.05, seed=seed)
        refused = []
        for n, user in enumerate(users):
            try:
                await bot.send_message(user["id"], "hello")
            except TelegramRetryAfter as error:
                assert error.retry_after == 1
                refused.append(n)
        await bot.get_me()  # not a send: never drawn
        return refused

    first = await run(seed=11)
    assert 5 <= len(first) <= 40  # 20 expected
    assert (await client.random_faults())[0]["hits"] == len(first)
    assert await run(seed=11) == first
    other = await run(seed=12)
    assert other != first
    await client.clear_faults()
    assert await client.random_faults() == []
    for user in users[:30]:
        assert await bot.send_message(user["id"], "no faults now")
    figures = await client.figures()
    assert figures["per_method"]["sendMessage"]["429"] == 2 * len(first) + len(other)
    assert figures["rate_limited"] == 0  # injected, not the rate limiter's
    assert figures["per_method"]["sendMessage"]["200"] == 3 * 400 - (2 * len(first) + len(other)) + 30


async def test_random_faults_are_checked(client: SandboxClient) -> None:
    with pytest.raises(SandboxClientError, match="probability"):
        await client.random_fault("send*", 429, 1.5)
    with pytest.raises(SandboxClientError, match="error_code"):
        await client.random_fault("send*", 200, 0.5)


async def test_many_users_at_once_some_of_whom_blocked_the_bot(bot: Bot, client: SandboxClient) -> None:
    """issue 11: a bulk endpoint creates N private chats; the blocked ones answer 403."""
    users = await client.new_users(50, language_codes=["kk", "ru", "en"], blocked=5, seed=3)
    assert len(users) == 50 and len({u["id"] for u in users}) == 50
    assert [u["language_code"] for u in users[:4]] == ["kk", "ru", "en", "kk"]
    blocked = [u for u in users if u["blocked"]]
    assert len(blocked) == 5
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(blocked[0]["id"], "hello")
    open_user = next(u for u in users if not u["blocked"])
    assert await bot.send_message(open_user["id"], "hello")
    listed = {u["id"]: u["blocked"] for u in await client.users()}
    assert [uid for uid, is_blocked in listed.items() if is_blocked] == [u["id"] for u in blocked]
    again = await client.new_users(50, blocked=5, seed=3)
    assert [n for n, u in enumerate(again) if u["blocked"]] == [n for n, u in enumerate(users) if u["blocked"]]
    with pytest.raises(SandboxClientError, match="blocked cannot be more"):
        await client.new_users(2, blocked=3)


async def test_figures_count_the_busiest_window_per_chat_method_and_outcome(
    bot: Bot, client: SandboxClient
) -> None:
    """issue 11: the figures a test needs — most sends in any second, overall and into one chat."""
    a, b, c = [u["id"] for u in await client.new_users(3)]
    blocked = (await client.new_users(1, blocked=1))[0]["id"]
    await bot.send_message(a, "t=0")
    await bot.send_message(b, "t=0")
    await client.advance_clock(0.5)
    await bot.send_message(a, "t=0.5")
    await bot.copy_message(c, a, 1)
    await client.advance_clock(0.6)
    await bot.send_message(b, "t=1.1")
    with pytest.raises(TelegramForbiddenError):
        await bot.send_message(blocked, "refused")
    await bot.send_chat_action(a, "typing")  # not a send
    figures = await client.figures()
    assert figures["sent"] == 5 and figures["calls"] == 6
    assert figures["max_in_window"]["overall"] == 4  # t=0, 0, 0.5, 0.5
    assert figures["max_in_window"]["into_one_chat"] == 2
    assert figures["max_in_window"]["busiest_chat"] == a
    assert figures["per_outcome"] == {"200": 5, "403": 1}
    assert figures["per_method"] == {"copyMessage": {"200": 1}, "sendMessage": {"200": 4, "403": 1}}
    assert figures["per_chat"] == {str(a): 2, str(b): 2, str(c): 1}
    assert figures["last_sent_at"] - figures["first_sent_at"] == pytest.approx(1.1)
    assert (await client.figures(window=0.4))["max_in_window"]["overall"] == 2
    await client.clear_figures()
    assert (await client.figures())["sent"] == 0


def test_max_in_window_counts_any_window_not_whole_seconds() -> None:
    assert max_in_window([], 1.0) == 0
    assert max_in_window([0.9, 1.1], 1.0) == 2  # across a second's boundary
    assert max_in_window([0.0, 1.0, 2.0], 1.0) == 1  # exactly one window apart: separate
    assert max_in_window([0.0, 0.2, 0.4, 1.3, 1.35], 1.0) == 3


async def test_send_latency_delivers_first_and_answers_later(bot: Bot, client: SandboxClient) -> None:
    """issue 11: a bot killed while waiting for the answer has already sent the message."""
    (learner,) = [u["id"] for u in await client.new_users(1)]
    await client.settings(send_latency=0.5)
    sending = asyncio.create_task(bot.send_message(learner, "in flight"))
    await asyncio.sleep(0.25)
    assert not sending.done()
    assert [m.text for m in await client.user(learner).transcript()] == ["in flight"]
    started = time.monotonic()
    await sending
    assert time.monotonic() - started < 0.5
    await client.settings(send_latency=0)
    started = time.monotonic()
    await bot.get_me()
    await bot.send_message(learner, "no latency")
    assert time.monotonic() - started < 0.25
