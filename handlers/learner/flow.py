"""Delivering "where the learner is" — shared by /start, /lesson and language changes."""
from __future__ import annotations

from aiogram.utils.i18n import gettext as _

from bot.services.lesson import CourseFinished
from bot.services.registry import Services
from bot.services.views import ChunkView, Refused
from bot.telegram import texts
from bot.telegram.presenter import Presenter


async def deliver_step(user_id: int, step: ChunkView | CourseFinished | Refused, services: Services,
                       presenter: Presenter) -> None:
    """Send the chunk at the cursor, or the quiz question waiting for an answer."""
    if isinstance(step, ChunkView):
        question = await services.quiz.resume(user_id)
        await services.uow.commit()
        if question is not None:
            await presenter.question(question)
        else:
            await presenter.chunk(step)
    elif isinstance(step, CourseFinished):
        await presenter.text(_("You have passed every lecture of this course. 🎓"))
        if step.certificate_code:
            await presenter.certificate(step.certificate_code)
    else:
        await presenter.text(texts.refusal_text(step, presenter.locale))
