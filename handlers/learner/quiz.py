"""Taking a quiz: start or resume an attempt, answer questions one at a time."""
from __future__ import annotations

from dataclasses import replace

from aiogram import Router
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.db.models import User
from bot.services.registry import Services
from bot.telegram.callbacks import AnswerCb, StartQuizCb
from bot.telegram.chat_filters import PRIVATE
from bot.telegram.presenter import Presenter



async def start_quiz(query: CallbackQuery, callback_data: StartQuizCb, user: User, services: Services,
                     presenter: Presenter) -> None:
    question = await services.quiz.start(user.id, callback_data.l, callback_data.e,
                                         query.message.message_id if query.message is not None else None)
    await query.answer()
    await presenter.drop_buttons(query.message if isinstance(query.message, Message) else None)
    await presenter.question(question)


async def answer(query: CallbackQuery, callback_data: AnswerCb, user: User, services: Services,
                 presenter: Presenter) -> None:
    outcome = await services.quiz.answer(user.id, callback_data.a, callback_data.p, callback_data.o)
    if outcome.result is not None:
        outcome = replace(outcome, result=await services.preferences.offer_zone_once(user.id, outcome.result))
    # The answer and any unlock are committed before anything is sent (docs/ARCHITECTURE.md):
    # a failed send must not lose them, and SQLite's write lock does not wait on the network.
    await query.answer(_("✅ Correct!") if outcome.answered.is_correct else _("❌ Not quite."))
    await presenter.answered(query.message if isinstance(query.message, Message) else None, outcome)


def build_router() -> Router:
    """A fresh router: each dispatcher (and each test's bot) gets its own."""
    router = Router(name=__name__)
    router.callback_query.filter(PRIVATE)
    # Learning happens in the private chat; the admin group never gets a learner's lesson.
    router.message.filter(PRIVATE)
    router.callback_query.register(start_quiz, StartQuizCb.filter())
    router.callback_query.register(answer, AnswerCb.filter())
    return router
