"""The floor for a quiz answer: aiogram alone making the Bot API calls Talimger makes when a
learner answers a question — answer the press, edit the question, send the next one — with no
database, no i18n and no course logic. `bench/learners.py` measures it beside Talimger.

/start sends question 1 of 5; each press on a letter answers the press, edits the question
to show the choice and sends the next question. After the fifth, as Talimger does for a pass: the
lab work's text, its file (uploaded once, then sent by its file_id) and the result. So both bots
make the same calls, 17 for a learner's five answers (bench/learners.py prints them)."""
from __future__ import annotations

import asyncio
import os
from pathlib import Path

from aiogram import Bot, Dispatcher, F
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import CallbackQuery, FSInputFile, InlineKeyboardButton, InlineKeyboardMarkup, Message

QUESTIONS = 5
LETTERS = "ABCD"
LAB_FILE = Path(__file__).resolve().parent.parent / "content" / "courses" / "python-basics" / "media" / "lab1_calc.py"
LAB_TEXT = ("<b>Lab 1. A small calculator</b>\n\nWrite a program <code>calc.py</code> that:\n"
            "1) asks for the user's name and greets them by it;\n2) reads two whole numbers;\n"
            "3) prints their sum, difference, product, quotient (<code>/</code>), whole quotient "
            "(<code>//</code>) and remainder (<code>%</code>), each on its own line with an f-string, "
            "for example: <code>17 // 5 = 3</code>.\n\nThen try it out: what happens when the second "
            "number is 0? And when you type letters instead of a number? Write down the error messages you see.")


def question(number: int) -> tuple[str, InlineKeyboardMarkup]:
    keyboard = InlineKeyboardMarkup(inline_keyboard=[[
        InlineKeyboardButton(text=letter, callback_data=f"a:{number}:{letter}") for letter in LETTERS]])
    return f"Question {number} of {QUESTIONS}\nWhich one?\nA) one\nB) two\nC) three\nD) four", keyboard


def build_dispatcher() -> Dispatcher:
    dispatcher = Dispatcher()
    lab_file_id: list[str] = []  # the lab file's file_id once uploaded, as Talimger's media store keeps it

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
            await query.message.answer(LAB_TEXT, parse_mode="HTML")
            sent = await query.message.answer_document(lab_file_id[0] if lab_file_id else FSInputFile(LAB_FILE))
            if not lab_file_id and sent.document is not None:
                lab_file_id.append(sent.document.file_id)
            await query.message.answer(f"Result: {QUESTIONS} of {QUESTIONS}")

    return dispatcher


async def main() -> None:
    bot = Bot(os.environ["BOT_TOKEN"], session=AiohttpSession(api=TelegramAPIServer.from_base(os.environ["TELEGRAM_API_URL"])))
    await bot.delete_webhook()
    await build_dispatcher().start_polling(bot, polling_timeout=10)


if __name__ == "__main__":
    asyncio.run(main())
