"""Where the learner stands: /progress, /results, /course."""
from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message

from bot.db.models import User
from bot.services.certificates import certificate_url
from bot.services.registry import Services
from bot.telegram import texts
from bot.telegram.chat_filters import PRIVATE
from bot.telegram.presenter import Presenter
from bot.telegram.texts_account import passport_text
from bot.telegram.texts_certificate import progress_certificate_line



async def progress(message: Message, user: User, services: Services, presenter: Presenter,
                   public_base_url: str) -> None:
    view = await services.progress.overview(user.id)
    url = certificate_url(public_base_url, view.certificate_code) if view.certificate_code else None
    text = texts.progress_text(view, presenter.locale, url)
    missing = progress_certificate_line(view.completion, presenter.locale)  # what the certificate still needs
    await presenter.text(f"{text}\n{missing}" if missing else text)


async def results(message: Message, user: User, services: Services, presenter: Presenter) -> None:
    rows = await services.progress.results(user.id)
    await presenter.long_text(texts.results_text(rows, presenter.locale))


async def course(message: Message, user: User, services: Services, presenter: Presenter) -> None:
    view = await services.progress.passport(user.id)
    await presenter.long_text(passport_text(view, presenter.locale))


def build_router() -> Router:
    """A fresh router: each dispatcher (and each test's bot) gets its own."""
    router = Router(name=__name__)
    router.callback_query.filter(PRIVATE)
    # Learning happens in the private chat; the admin group never gets a learner's lesson.
    router.message.filter(PRIVATE)
    router.message.register(progress, Command("progress"))
    router.message.register(results, Command("results"))
    router.message.register(course, Command("course"))
    return router
