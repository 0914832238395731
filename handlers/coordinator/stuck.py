"""/stuck [COURSE]: who stalled longest, and one button that nudges them all through the outbox."""
from __future__ import annotations

import logging

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n

from bot.config import Settings
from bot.services.analytics import STUCK_LISTED, StuckLearner
from bot.services.registry import Services
from bot.services.views import pick
from bot.telegram.callbacks import NudgeStuckCb
from bot.telegram.outbox_payloads import text_payload
from bot.telegram.presenter import Presenter
from bot.telegram.texts_analytics import nudge_button_text, nudge_text, nudged_text, stuck_text
from handlers.coordinator.stats import analytics_for, course_argument

log = logging.getLogger(__name__)


async def stuck(message: Message, command: CommandObject, services: Services, presenter: Presenter,
                settings: Settings) -> None:
    assert message.from_user is not None  # HasRole let only a person through
    analytics = analytics_for(services, settings, message.from_user.id)
    course = await analytics.choose_course(course_argument(command), "stuck")
    learners = await analytics.stuck(course)
    markup = None
    if any(learner.accepts_nudges for learner in learners):
        markup = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(
            text=nudge_button_text(), callback_data=NudgeStuckCb(c=course.course_id).pack())]])
    await presenter.long_text(stuck_text(course.slug, learners, STUCK_LISTED, presenter.locale), markup)


async def nudge_all(query: CallbackQuery, callback_data: NudgeStuckCb, services: Services, presenter: Presenter,
                    settings: Settings, i18n: I18n) -> None:
    await query.answer()
    analytics = analytics_for(services, settings, query.from_user.id)
    course = await analytics.course_by_id(callback_data.c, "stuck")

    def payload_for(learner: StuckLearner) -> dict[str, object]:
        with i18n.use_locale(learner.locale):  # the learner's language, not the coordinator's
            return text_payload(nudge_text(pick(course.title, learner.locale),
                                           pick(learner.lecture_title, learner.locale) or None))

    result = await analytics.nudge(course, payload_for)  # queued in this update's commit
    log.info("user %s nudged the stalled learners of %s: %s queued, %s already today, %s opted out",
             query.from_user.id, course.slug, result.queued, result.already_nudged, result.skipped_opted_out)
    await presenter.text(nudged_text(result))


def build_router() -> Router:
    """A fresh router: each dispatcher (and each test's bot) gets its own."""
    router = Router(name=__name__)
    router.message.register(stuck, Command("stuck"))
    router.callback_query.register(nudge_all, NudgeStuckCb.filter())
    return router
