"""The bot's web app on a free port, over real HTTP, with certificates issued through the services."""
from __future__ import annotations

import ipaddress
import random
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from bot.db.uow import UnitOfWorkFactory
from bot.services.certificate_views import CertificateReady
from bot.services.clock import ManualClock
from bot.telegram.i18n import create_i18n
from bot.web import WebServer, create_web_app
from tests.unit.learner_steps import Learner
from tests.unit.test_certificates import pass_lectures

ISSUER = "Әл-Фараби атындағы ҚазҰУ"
WebFactory = Callable[..., Awaitable[str]]


@pytest.fixture
async def issue(uow_factory: UnitOfWorkFactory, clock: ManualClock, rng: random.Random,
                mini_course: int) -> Callable[[int, str], Awaitable[str]]:
    """A learner passes the mini course, sets a name and confirms it; returns the code."""
    async def issue_for(user_id: int, name: str) -> str:
        learner = Learner(uow_factory, clock, rng, user_id)
        await pass_lectures(learner, mini_course, correct=4)
        await learner.run(lambda s: s.users.update_profile(user_id, "name", name))
        ready = await learner.run(lambda s: s.certificates.confirm_name(user_id))
        assert isinstance(ready, CertificateReady)
        return ready.facts.code
    return issue_for


@pytest.fixture
async def start_web(uow_factory: UnitOfWorkFactory, clock: ManualClock) -> AsyncIterator[WebFactory]:
    servers: list[WebServer] = []
    i18n = create_i18n("en")

    async def start(per_minute: int = 1000, factory: object = None, trusted_proxies: str = "",
                    redis_url: str | None = None, bot_id: str = "123456") -> str:
        proxies = [ipaddress.ip_network(cidr.strip()) for cidr in trusted_proxies.split(",") if cidr.strip()]
        app = create_web_app(factory or uow_factory,  # type: ignore[arg-type]
                             lambda message, locale: i18n.gettext(message, locale=locale),
                             ISSUER, "en", per_minute, clock, proxies, redis_url=redis_url, bot_id=bot_id)
        server = await WebServer(app, "127.0.0.1", 0).start()
        servers.append(server)
        return server.url

    yield start
    for server in servers:
        await server.stop()
