"""The web app: /c/<code> certificate pages (rate-limited per address, across replicas with Redis),
/health, /healthz, /metrics."""
from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import quote

from aiohttp import web

from bot.db.uow import UnitOfWorkFactory
from bot.metrics import BotMetrics
from bot.services.certificate_labels import CertificateLabels, certificate_labels
from bot.services.certificates import CertificateService
from bot.services.clock import Clock, SystemClock
from bot.web.client_address import IPNetwork, client_address
from bot.web.health import HEALTH_CHECKS, Check, healthz
from bot.web.language import page_language
from bot.web.pages import certificate_page, home_labels, home_page, message_page
from bot.web.rate_limit import PageLimiter, build_page_limiter

log = logging.getLogger(__name__)
Translate = Callable[[str, str], str]  # (message, locale) -> translated message
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
# Nothing on these pages is loaded from elsewhere, and nothing may be.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex",
    "Cache-Control": "no-store",
}


@dataclass(frozen=True)
class WebContext:
    uow_factory: UnitOfWorkFactory
    translate: Translate
    issuer: str
    default_locale: str
    limiter: PageLimiter
    clock: Clock
    trusted_proxies: Sequence[IPNetwork] = field(default=())


CONTEXT = web.AppKey("talimger", WebContext)
METRICS = web.AppKey("metrics", BotMetrics)


def create_web_app(uow_factory: UnitOfWorkFactory, translate: Translate, issuer: str, default_locale: str,
                   requests_per_minute: int, clock: Clock | None = None,
                   trusted_proxies: Sequence[IPNetwork] = (), metrics: BotMetrics | None = None,
                   health_checks: Mapping[str, Check] | None = None,
                   redis_url: str | None = None, bot_id: int | str | None = None) -> web.Application:
    """With `redis_url` the certificate pages' limit is shared by every replica of the bot `bot_id`
    using that Redis."""
    app = web.Application(middlewares=[_guard])
    limiter = build_page_limiter(redis_url, requests_per_minute, bot_id)
    app[CONTEXT] = WebContext(uow_factory, translate, issuer, default_locale, limiter,
                              clock or SystemClock(), tuple(trusted_proxies))
    app.on_cleanup.append(lambda _app: limiter.close())
    app[METRICS] = metrics or BotMetrics()
    app[HEALTH_CHECKS] = dict(health_checks or {})
    app.router.add_get("/", home)
    app.router.add_get("/c/{code}", certificate)
    app.router.add_get("/health", health)  # the process answers (kept for existing probes)
    app.router.add_get("/healthz", healthz)  # and reaches its database (and Redis)
    app.router.add_get("/metrics", metrics_page)
    app.router.add_get("/favicon.ico", no_icon)  # browsers ask for it; a 404 would be noise in logs
    return app


def _language_and_labels(request: web.Request) -> tuple[str, CertificateLabels]:
    context = request.app[CONTEXT]
    lang = page_language(request.query.get("lang"), request.headers.get("Accept-Language"), context.default_locale)
    return lang, certificate_labels(lambda message: context.translate(message, lang))


def _html(text: str, status: int = 200, **headers: str) -> web.Response:
    return web.Response(text=text, status=status, content_type="text/html", charset="utf-8",
                        headers={**SECURITY_HEADERS, **headers})


async def certificate(request: web.Request) -> web.Response:
    context = request.app[CONTEXT]
    lang, labels = _language_and_labels(request)
    async with context.uow_factory() as uow:
        facts = await CertificateService(uow, context.clock).verify(request.match_info["code"])
    if facts is None:
        # The same answer for every unknown code: nothing tells how close a guess came.
        return _html(message_page(labels.not_found_title, labels.not_found_text, lang, context.issuer), status=404)
    return _html(certificate_page(facts, labels, lang, context.issuer))


async def home(request: web.Request) -> web.StreamResponse:
    """The issuer and a "check a certificate" box; its GET form comes back here with ?code=."""
    context = request.app[CONTEXT]
    lang = page_language(request.query.get("lang"), request.headers.get("Accept-Language"), context.default_locale)
    # A pasted link (…/c/<code>?lang=ru) is taken as its code.
    code = request.query.get("code", "").strip().split("?")[0].rstrip("/").rsplit("/", 1)[-1]
    if code:
        raise web.HTTPSeeOther(f"/c/{quote(code, safe='')}?lang={lang}")
    labels = home_labels(lambda message: context.translate(message, lang))
    # The one page with a form: it may submit to this site (and nowhere else).
    policy = SECURITY_HEADERS["Content-Security-Policy"].replace("form-action 'none'", "form-action 'self'")
    return _html(home_page(labels, lang, context.issuer), **{"Content-Security-Policy": policy})


async def health(request: web.Request) -> web.Response:
    return web.json_response({"ok": True})


async def metrics_page(request: web.Request) -> web.Response:
    metrics = request.app[METRICS]
    return web.Response(body=metrics.render(), headers={"Content-Type": metrics.content_type})


async def no_icon(request: web.Request) -> web.Response:
    return web.Response(status=204)


def server_error_text(_: Callable[[str], str]) -> tuple[str, str]:
    return _("Something went wrong"), _("Something went wrong on our side. Please try again in a moment.")


@web.middleware
async def _guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Rate limit per visitor (behind TRUSTED_PROXIES: the forwarded address); no stack trace reaches one."""
    context = request.app[CONTEXT]
    # Several X-Forwarded-For lines are one list in order (RFC 9110 §5.3): the visitor may send the
    # first line, our proxy appends its own; reading only the first would believe the visitor's.
    forwarded_for = ",".join(request.headers.getall("X-Forwarded-For", []))
    visitor = client_address(request.remote, forwarded_for or None, context.trusted_proxies)
    if request.path.startswith("/c/") and not await context.limiter.allow(visitor):
        lang, labels = _language_and_labels(request)
        page = message_page(labels.too_many_title, labels.too_many_text, lang, context.issuer)
        return _html(page, status=429, **{"Retry-After": "60"})
    try:
        return await handler(request)
    except web.HTTPException:
        raise
    except Exception:
        log.exception("the page %s failed", request.path)
        lang, _labels = _language_and_labels(request)
        heading, note = server_error_text(lambda message: context.translate(message, lang))
        return _html(message_page(heading, note, lang, context.issuer), status=500)
