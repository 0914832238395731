"""Assembles the bot: database, i18n, dispatcher, Bot API session. Nothing here is global."""
from __future__ import annotations

import asyncio
import logging
import random
import socket
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import PRODUCTION, TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramNetworkError, TelegramUnauthorizedError
from aiogram.utils.i18n import I18n
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.exc import IntegrityError, ProgrammingError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import ConfigError, Settings, web_app_url
from bot.db.migrate import upgrade_to_head
from bot.db.writable import DatabaseUnusable, check_writable, database_unusable
from bot.db.session import create_engine, create_session_factory
from bot.db.uow import UnitOfWorkFactory
from bot.media_store import MediaStore
from bot.metrics import BotMetrics
from bot.services.clock import Clock, SystemClock
from bot.services.course_import import CourseImporter, ImportResult
from bot.services.staff import Role, StaffService
from bot.services.users import UserService
from bot.telegram.broadcast_progress import BroadcastProgressObserver
from bot.telegram.commands import register_profile, set_private_menu
from bot.telegram.fsm_storage import SqlStorage, build_storage
from bot.telegram.course_alerts import CourseAlerts
from bot.telegram.course_check import RenderedCourseCheck
from bot.telegram.i18n import create_i18n
from bot.telegram.metrics import ApiCallMetrics, UpdateMetrics
from bot.telegram.webhook import ensure_webhook
from bot.telegram.middlewares import PresenterMiddleware, UnitOfWorkMiddleware, UserLocaleMiddleware
from bot.telegram.commit_before_send import CommitBeforeSend
from bot.telegram.response_types import KeepResponseTypes
from bot.telegram.throttle import SendThrottle, build_limiter
from bot.web import WebServer, create_web_app
from bot.web.health import Check, RedisCheck, database_check
from bot.web.server import CannotListen, listen_socket
from bot.web.webhook import WebhookHandler
from content import SAMPLE_COURSE_DIR, Course, CourseValidationError, discover_courses, load_course
from handlers import build_root_router
from scheduler.housekeeping import Housekeeper
from scheduler.digest import WeeklyDigest
from scheduler.outbox import OutboxConfig, OutboxSender
from scheduler.setup import build_scheduler
from scheduler.sweep import SweepConfig, Sweeper

log = logging.getLogger(__name__)


