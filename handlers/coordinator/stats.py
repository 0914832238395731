"""/stats [COURSE]: the course's figures as a short text and the lecture funnel as a chart."""
from __future__ import annotations

import asyncio
import logging

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import BufferedInputFile, Message, Update

from bot.config import Settings
from bot.services.analytics import AnalyticsService
from bot.services.registry import Services
from bot.services.staff import Role
from bot.telegram.charts import render_funnel_png
from bot.telegram.presenter import Presenter
from bot.telegram.texts_analytics import funnel_chart, stats_text

log = logging.getLogger(__name__)


def analytics_for(services: Services, settings: Settings, user_id: int) -> AnalyticsService:
    """Figures of the courses this coordinator may see (an owner: every course)."""
    return AnalyticsService(services.uow, services.clock, services.staff.scope(user_id, Role.COORDINATOR),
                            settings.default_locale)


def course_argument(command: CommandObject) -> str | None:
    words = (command.args or "").split()
    return words[0] if words else None


async def stats(message: Message, command: CommandObject, services: Services, presenter: Presenter,
                settings: Settings, event_update: Update) -> None:
    assert message.from_user is not None  # HasRole let only a person through
    analytics = analytics_for(services, settings, message.from_user.id)
    course = await analytics.choose_course(course_argument(command), "stats")
    figures = await analytics.stats(course)
    await presenter.long_text(stats_text(figures, presenter.locale))  # a long course: parts, not a 400
    chart = funnel_chart(figures, presenter.locale)
    png = await asyncio.to_thread(render_funnel_png, chart)  # drawing is CPU work: off the event loop
    log.info("user %s: /stats of %s (update %s, chart %d bytes)", message.from_user.id, course.slug,
             event_update.update_id, len(png))
    await presenter.bot.send_photo(presenter.chat_id, BufferedInputFile(png, f"{course.slug}-stats.png"))


def build_router() -> Router:
    """A fresh router: each dispatcher (and each test's bot) gets its own."""
    router = Router(name=__name__)
    router.message.register(stats, Command("stats"))
    return router
