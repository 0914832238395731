"""Delivering "where the learner is" — shared by /start, /lesson and language changes."""
from __future__ import annotations

from aiogram.utils.i18n import gettext as _

from bot.services.lesson import CourseFinished, NotEnrolled, WeekNotOpen
from bot.services.registry import Services
from bot.services.views import ChunkView, Refusal, Refused
from bot.telegram import texts
from bot.telegram.certificate_messages import send_completion
from bot.telegram.presenter import Presenter


async def deliver_step(user_id: int, step: ChunkView | CourseFinished | NotEnrolled | WeekNotOpen, services: Services,
                       presenter: Presenter) -> None:
    """Send the chunk at the cursor, or the quiz question waiting for an answer."""
    if isinstance(step, ChunkView):
        # The quiz of the chunk's course: a learner in two courses may be quizzed in the other.
        question = await services.quiz.resume(user_id, step.enrolment_id)
        if question is not None:
            await presenter.question(question)
        else:
            await presenter.chunk(step)
    elif isinstance(step, CourseFinished):
        final_question = await services.final_test.resume(user_id, step.enrolment_id)
        if final_question is not None:
            await presenter.question(final_question)
            return
        await presenter.text(_("You have passed every lecture of this course. 🎓"))
        await send_completion(presenter, await services.certificates.for_learner(user_id, step.enrolment_id))
    elif isinstance(step, WeekNotOpen):
        await presenter.text(texts.refusal_text(Refused(Refusal.NOT_RELEASED, step.until, step.zone),
                                                presenter.locale))
    else:
        await presenter.text(texts.refusal_text(Refused(Refusal.NOT_ENROLLED), presenter.locale))
