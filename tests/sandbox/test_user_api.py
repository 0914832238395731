"""The user side: transcripts, presses (and forged ones), contacts, deep links, groups,
commands and the call log."""

from __future__ import annotations

import asyncio
import time

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import (
    BotCommand,
    InaccessibleMessage,
    BotCommandScopeAllPrivateChats,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from sandbox.client import ChatUser, SandboxClient, SandboxClientError


def buttons(*pairs: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=t, callback_data=d) for t, d in pairs]]
    )


async def test_transcript_long_poll_wakes_on_bot_message(
    bot: Bot, user: ChatUser, client: SandboxClient
) -> None:
    version, messages = await client.transcript(user.id)
    assert messages == []
    waiting = asyncio.create_task(client.transcript(user.id, since_version=version, timeout=10))
    await asyncio.sleep(0.05)
    assert not waiting.done()
    started = time.monotonic()
    await bot.send_message(user.id, "<i>hi</i>", parse_mode="HTML")
    new_version, messages = await asyncio.wait_for(waiting, 5)
    assert time.monotonic() - started < 2 and new_version > version
    [message] = messages
    assert (message.from_bot, message.text, message.html) == (True, "hi", "<i>hi</i>")
    # Nothing new: the poll times out with the same version.
    same, _ = await client.transcript(user.id, since_version=new_version, timeout=0.1)
    assert same == new_version


async def test_press_by_text_and_by_data(bot: Bot, user: ChatUser, client: SandboxClient) -> None:
    markup = buttons(("Алма", "q:1:a"), ("Next ▶", "next"))
    sent = await bot.send_message(user.id, "Question 1", reply_markup=markup)
    msg = await user.wait_for(lambda m: "Question" in m.text)
    assert msg.buttons[0][1] == ("Next ▶", "next", None)
    first = await user.press(msg, "Next ▶")
    second = await user.press(sent.message_id, callback_data="q:1:a")
    updates = await bot.get_updates()
    pressed = [(u.callback_query.id, u.callback_query.data) for u in updates]  # type: ignore[union-attr]
    assert pressed == [(first, "next"), (second, "q:1:a")]
    assert updates[0].callback_query.from_user.id == user.id  # type: ignore[union-attr]
    with pytest.raises(SandboxClientError, match="no button 'Prev'"):
        await user.press(msg, "Prev")
    assert await client.callback_answer(first) is None
    await bot.answer_callback_query(first, text="ok")
    answer = await user.wait_for_answer(first)
    assert answer["text"] == "ok" and answer["show_alert"] is False


async def test_forged_press_needs_forge(bot: Bot, user: ChatUser) -> None:
    sent = await bot.send_message(user.id, "Q", reply_markup=buttons(("A", "quiz:7:a")))
    with pytest.raises(SandboxClientError, match="use forge"):
        await user.press(sent.message_id, callback_data="quiz:7:z")
    query_id = await user.press(sent.message_id, callback_data="quiz:7:z", forge=True)
    [update] = await bot.get_updates()
    query = update.callback_query
    assert query is not None and (query.id, query.data) == (query_id, "quiz:7:z")
    # A press on a message that was deleted still reaches the bot when forged.
    await bot.delete_message(user.id, sent.message_id)
    with pytest.raises(SandboxClientError):
        await user.press(sent.message_id, callback_data="quiz:7:a")
    await user.press(sent.message_id, callback_data="quiz:7:a", forge=True)
    [update] = await bot.get_updates(offset=update.update_id + 1)
    assert isinstance(update.callback_query.message, InaccessibleMessage)  # type: ignore[union-attr]


async def test_contact_share_and_reply_keyboard(bot: Bot, user: ChatUser) -> None:
    share = KeyboardButton(text="📱 Share phone", request_contact=True)
    markup = ReplyKeyboardMarkup(keyboard=[[share]], resize_keyboard=True)
    sent = await bot.send_message(user.id, "Your phone?", reply_markup=markup)
    assert sent.reply_markup is None  # Telegram echoes only inline keyboards
    assert await user.reply_keyboard() == [["📱 Share phone"]]
    await user.share_contact("+77011234567")
    [update] = await bot.get_updates()
    contact = update.message.contact  # type: ignore[union-attr]
    assert contact is not None and contact.phone_number == "+77011234567"
    assert contact.user_id == user.id and contact.first_name == "Aru"
    await bot.send_message(user.id, "Thanks", reply_markup=ReplyKeyboardRemove())
    assert await user.reply_keyboard() is None


async def test_deep_link_payload(bot: Bot, user: ChatUser) -> None:
    await user.start("kaznu_ai-101")
    await user.start("bad payload!")  # Telegram drops an invalid payload
    updates = await bot.get_updates()
    assert [u.message.text for u in updates] == ["/start kaznu_ai-101", "/start"]  # type: ignore[union-attr]


