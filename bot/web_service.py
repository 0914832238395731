"""The bot's web service on WEB_HOST:WEB_PORT: certificate pages, health, metrics and, in
webhook mode, the webhook. The port is taken before anything else starts."""
from __future__ import annotations

import socket
from dataclasses import dataclass

from aiogram import Bot, Dispatcher
from aiogram.utils.i18n import I18n
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import ConfigError, Settings, web_app_url
from bot.db.uow import UnitOfWorkFactory
from bot.metrics import BotMetrics
from bot.services.clock import Clock
from bot.web import create_web_app
from bot.web.health import Check, RedisCheck, database_check
from bot.web.server import CannotListen, listen_socket
from bot.web.webhook import WebhookHandler


def reserve_web_port(settings: Settings) -> socket.socket:
    """A bad WEB_HOST or a busy WEB_PORT is a setting to fix, told before any migration runs."""
    try:
        sock = listen_socket(settings.web_host, settings.web_port)
    except CannotListen as error:
        if error.port_refused:
            raise ConfigError(f"Bad setting WEB_PORT: cannot listen on port {settings.web_port} of "
                              f"{settings.web_host}: {error}; set WEB_PORT to a free one (0 picks any)") from None
        raise ConfigError(f"Bad setting WEB_HOST: cannot listen on {settings.web_host}:{settings.web_port}: "
                          f"{error}") from None
    if settings.public_base_url_is_default and settings.web_port == 0:
        # Certificate links follow the port actually taken.
        settings.public_base_url = web_app_url(settings.web_host, sock.getsockname()[1])
    return sock


@dataclass
class BotWebApp:
    app: web.Application
    redis_check: RedisCheck | None  # its connection is the caller's to close


def build_bot_web_app(settings: Settings, uow_factory: UnitOfWorkFactory, i18n: I18n, engine: AsyncEngine,
                      clock: Clock, metrics: BotMetrics, bot_id: str,
                      webhook: tuple[Dispatcher, Bot] | None) -> BotWebApp:
    """`bot_id`: the token's number, naming this deployment's counts in a shared Redis. `webhook`: the
    dispatcher and bot that take the updates Telegram posts (webhook mode only)."""
    checks: dict[str, Check] = {"database": database_check(engine)}
    redis_check = None
    if settings.redis_url:
        redis_check = checks["redis"] = RedisCheck(settings.redis_url)
    app = create_web_app(uow_factory, lambda message, locale: i18n.gettext(message, locale=locale),
                         settings.issuer_name, settings.default_locale,
                         settings.web_requests_per_minute, clock, settings.trusted_proxies,
                         metrics=metrics, health_checks=checks, redis_url=settings.redis_url, bot_id=bot_id)
    if webhook is not None:
        dispatcher, bot = webhook
        assert settings.secret is not None
        WebhookHandler(dispatcher, bot, settings.secret).register(app, path=settings.webhook_path)
    return BotWebApp(app, redis_check)
