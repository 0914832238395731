"""All routers, joined in one explicit order: specific handlers before the catch-alls."""
from __future__ import annotations

from aiogram import Router

from handlers.common import errors, help as help_, start
from handlers.learner import lesson, profile, progress, quiz


def build_root_router() -> Router:
    root = Router(name="talimger")
    root.include_routers(
        errors.build_router(),
        start.build_router(),
        lesson.build_router(),
        quiz.build_router(),
        progress.build_router(),
        profile.build_router(),
        help_.build_router(),  # last: its fallback answers any private message nobody else took
    )
    return root
