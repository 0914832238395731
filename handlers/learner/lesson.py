"""Reading a lecture: /lesson, "Next", re-reading, reviewing and self-check steps."""
from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.db.models import User
from bot.services.registry import Services
from bot.services.refusals import RefusedError
from bot.services.views import Refusal, Refused
from bot.telegram import course_messages
from bot.telegram.callbacks import NextChunkCb, OpenLectureCb, ReviewCb, SelfCheckCb
from bot.telegram.chat_filters import PRIVATE
from bot.telegram.presenter import Presenter
from handlers.learner.flow import deliver_step



def _message(query: CallbackQuery) -> Message | None:
    return query.message if isinstance(query.message, Message) else None


async def lesson(message: Message, user: User, services: Services, presenter: Presenter) -> None:
    step = await services.lessons.resume(user.id)
    await deliver_step(user.id, step, services, presenter)


async def next_chunk(query: CallbackQuery, callback_data: NextChunkCb, user: User, services: Services,
                     presenter: Presenter) -> None:
    step = await services.lessons.advance(user.id, callback_data.e, callback_data.l, callback_data.p,
                                          rereading=bool(callback_data.r))
    await query.answer()
    await presenter.drop_buttons(_message(query))
    await presenter.chunk(step)


async def open_lecture(query: CallbackQuery, callback_data: OpenLectureCb, user: User, services: Services,
                       presenter: Presenter) -> None:
    step = await services.lessons.open_lecture(user.id, callback_data.l, callback_data.e)
    await query.answer()
    await presenter.drop_buttons(_message(query))
    await deliver_step(user.id, step, services, presenter)


async def review(query: CallbackQuery, callback_data: ReviewCb, user: User, services: Services,
                 presenter: Presenter) -> None:
    step = await services.lessons.review(user.id, callback_data.c, callback_data.e)
    await query.answer()
    await presenter.chunk(step)


async def self_check(query: CallbackQuery, callback_data: SelfCheckCb, user: User, services: Services,
                     presenter: Presenter) -> None:
    chunk = await services.lessons.review(user.id, callback_data.c)
    options = chunk.body.get("options", [])
    if chunk.kind != "self_check" or not 0 <= callback_data.o < len(options):
        raise RefusedError(Refused(Refusal.STALE))
    short, text = course_messages.self_check_text(chunk, callback_data.o, presenter.locale)
    await query.answer(short)
    message = _message(query)
    if message is None:
        return
    # Keep the learner's "Next" button; only the answer buttons go.
    kept = [row for row in (message.reply_markup.inline_keyboard if message.reply_markup else [])
            if not any((button.callback_data or "").startswith(SelfCheckCb.__prefix__) for button in row)]
    await presenter.self_check(message, chunk, text, InlineKeyboardMarkup(inline_keyboard=kept) if kept else None)


def build_router() -> Router:
    """A fresh router: each dispatcher (and each test's bot) gets its own."""
    router = Router(name=__name__)
    router.callback_query.filter(PRIVATE)
    # Learning happens in the private chat; the admin group never gets a learner's lesson.
    router.message.filter(PRIVATE)
    router.message.register(lesson, Command("lesson"))
    router.callback_query.register(next_chunk, NextChunkCb.filter())
    router.callback_query.register(open_lecture, OpenLectureCb.filter())
    router.callback_query.register(review, ReviewCb.filter())
    router.callback_query.register(self_check, SelfCheckCb.filter())
    return router
