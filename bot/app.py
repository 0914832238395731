"""Assembles the bot and runs it: database, i18n, dispatcher, Bot API session, web service and
background jobs, in polling or webhook mode. Nothing here is global; each part is built in its
own module (bot_api, dispatcher, web_service, background_jobs, staff_menus, course_publishing)."""
from __future__ import annotations

import asyncio
import logging
import random
import socket
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.utils.i18n import I18n
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.exc import IntegrityError, ProgrammingError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.background_jobs import build_outbox, build_sweeper, start_background_jobs, stop_background_jobs
from bot.bot_api import SendLimits, build_bot, check_bot_api
from bot.config import ConfigError, Settings
from bot.course_publishing import load_first_course_if_empty, publish_course
from bot.db.migrate import upgrade_to_head
from bot.db.session import create_engine, create_session_factory
from bot.db.uow import UnitOfWorkFactory
from bot.db.writable import DatabaseUnusable, check_writable, database_unusable
from bot.dispatcher import build_dispatcher
from bot.media_store import MediaStore
from bot.metrics import BotMetrics
from bot.services.clock import Clock, SystemClock
from bot.services.course_import import ImportResult
from bot.services.staff import Role
from bot.staff_menus import bootstrap_staff, register_staff_menus
from bot.telegram.broadcast_progress import BroadcastProgressObserver
from bot.telegram.commands import register_profile
from bot.telegram.i18n import create_i18n
from bot.telegram.throttle import SendThrottle
from bot.telegram.webhook import ensure_webhook
from bot.web import WebServer
from bot.web.health import RedisCheck
from bot.telegram_types_on_demand import build_the_types_every_update_uses
from bot.web_service import build_bot_web_app, reserve_web_port
from content import Course
from scheduler.digest import WeeklyDigest
from scheduler.outbox import OutboxSender
from scheduler.sweep import Sweeper

__all__ = ["SendLimits", "Talimger"]

log = logging.getLogger(__name__)


