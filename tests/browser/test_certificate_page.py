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


PHONE = {"width": 390, "height": 844}
# For every fact: the label's box and the value's box. For every word outside the code (which
# may break anywhere): how many line boxes it is drawn on. A word is a run of letters between
# spaces and hyphens, so "Әл-Фараби" may wrap after its hyphen but not inside "Фараби".
LAYOUT = """() => {
  const facts = [...document.querySelectorAll('dl dt')].map(dt => {
    const label = dt.getBoundingClientRect();
    const value = dt.nextElementSibling.getBoundingClientRect();
    return {label: dt.textContent, labelBottom: label.bottom, valueTop: value.top,
            labelLeft: label.left, valueLeft: value.left};
  });
  const cut = [];
  const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement.closest('.code')) continue;
    for (const match of node.textContent.matchAll(/[^\\s\\-‐]+/g)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
      if (lines.size > 1) cut.push(match[0]);
    }
  }
  return {facts, cut, scrollWidth: document.documentElement.scrollWidth};
}"""


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
async def test_on_a_390px_phone_labels_stand_above_values_and_no_word_is_cut(
        lang: str, browser: Browser, site: tuple[str, str, str]) -> None:  # noqa: F811
    """issue 9 item 22: the page on a 390 px wide phone: each label above its value, no word broken mid-word."""
    url, valid, revoked = site
    context = await browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = await context.new_page()
    try:
        for state, code in (("valid", valid), ("revoked", revoked)):
            await page.goto(f"{url}/c/{code}?lang={lang}")
            layout = await page.evaluate(LAYOUT)
            assert len(layout["facts"]) >= 7
            for fact in layout["facts"]:
                assert fact["labelBottom"] <= fact["valueTop"], fact  # above, not beside
                assert abs(fact["labelLeft"] - fact["valueLeft"]) < 1, fact
            assert layout["cut"] == [], layout["cut"]
            assert layout["scrollWidth"] <= PHONE["width"]  # nothing sticks out sideways
            ARTIFACTS.mkdir(exist_ok=True)
            await page.screenshot(path=str(ARTIFACTS / f"certificate-page-{lang}-{state}-390px.png"), full_page=True)
        # The detector itself: the same page with words allowed to break anywhere shows cut words.
        await page.add_style_tag(content="main { word-break: break-all; }")
        assert (await page.evaluate(LAYOUT))["cut"] != []
    finally:
        await context.close()
