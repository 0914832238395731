"""The web app's root page in Debian's Chromium: type a certificate's code, land on its page."""
from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.browser.conftest import ARTIFACTS, VIEWPORT, browser  # noqa: F401  (fixture)
from tests.browser.test_certificate_page import ISSUER, STATUS, site  # noqa: F401  (fixture)

if TYPE_CHECKING:
    from playwright.async_api import Browser

HEADING = {"kk": "Сертификатты тексеру", "ru": "Проверить сертификат", "en": "Check a certificate"}


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
async def test_the_check_box_on_the_root_page_opens_the_certificate(
        lang: str, browser: Browser, site: tuple[str, str, str]) -> None:  # noqa: F811
    """issue 9 item 14: the web app's root was a bare 404; now it is a page with a "check" box."""
    url, valid, _revoked = site
    context = await browser.new_context(viewport=VIEWPORT, locale={"kk": "kk-KZ", "ru": "ru-RU", "en": "en-US"}[lang])
    page = await context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    try:
        response = await page.goto(f"{url}/")
        assert response is not None and response.status == 200
        assert await page.locator("html").get_attribute("lang") == lang
        assert (await page.locator("h1").inner_text()).strip() == HEADING[lang]
        assert ISSUER.upper() in (await page.locator(".issuer").inner_text()).upper()
        await page.fill("#code", valid)
        ARTIFACTS.mkdir(exist_ok=True)
        await page.screenshot(path=str(ARTIFACTS / f"home-page-{lang}.png"), full_page=True)
        async with page.expect_navigation():
            await page.click("#check")
        assert f"/c/{valid}" in page.url
        assert (await page.locator("#status").inner_text()).strip() == STATUS[lang][0]
        assert not errors, errors  # a form blocked by the page's Content-Security-Policy would log one
    finally:
        await context.close()