@dataclass
class Talimger:
    """One running bot; `start()` migrates and begins polling (or, with WEBHOOK_URL, takes updates
    on the web app), `stop()` ends it cleanly."""

    settings: Settings
    token: str
    api_url: str | None = None
    clock: Clock = field(default_factory=SystemClock)
    rng: random.Random = field(default_factory=random.SystemRandom)
    send_limits: SendLimits | None = None  # None: from settings
    # (user id, role) granted for all courses at start: the sandbox's browser staff (bot/cli.py).
    bootstrap_staff: list[tuple[int, Role]] = field(default_factory=list)

    engine: AsyncEngine | None = None
    uow_factory: UnitOfWorkFactory | None = None
    i18n: I18n | None = None
    bot: Bot | None = None
    dispatcher: Dispatcher | None = None
    web: WebServer | None = None  # certificate pages, started with the bot
    sweeper: Sweeper | None = None  # reminders and week openings; tests call `sweeper.sweep()`
    throttle: SendThrottle | None = None  # the one pace of every send (the bot session's middleware)
    outbox: OutboxSender | None = None  # sends what the bot sends on its own; tests call `outbox.drain()`
    scheduler: AsyncIOScheduler | None = None
    metrics: BotMetrics = field(default_factory=BotMetrics)  # served at /metrics
    digest: WeeklyDigest | None = None  # the weekly digest to the admin chat; tests call `digest.run()`
    _polling: asyncio.Task[None] | None = None
    _serving: asyncio.Event = field(default_factory=asyncio.Event)  # webhook mode: set when stopped
    _redis_check: RedisCheck | None = None
    _redis: Any = None  # the send limiter's connection, when REDIS_URL is set
    _web_socket: socket.socket | None = None

    @property
    def webhook_mode(self) -> bool:
        return bool(self.settings.webhook_url)

    async def prepare(self, *, first_course: bool = True) -> None:
        """Database schema, catalogs and (on an empty database, unless `first_course` is False because
        the caller is about to publish one itself) the first course of CONTENT_DIR or the sample course."""
        await self.upgrade_database()
        assert self.engine is not None
        self.uow_factory = UnitOfWorkFactory(create_session_factory(self.engine),
                                             serialize_writes=self.engine.dialect.name == "sqlite")
        self.i18n = create_i18n(self.settings.default_locale)
        if first_course:
            await self.load_sample_course_if_empty()
        session = build_bot(self.settings, self.token, self.api_url, self.send_limits, self.metrics)
        self.bot, self.throttle, self._redis = session.bot, session.throttle, session.redis
        self.dispatcher = build_dispatcher(self.settings, self.uow_factory, self.i18n, self.clock, self.rng,
                                           self.metrics, self.media_store)
        build_the_types_every_update_uses()
        self.sweeper = build_sweeper(self.settings, self.uow_factory, self.i18n, self.clock)
        self.outbox = build_outbox(self.settings, self.uow_factory, self.bot, self.throttle, self.clock,
                                   self.metrics)
        self.digest = WeeklyDigest(self.uow_factory, self.i18n, self.clock, self.settings.admin_chat_id,
                                   self.settings.default_locale)
        # A broadcast's progress message is edited as its rows go out, and reports when it is over.
        self.outbox.observers.append(BroadcastProgressObserver(self.uow_factory, self.bot, self.i18n, self.clock,
                                                               self.settings.default_locale))

    async def upgrade_database(self) -> None:
        """Migrate to the newest schema (on PostgreSQL under an advisory lock: replicas starting
        together take turns) and check the database takes writes; `talimger db upgrade` is this alone."""
        variable = "DATABASE_URL" if self.settings.database_url else "DATA_DIR"
        try:
            self.engine = create_engine(self.settings.effective_database_url)
            await upgrade_to_head(self.engine)
            await check_writable(self.engine)
        except DatabaseUnusable as error:
            raise ConfigError(f"Bad setting {variable}: {error}") from None
        except (SQLAlchemyError, OSError) as error:
            problem = database_unusable(self.engine, error)
            if isinstance(error, (ProgrammingError, IntegrityError)) and not problem.read_only:
                raise  # a migration's own mistake, not a setting
            raise ConfigError(f"Bad setting {variable}: {problem}") from None

    async def load_sample_course_if_empty(self) -> ImportResult | None:
        """On an empty database, the first course in CONTENT_DIR that loads, else the sample course
        (see `load_first_course_if_empty`)."""
        assert self.uow_factory is not None
        return await load_first_course_if_empty(self.uow_factory, self.clock, self.media_store, self._checking_i18n(),
                                                Path(self.settings.content_dir))

    @property
    def media_store(self) -> MediaStore:
        """Course media copied at load; what learners receive is read only from here."""
        return MediaStore(self.settings.data_dir / "media")

    async def publish_course(self, source: Path | Course) -> ImportResult:
        """Validate and publish (see `bot.course_publishing.publish_course`)."""
        assert self.uow_factory is not None
        return await publish_course(self.uow_factory, self.clock, self.media_store, self._checking_i18n(), source)

    def _checking_i18n(self) -> I18n:
        """A course is checked as the bot renders it, also before `prepare()` made the bot's catalogs."""
        return self.i18n or create_i18n(self.settings.default_locale)

    async def start(self) -> None:
        """Prepare, register the menu, and poll in the background (webhook mode: take updates on the web app)."""
        if self.webhook_mode:
            self.settings.check_webhook_mode()  # no secret: refused before anything starts
        if self.dispatcher is None:
            self._web_socket = reserve_web_port(self.settings)  # before any migration
            await self.prepare()
        assert self.bot is not None and self.dispatcher is not None and self.i18n is not None
        assert self.uow_factory is not None and self.sweeper is not None
        await check_bot_api(self.bot, self.token, self.api_url, self.webhook_mode)
        await register_profile(self.bot, self.i18n, self.settings.default_locale, self.settings.admin_chat_id)
        await bootstrap_staff(self.uow_factory, self.clock, self.bootstrap_staff)
        await register_staff_menus(self.bot, self.i18n, self.uow_factory, self.clock, self.settings)
        await self.start_web()
        if self.webhook_mode:
            assert self.settings.webhook_url is not None and self.settings.secret is not None
            await ensure_webhook(self.bot, self.settings.webhook_url, self.settings.secret,
                                 self.dispatcher.resolve_used_update_types())
        else:
            self._polling = asyncio.create_task(
                self.dispatcher.start_polling(self.bot, handle_signals=False, close_bot_session=False,
                                              polling_timeout=10)
            )
        if self.scheduler is None:
            self.scheduler = start_background_jobs(self.settings, self.uow_factory, self.clock, self.sweeper,
                                                   self.outbox, self.digest)

    async def set_webhook(self) -> None:
        """The deploy step `talimger webhook set`: point Telegram at WEBHOOK_URL with WEBHOOK_SECRET now
        (also when only the secret changed, which getWebhookInfo cannot show)."""
        self.settings.check_webhook_mode()
        await self.prepare()
        assert self.bot is not None and self.dispatcher is not None
        assert self.settings.webhook_url is not None and self.settings.secret is not None
        await check_bot_api(self.bot, self.token, self.api_url, self.webhook_mode)
        await ensure_webhook(self.bot, self.settings.webhook_url, self.settings.secret,
                             self.dispatcher.resolve_used_update_types(), force=True)

    async def start_web(self) -> WebServer:
        """The certificate pages, health and metrics, and in webhook mode the webhook, on
        WEB_HOST:WEB_PORT (port 0: a free one, see `web.url`)."""
        assert self.uow_factory is not None and self.i18n is not None and self.engine is not None
        webhook = None
        if self.webhook_mode:
            assert self.dispatcher is not None and self.bot is not None
            webhook = (self.dispatcher, self.bot)
        built = build_bot_web_app(self.settings, self.uow_factory, self.i18n, self.engine, self.clock,
                                  self.metrics, self.token.split(":", 1)[0], webhook)
        self._redis_check = built.redis_check
        sock, self._web_socket = self._web_socket, None
        self.web = await WebServer(built.app, self.settings.web_host, self.settings.web_port, sock).start()
        return self.web

    async def wait(self) -> None:
        """Until polling ends or, in webhook mode, until `stop()`."""
        if self._polling is not None:
            await self._polling
        elif self.webhook_mode and self.web is not None:
            await self._serving.wait()

    async def stop(self) -> None:
        if self.dispatcher is not None and self._polling is not None:
            try:
                await self.dispatcher.stop_polling()
            except RuntimeError:
                log.debug("polling had already stopped")
            await asyncio.gather(self._polling, return_exceptions=True)
            self._polling = None
        if self.web is not None:
            await self.web.stop()  # webhook mode: takes no more updates, finishes those in flight
            self.web = None
        self._serving.set()
        if self._redis_check is not None:
            await self._redis_check.close()
            self._redis_check = None
        if self._web_socket is not None:
            self._web_socket.close()
            self._web_socket = None
        await stop_background_jobs(self.scheduler, self.sweeper, self.outbox)
        self.scheduler = None
        if self.bot is not None:
            await self.bot.session.close()
        if self._redis is not None:
            await self._redis.aclose()
            self._redis = None
        if self.engine is not None:
            await self.engine.dispose()
