"""The floor for a quiz answer: aiogram alone making the Bot API calls Talimger makes when a
learner answers a question — answer the press, edit the question, send the next one — with no
database, no i18n and no course logic. `bench/learners.py` measures it beside Talimger.

/start sends question 1 of 5; each press on a letter answers the press, edits the question
to show the choice and sends the next question (after the fifth: the result)."""
from __future__ import annotations

import asyncio
import os

from aiogram import Bot, Dispatcher, F
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

QUESTIONS = 5
LETTERS = "ABCD"


def question(number: int) -> tuple[str, InlineKeyboardMarkup]:
    keyboard = InlineKeyboardMarkup(inline_keyboard=[[
        InlineKeyboardButton(text=letter, callback_data=f"a:{number}:{letter}") for letter in LETTERS]])
    return f"Question {number} of {QUESTIONS}\nWhich one?\nA) one\nB) two\nC) three\nD) four", keyboard


def build_dispatcher() -> Dispatcher:
    dispatcher = Dispatcher()

    @dispatcher.message()
    async def first_question(message: Message) -> None:
        text, keyboard = question(1)
        await message.answer(text, reply_markup=keyboard)

    @dispatcher.callback_query(F.data.startswith("a:"))
    async def answered(query: CallbackQuery) -> None:
        _, number, letter = (query.data or "a:1:A").split(":")
        await query.answer("Correct" if letter == "A" else "Wrong")
        assert isinstance(query.message, Message)
        await query.message.edit_text(f"{query.message.text}\n\nYour answer: {letter}")
        if int(number) < QUESTIONS:
            text, keyboard = question(int(number) + 1)
            await query.message.answer(text, reply_markup=keyboard)
        else:
            await query.message.answer(f"Result: {QUESTIONS} of {QUESTIONS}")

    return dispatcher


async def main() -> None:
    bot = Bot(os.environ["BOT_TOKEN"], session=AiohttpSession(api=TelegramAPIServer.from_base(os.environ["TELEGRAM_API_URL"])))
    await bot.delete_webhook()
    await build_dispatcher().start_polling(bot, polling_timeout=10)


if __name__ == "__main__":
    asyncio.run(main())
