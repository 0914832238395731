"""All routers, joined in one explicit order: specific handlers before the catch-alls."""
from __future__ import annotations

from aiogram import Router

from handlers.admin import revoke
from handlers.common import errors, help as help_, start
from handlers.instructor import catalog, content
from handlers.learner import certificate, lesson, profile, progress, quiz, settings


def build_root_router() -> Router:
    root = Router(name="talimger")
    root.include_routers(
        errors.build_router(),
        start.build_router(),
        lesson.build_router(),
        quiz.build_router(),
        progress.build_router(),
        settings.build_router(),
        certificate.build_router(),  # before profile: it reads the name typed for the certificate
        profile.build_router(),
        revoke.build_router(),
        catalog.build_router(),  # staff only: one guard on the router
        content.build_router(),  # staff only (its own filter): upload, preview, publish, files
        help_.build_router(),  # last: its fallback answers any private message nobody else took
    )
    return root
