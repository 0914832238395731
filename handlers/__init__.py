"""All routers, joined in one explicit order: the quiz's buttons first, then the staff routers (each
guarded once by its role), then the refusal of staff commands to everyone else, then the learners'
and the catch-alls. Typed answers are told apart by their conversation state (aiogram FSM), not by
router order."""
from __future__ import annotations

from aiogram import Router

from bot.telegram.middlewares import LearnerStatementsOnLoop
import handlers.coordinator
import handlers.instructor
import handlers.owner
from handlers.common.refusals import RefusalAnswer
from handlers.common import admin_chat_leave, errors, help as help_, staff_refusal, start
from handlers.learner import certificate, contact_reply, lesson, profile, progress, quiz, settings


def build_root_router() -> Router:
    root = Router(name="talimger")
    # The quiz router has only handlers of its own buttons (AnswerCb, StartQuizCb), which no other
    # router takes: first, an answer press is not offered to the ten others (a third of its routing).
    quiz_buttons = quiz.build_router()
    learners = [
        contact_reply.build_router(),  # only replies to the coordinators' messages, /contact and its answer
        start.build_router(),
        lesson.build_router(),
        progress.build_router(),
        settings.build_router(),
        certificate.build_router(),
        profile.build_router(),
        help_.build_router(),  # last: its fallback answers any private message nobody else took
    ]
    for router in (quiz_buttons, *learners):
        router.message.middleware(LearnerStatementsOnLoop())
        router.callback_query.middleware(LearnerStatementsOnLoop())
    root.include_routers(
        quiz_buttons,
        errors.build_router(),
        admin_chat_leave.build_router(),  # before any router that might take the service message
        handlers.owner.build_router(),
        handlers.coordinator.build_router(),
        handlers.instructor.build_router(),
        staff_refusal.build_router(),
        *learners,
    )
    # Services refuse by raising RefusedError; this answers it, for every handler below the root.
    root.message.middleware(RefusalAnswer())
    root.callback_query.middleware(RefusalAnswer())
    return root