@dataclass
class SendLimits:
    global_rate: float = 30
    per_chat_rate: float = 1
    per_chat_burst: int = 3


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

    async def prepare(self) -> None:
        """Database schema, catalogs and (on an empty database) the sample course."""
        await self.upgrade_database()
        assert self.engine is not None
        self.uow_factory = UnitOfWorkFactory(create_session_factory(self.engine),
                                             serialize_writes=self.engine.dialect.name == "sqlite")
        self.i18n = create_i18n(self.settings.default_locale)
        await self.load_sample_course_if_empty()
        self.bot = self._build_bot()
        self.dispatcher = self._build_dispatcher()
        self.sweeper = self._build_sweeper()
        self.outbox = self._build_outbox()
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
        """On an empty database, the first course in CONTENT_DIR that loads (a broken one is
        logged with its errors and skipped); the sample course only if CONTENT_DIR holds none.

        A production bot whose every course is broken starts with no course rather than teach
        the sample one to its learners."""
        assert self.uow_factory is not None
        async with self.uow_factory() as uow:
            if await uow.courses.count() > 0:
                return None
        found = discover_courses(self.settings.content_dir) if Path(self.settings.content_dir).is_dir() else []
        for source in found or [SAMPLE_COURSE_DIR]:
            try:
                result = await self.publish_course(source)
            except CourseValidationError as error:
                log.error("course %s not loaded: %s", source, error)
                continue
            log.info("the database held no course: loaded %s (version %s) from %s", result.slug,
                     result.version_number, source)
            return result
        log.error("no course loaded: every course in CONTENT_DIR %s is broken (%s); fix them and restart, "
                  "or load one with `talimger course load`", self.settings.content_dir,
                  ", ".join(str(source) for source in found))
        return None

    @property
    def media_store(self) -> MediaStore:
        """Course media copied at load; what learners receive is read only from here."""
        return MediaStore(self.settings.data_dir / "media")

    async def publish_course(self, source: Path | Course) -> ImportResult:
        """Validate (the format, then every message rendered as the bot sends it) and publish;
        raises `CourseValidationError` listing every problem. A `Course` is one already checked so."""
        assert self.uow_factory is not None
        spec = source if isinstance(source, Course) else load_course(
            source, RenderedCourseCheck(self.i18n or create_i18n(self.settings.default_locale)))
        async with self.uow_factory() as uow:
            result = await CourseImporter(uow, self.clock, self.media_store).publish(spec)
            await uow.commit()
        return result

    def _build_bot(self) -> Bot:
        api = TelegramAPIServer.from_base(self.api_url) if self.api_url else PRODUCTION
        session = AiohttpSession(api=api)
        limits = self.send_limits or SendLimits(self.settings.send_rate_global, self.settings.send_rate_per_chat,
                                                self.settings.send_burst_per_chat)
        # Registered first, so it is the outermost: the commit happens before any pacing wait.
        session.middleware(CommitBeforeSend())
        session.middleware(KeepResponseTypes())
        limiter, self._redis = build_limiter(self.settings.redis_url, self.token, limits.global_rate,
                                             limits.per_chat_rate, limits.per_chat_burst)
        self.throttle = SendThrottle(limiter)
        session.middleware(self.throttle)
        session.middleware(ApiCallMetrics(self.metrics))  # innermost: each request, each retry, counts
        return Bot(self.token, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))

    def _build_sweeper(self) -> Sweeper:
        assert self.uow_factory is not None and self.bot is not None and self.i18n is not None
        settings = self.settings
        return Sweeper(self.uow_factory, self.i18n, self.clock, settings.default_locale,
                       SweepConfig(settings.sweep_batch_size, settings.sweep_claim_seconds))

    def _build_outbox(self) -> OutboxSender:
        assert self.uow_factory is not None and self.bot is not None and self.throttle is not None
        settings = self.settings
        return OutboxSender(self.uow_factory, self.bot, self.throttle, self.clock,
                            OutboxConfig(batch_size=settings.outbox_batch_size,
                                         claim_seconds=settings.outbox_claim_seconds,
                                         group_size=settings.outbox_group_size),
                            metrics=self.metrics)

    def _start_scheduler(self) -> None:
        """The periodic sweep; nothing to restore, the database says what is due."""
        if self.settings.scheduler_enabled and self.sweeper is not None and self.scheduler is None:
            self.scheduler = build_scheduler(self.sweeper, self.settings.sweep_interval_seconds,
                                             Housekeeper(self.uow_factory, self.clock), self.digest)
            self.scheduler.start()
            if self.outbox is not None:
                self.outbox.start()

    async def _stop_scheduler(self) -> None:
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=False)
            self.scheduler = None
        if self.sweeper is not None:
            await self.sweeper.close()  # a sweep in progress finishes its batch before the session closes
        if self.outbox is not None:
            await self.outbox.close()  # the group in flight is recorded before the session closes

    def _build_dispatcher(self) -> Dispatcher:
        assert self.uow_factory is not None and self.i18n is not None
        # aiogram's FSM middleware is registered by hand, after the unit of work opens: the state
        # is then read in the update's own transaction instead of a second session per update.
        storage = build_storage(self.settings.redis_url, self.uow_factory)
        dispatcher = Dispatcher(storage=storage, disable_fsm=True,
                                public_base_url=self.settings.public_base_url, settings=self.settings,
                                media_store=self.media_store)
        dispatcher.update.outer_middleware(UpdateMetrics(self.metrics))  # first: its time includes the commit
        alerts = CourseAlerts(self.settings.admin_chat_id, self.i18n, self.settings.default_locale)
        dispatcher.update.outer_middleware(
            UnitOfWorkMiddleware(self.uow_factory, self.clock, self.rng, self.settings.default_locale,
                                 owner_ids=frozenset(self.settings.owner_ids),
                                 state_keys=dispatcher.fsm if isinstance(storage, SqlStorage) else None)
        )
        dispatcher.update.outer_middleware(dispatcher.fsm)
        dispatcher.update.outer_middleware(
            PresenterMiddleware(self.clock, self.settings.default_locale, self.settings.public_base_url,
                                self.settings.issuer_name, alerts, self.media_store))
        UserLocaleMiddleware(self.i18n, self.settings.default_locale).setup(dispatcher)
        dispatcher.include_router(build_root_router())
        return dispatcher

    async def start(self) -> None:
        """Prepare, register the menu, and poll in the background (webhook mode: take updates on the web app)."""
        if self.webhook_mode:
            self.settings.check_webhook_mode()  # no secret: refused before anything starts
        if self.dispatcher is None:
            self._reserve_web_port()  # a bad WEB_HOST or a busy WEB_PORT stops us before any migration
            await self.prepare()
        assert self.bot is not None and self.dispatcher is not None and self.i18n is not None
        await self._check_bot_api()
        await register_profile(self.bot, self.i18n, self.settings.default_locale, self.settings.admin_chat_id)
        await self._bootstrap_staff()
        await self._register_staff_menus()
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
        self._start_scheduler()

    async def set_webhook(self) -> None:
        """The deploy step `talimger webhook set`: point Telegram at WEBHOOK_URL with WEBHOOK_SECRET now
        (also when only the secret changed, which getWebhookInfo cannot show)."""
        self.settings.check_webhook_mode()
        await self.prepare()
        assert self.bot is not None and self.dispatcher is not None
        assert self.settings.webhook_url is not None and self.settings.secret is not None
        await self._check_bot_api()
        await ensure_webhook(self.bot, self.settings.webhook_url, self.settings.secret,
                             self.dispatcher.resolve_used_update_types(), force=True)

    async def _bootstrap_staff(self) -> None:
        """Idempotent: each start makes sure the listed people hold their role."""
        if not self.bootstrap_staff:
            return
        assert self.uow_factory is not None
        async with self.uow_factory() as uow:
            await uow.begin_write()
            staff = StaffService(uow, self.clock)
            for user_id, role in self.bootstrap_staff:
                await staff.ensure(user_id, role)
            await uow.commit()

    async def _register_staff_menus(self) -> None:
        """Every owner's and staff member's private menu lists their staff commands, in their language."""
        assert self.uow_factory is not None and self.bot is not None and self.i18n is not None
        async with self.uow_factory() as uow:
            staff = StaffService(uow, self.clock, frozenset(self.settings.owner_ids))
            menus = []
            for user_id in sorted({*self.settings.owner_ids, *await staff.holders()}):
                user = await uow.users.get(user_id)
                locale = (UserService(uow, self.clock, self.settings.default_locale).locale_of(user)
                          if user is not None else self.settings.default_locale)
                menus.append((user_id, locale, await staff.roles_of(user_id)))
        for user_id, locale, roles in menus:
            await set_private_menu(self.bot, self.i18n, user_id, locale, roles)

    def _reserve_web_port(self) -> None:
        settings = self.settings
        try:
            self._web_socket = listen_socket(settings.web_host, settings.web_port)
        except CannotListen as error:
            if error.port_refused:
                raise ConfigError(f"Bad setting WEB_PORT: cannot listen on port {settings.web_port} of "
                                  f"{settings.web_host}: {error}; set WEB_PORT to a free one (0 picks any)") from None
            raise ConfigError(f"Bad setting WEB_HOST: cannot listen on {settings.web_host}:{settings.web_port}: "
                              f"{error}") from None
        if settings.public_base_url_is_default and settings.web_port == 0:
            # Certificate links follow the port actually taken.
            settings.public_base_url = web_app_url(settings.web_host, self._web_socket.getsockname()[1])

    async def _check_bot_api(self) -> None:
        """The first call to the Bot API: an unreachable server or a refused token is a setting to fix."""
        assert self.bot is not None
        where = self.api_url or "Telegram (api.telegram.org)"
        try:
            if self.webhook_mode:
                await self.bot.get_webhook_info()  # the webhook is left as it is (see ensure_webhook)
            else:
                await self.bot.delete_webhook(drop_pending_updates=False)  # a webhook blocks getUpdates
        except TelegramUnauthorizedError:
            raise ConfigError(f"Bad setting BOT_TOKEN: {where} refused the token; "
                              f"copy it again from @BotFather") from None
        except TelegramNetworkError as error:
            reason = str(error).replace(self.token, "<BOT_TOKEN>")
            raise ConfigError(f"Bad setting TELEGRAM_API_URL: cannot reach the Bot API at {where}: {reason}") from None

    async def start_web(self) -> WebServer:
        """The certificate pages, health and metrics, and in webhook mode the webhook, on
        WEB_HOST:WEB_PORT (port 0: a free one, see `web.url`)."""
        assert self.uow_factory is not None and self.i18n is not None and self.engine is not None
        i18n = self.i18n
        checks: dict[str, Check] = {"database": database_check(self.engine)}
        if self.settings.redis_url:
            self._redis_check = checks["redis"] = RedisCheck(self.settings.redis_url)
        app = create_web_app(self.uow_factory, lambda message, locale: i18n.gettext(message, locale=locale),
                             self.settings.issuer_name, self.settings.default_locale,
                             self.settings.web_requests_per_minute, self.clock, self.settings.trusted_proxies,
                             metrics=self.metrics, health_checks=checks, redis_url=self.settings.redis_url)
        if self.webhook_mode:
            assert self.dispatcher is not None and self.bot is not None and self.settings.secret is not None
            WebhookHandler(self.dispatcher, self.bot, self.settings.secret).register(
                app, path=self.settings.webhook_path)
        sock, self._web_socket = self._web_socket, None
        self.web = await WebServer(app, self.settings.web_host, self.settings.web_port, sock).start()
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
        await self._stop_scheduler()
        if self.bot is not None:
            await self.bot.session.close()
        if self._redis is not None:
            await self._redis.aclose()
            self._redis = None
        if self.engine is not None:
            await self.engine.dispose()
