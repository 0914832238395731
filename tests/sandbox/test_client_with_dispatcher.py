"""The test client against a real aiogram Dispatcher polling the sandbox."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiogram import Bot, Dispatcher, F, Router
from aiogram.filters import CommandObject, CommandStart
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from sandbox.client import ChatUser, SandboxClient

NEXT = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="Next ▶", callback_data="next")]])


def make_router() -> Router:
    router = Router()

    @router.message(CommandStart())
    async def start(message: Message, command: CommandObject) -> None:
        await message.answer(f"Welcome! course={command.args}")
        await message.answer("<b>Lesson 1</b>", parse_mode="HTML", reply_markup=NEXT)
        await message.answer("Tip: press Next")

    @router.callback_query(F.data == "next")
    async def next_chunk(query: CallbackQuery) -> None:
        await query.answer("➡️")
        await query.message.edit_text("<b>Lesson 2</b>", parse_mode="HTML")  # type: ignore[union-attr]

    @router.message(F.text == "slow")
    async def slow(message: Message) -> None:
        await asyncio.sleep(0.2)
        await message.answer("done slowly")

    return router


@pytest.fixture
async def polling(bot: Bot) -> AsyncIterator[Dispatcher]:
    dp = Dispatcher()
    dp.include_router(make_router())
    task = asyncio.create_task(
        dp.start_polling(bot, handle_signals=False, close_bot_session=False, polling_timeout=5)
    )
    yield dp
    await dp.stop_polling()
    await task


async def test_conversation(polling: Dispatcher, user: ChatUser) -> None:
    await user.send("/start ai101")
    # Three messages arrive; wait for the one that matters, whatever the order of arrival.
    lesson = await user.wait_for(lambda m: "Lesson" in m.text, timeout=5)
    assert lesson.html == "<b>Lesson 1</b>" and lesson.button_texts == ["Next ▶"]
    welcome = await user.wait_for(lambda m: m.text.startswith("Welcome"), timeout=5)
    assert welcome.text == "Welcome! course=ai101"
    await user.wait_for(lambda m: m.text.startswith("Tip"), timeout=5)
    assert user.last_bot_message().text == "Tip: press Next"  # type: ignore[union-attr]

    query_id = await user.press(lesson, "Next ▶")
    # Only changes after the press count: the old "Lesson 1" text cannot satisfy this.
    edited = await user.wait_for(lambda m: "Lesson" in m.text, timeout=5)
    assert edited.message_id == lesson.message_id and edited.text == "Lesson 2" and edited.edited == 1
    assert edited.buttons == []  # edit without reply_markup removed the keyboard
    assert (await user.wait_for_answer(query_id))["text"] == "➡️"


async def test_wait_for_timeout_lists_recent_messages(polling: Dispatcher, user: ChatUser) -> None:
    await user.send("/start")
    await user.wait_for(lambda m: m.text.startswith("Tip"), timeout=5)
    with pytest.raises(TimeoutError) as caught:
        await user.wait_for(lambda m: "Certificate" in m.text, timeout=0.3)
    assert "Lesson 1" in str(caught.value) and "Next ▶" in str(caught.value)


async def test_wait_quiet_and_mark(polling: Dispatcher, user: ChatUser) -> None:
    await user.send("slow")
    messages = await user.wait_quiet(period=0.3, timeout=5)
    assert messages[-1].text == "done slowly"
    await user.mark()
    with pytest.raises(TimeoutError):
        await user.wait_for(timeout=0.2)


async def test_restarted_bot_gets_unconfirmed_update_again(
    bot: Bot, user: ChatUser, client: SandboxClient
) -> None:
    """An update fetched but never confirmed (crash) is delivered again after a restart."""
    await user.send("/start again")
    fetched = await bot.get_updates()  # the "crashed" bot never confirms it
    dp = Dispatcher()
    dp.include_router(make_router())
    task = asyncio.create_task(
        dp.start_polling(bot, handle_signals=False, close_bot_session=False, polling_timeout=5)
    )
    try:
        welcome = await user.wait_for(lambda m: m.text.startswith("Welcome"), timeout=5)
        assert welcome.text == "Welcome! course=again"
    finally:
        await dp.stop_polling()
        await task
    assert fetched[0].update_id not in [u["update_id"] for u in await client.pending_updates()]
