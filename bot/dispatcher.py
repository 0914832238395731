"""The dispatcher: its middlewares in the order an update meets them, and the handlers' routers."""
from __future__ import annotations

import random

from aiogram import Dispatcher
from aiogram.utils.i18n import I18n

from bot.config import Settings
from bot.db.uow import UnitOfWorkFactory
from bot.media_store import MediaStore
from bot.metrics import BotMetrics
from bot.services.clock import Clock
from bot.telegram.course_alerts import CourseAlerts
from bot.telegram.fsm_storage import SqlStorage, build_storage
from bot.telegram.metrics import UpdateMetrics
from bot.telegram.middlewares import PresenterMiddleware, UnitOfWorkMiddleware, UserLocaleMiddleware
from handlers import build_root_router


def build_dispatcher(settings: Settings, uow_factory: UnitOfWorkFactory, i18n: I18n, clock: Clock,
                     rng: random.Random, metrics: BotMetrics, media_store: MediaStore) -> Dispatcher:
    # aiogram's FSM middleware is registered by hand, after the unit of work opens: the state
    # is then read in the update's own transaction instead of a second session per update.
    storage = build_storage(settings.redis_url, uow_factory)
    dispatcher = Dispatcher(storage=storage, disable_fsm=True,
                            public_base_url=settings.public_base_url, settings=settings,
                            media_store=media_store)
    dispatcher.update.outer_middleware(UpdateMetrics(metrics))  # first: its time includes the commit
    alerts = CourseAlerts(settings.admin_chat_id, i18n, settings.default_locale)
    dispatcher.update.outer_middleware(
        UnitOfWorkMiddleware(uow_factory, clock, rng, settings.default_locale,
                             owner_ids=frozenset(settings.owner_ids),
                             state_keys=dispatcher.fsm if isinstance(storage, SqlStorage) else None)
    )
    dispatcher.update.outer_middleware(dispatcher.fsm)
    dispatcher.update.outer_middleware(
        PresenterMiddleware(clock, settings.default_locale, settings.public_base_url,
                            settings.issuer_name, alerts, media_store))
    UserLocaleMiddleware(i18n, settings.default_locale).setup(dispatcher)
    dispatcher.include_router(build_root_router())
    return dispatcher
