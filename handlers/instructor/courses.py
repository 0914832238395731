"""/courses: every course with its learners, versions and any draft."""
from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message

from bot.services.course_catalog import CourseCatalog
from bot.services.registry import Services
from bot.telegram.presenter import Presenter
from bot.telegram.texts_courses import courses_text
from handlers.instructor.staff_place import instructor_scope


async def courses(message: Message, services: Services, presenter: Presenter) -> None:
    assert message.from_user is not None  # HasRole let only a person through
    summaries = await CourseCatalog(services.uow, instructor_scope(services, message.from_user)).summaries()
    await presenter.long_text(courses_text(summaries, presenter.locale))


def build_router() -> Router:
    """A fresh router: each dispatcher (and each test's bot) gets its own."""
    router = Router(name=__name__)
    router.message.register(courses, Command("courses"))
    return router