async def test_groups_and_chat_info(bot: Bot, client: SandboxClient) -> None:
    boss = await client.new_user(first_name="Dana")
    member = await client.new_user(first_name="Erlan")
    group = await client.new_group("Talimger admins", [boss, member], admins=[boss])
    assert group["id"] < 0 and group["type"] == "group"
    await boss.in_chat(group["id"]).send("/stats")
    [update] = await bot.get_updates()
    chat = update.message.chat  # type: ignore[union-attr]
    assert (chat.type, chat.title) == ("group", "Talimger admins")
    assert (await bot.get_chat_member(group["id"], boss.id)).status == "creator"
    assert (await bot.get_chat_member(group["id"], member.id)).status == "member"
    assert [m.user.id for m in await bot.get_chat_administrators(group["id"])] == [boss.id]
    assert (await bot.get_chat(group["id"])).title == "Talimger admins"
    await bot.send_message(group["id"], "Enrolled: 2")
    found = await boss.in_chat(group["id"]).wait_for(lambda m: "Enrolled" in m.text, since=-1)
    assert found.chat_id == group["id"]
    outsider = await client.new_user(first_name="Out")
    with pytest.raises(SandboxClientError, match="not a member"):
        await outsider.in_chat(group["id"]).send("hi")


async def test_copy_message(bot: Bot, user: ChatUser, client: SandboxClient) -> None:
    other = await client.new_user(first_name="Other")
    original = await bot.send_message(user.id, "<b>Announcement</b>", parse_mode="HTML")
    copied = await bot.copy_message(other.id, user.id, original.message_id)
    [row] = await other.transcript()
    assert row.message_id == copied.message_id and row.html == "<b>Announcement</b>"


async def test_commands_per_scope_and_language(bot: Bot, client: SandboxClient) -> None:
    await bot.set_my_commands([BotCommand(command="start", description="Бастау")], language_code="kk")
    await bot.set_my_commands(
        [BotCommand(command="progress", description="Progress")], scope=BotCommandScopeAllPrivateChats()
    )
    assert [c.command for c in await bot.get_my_commands(language_code="kk")] == ["start"]
    assert await bot.get_my_commands() == []
    info = await client.bot_info()
    assert info["commands"]["default"]["kk"][0]["description"] == "Бастау"
    assert info["commands"]["all_private_chats"][""][0]["command"] == "progress"
    with pytest.raises(TelegramBadRequest):
        await bot.set_my_commands([BotCommand(command="Start", description="caps")])
    with pytest.raises(TelegramBadRequest):
        await bot.set_my_commands([BotCommand(command="x" * 33, description="long")])
    with pytest.raises(TelegramBadRequest):
        await bot.set_my_commands([BotCommand(command="ok", description="d" * 257)])
    with pytest.raises(TelegramBadRequest):
        await bot.set_my_commands([BotCommand(command=f"c{n}", description="d") for n in range(101)])
    assert await bot.delete_my_commands(language_code="kk")
    assert await bot.get_my_commands(language_code="kk") == []
    assert await bot.set_my_description("Micro-courses in a chat", language_code="en")
    assert await bot.set_my_short_description("Learn", language_code="en")
    assert await bot.set_my_name("Талимгер", language_code="kk")
    info = await client.bot_info()
    assert info["descriptions"] == {"en": "Micro-courses in a chat"}
    assert info["names"] == {"kk": "Талимгер"}


async def test_call_log(bot: Bot, user: ChatUser, client: SandboxClient) -> None:
    await bot.send_message(user.id, "logged", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest):
        await bot.send_message(user.id, "")
    calls = await client.calls("SendMessage")
    assert [(c["method"], c["status"]) for c in calls] == [("sendMessage", 200), ("sendMessage", 400)]
    assert calls[0]["params"]["text"] == "logged" and calls[0]["params"]["chat_id"] == user.id
    assert calls[1]["description"] == "Bad Request: message text is empty"
    await client.clear_calls()
    assert await client.calls() == []


async def test_user_api_refusals(client: SandboxClient, user: ChatUser) -> None:
    with pytest.raises(SandboxClientError, match="first_name is required"):
        await client.request("POST", "/sandbox/api/users", json={})
    with pytest.raises(SandboxClientError, match="taken"):
        await client.new_user(first_name="Twin", id=user.id)
    with pytest.raises(SandboxClientError) as caught:
        await client.request("POST", "/sandbox/api/chats/5/messages", json={"from_id": user.id, "text": "x"})
    assert caught.value.status == 404
    with pytest.raises(SandboxClientError, match="not the owner"):
        other = await client.new_user(first_name="Other")
        await other.in_chat(user.id).send("intrude")
    assert [u["id"] for u in await client.users()] == [user.id, other.id]
