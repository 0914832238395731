"""The public certificate page in Debian's Chromium: what an employer who scans the QR code sees."""
from __future__ import annotations

import random
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

import pytest

from bot.db.uow import UnitOfWorkFactory
from bot.services.certificate_admin import CertificateAdminService
from bot.services.certificate_views import CertificateReady
from bot.services.clock import ManualClock
from bot.services.course_import import CourseImporter
from bot.telegram.i18n import create_i18n
from bot.web import WebServer, create_web_app
from content import SAMPLE_COURSE_DIR, load_course
from tests.browser.conftest import ARTIFACTS, VIEWPORT, browser  # noqa: F401  (fixture)
from tests.e2e.certificate_steps import seed_progress
from tests.unit.learner_steps import Learner

if TYPE_CHECKING:
    from playwright.async_api import Browser

ISSUER = "Talimger · Әл-Фараби атындағы ҚазҰУ"
STATUS = {"kk": ("ЖАРАМДЫ", "КЕРІ ҚАЙТАРЫЛҒАН"), "ru": ("ДЕЙСТВИТЕЛЕН", "ОТОЗВАН"), "en": ("VALID", "REVOKED")}


@pytest.fixture
async def site(uow_factory: UnitOfWorkFactory, clock: ManualClock) -> AsyncIterator[tuple[str, str, str]]:
    """The web app with two sample-course certificates, one valid and one revoked: (url, valid, revoked)."""
    async with uow_factory() as uow:
        course = await CourseImporter(uow, clock).publish(load_course(SAMPLE_COURSE_DIR))
        await uow.commit()
    codes = []
    for user_id, name in ((801, "Әсем Қайратқызы Ұлықбекова"), (802, "Иван Петров")):
        learner = Learner(uow_factory, clock, random.Random(1), user_id)
        await learner.enrol(course.course_id)
        await seed_progress(uow_factory, clock.now(), user_id, final_test_passed=True)
        await learner.run(lambda s, n=name, u=user_id: s.users.update_profile(u, "name", n))
        ready = await learner.run(lambda s, u=user_id: s.certificates.confirm_name(u))
        assert isinstance(ready, CertificateReady)
        codes.append(ready.facts.code)
    clock.advance(days=10)
    async with uow_factory() as uow:
        await CertificateAdminService(uow, clock, "en").revoke(codes[1], "issued by mistake", by=1)
        await uow.commit()
    i18n = create_i18n("en")
    app = create_web_app(uow_factory, lambda message, locale: i18n.gettext(message, locale=locale), ISSUER, "en",
                         1000, clock)
    server = await WebServer(app, "127.0.0.1", 0).start()
    yield server.url, codes[0], codes[1]
    await server.stop()


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
async def test_the_page_in_a_real_browser(lang: str, browser: Browser,  # noqa: F811
                                          site: tuple[str, str, str]) -> None:
    url, valid, revoked = site
    context = await browser.new_context(viewport=VIEWPORT, locale={"kk": "kk-KZ", "ru": "ru-RU", "en": "en-US"}[lang])
    page = await context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    try:
        await page.goto(f"{url}/c/{valid}")  # the language comes from the browser's Accept-Language
        assert await page.locator("html").get_attribute("lang") == lang
        assert (await page.locator("#status").inner_text()).strip() == STATUS[lang][0]
        assert "Әсем Қайратқызы Ұлықбекова" in await page.locator("dl").inner_text()
        ARTIFACTS.mkdir(exist_ok=True)
        await page.screenshot(path=str(ARTIFACTS / f"certificate-page-{lang}-valid.png"), full_page=True)

        await page.goto(f"{url}/c/{revoked}")
        assert (await page.locator("#status").inner_text()).strip() == STATUS[lang][1]
        await page.screenshot(path=str(ARTIFACTS / f"certificate-page-{lang}-revoked.png"), full_page=True)

        assert not errors, errors  # the 404 below is expected, and Chromium logs it as an error
        response = await page.goto(f"{url}/c/{valid[:-2]}xx?lang={lang}")
        assert response is not None and response.status == 404
        assert await page.locator("#status").count() == 0
        await page.screenshot(path=str(ARTIFACTS / f"certificate-page-{lang}-missing.png"), full_page=True)
    finally:
        await context.close()
