"""The web app's root page: the issuer and a "check a certificate" box, in kk, ru and en."""
from __future__ import annotations

from collections.abc import Awaitable, Callable

import aiohttp
import pytest

from tests.web.conftest import ISSUER, WebFactory

HEADING = {"kk": "Сертификатты тексеру", "ru": "Проверить сертификат", "en": "Check a certificate"}
BUTTON = {"kk": "Тексеру", "ru": "Проверить", "en": "Check"}


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
async def test_the_root_page_shows_the_issuer_and_a_check_box_in_the_asked_language(
        lang: str, start_web: WebFactory) -> None:
    """issue 9 item 14: GET / was a bare 404."""
    url = await start_web()
    accept = {"kk": "kk-KZ,kk;q=0.9", "ru": "ru-RU,ru;q=0.9,en;q=0.5", "en": "en-GB,en;q=0.8"}[lang]
    for params, headers in (({"lang": lang}, {}), ({}, {"Accept-Language": accept})):
        async with aiohttp.ClientSession() as http, http.get(f"{url}/", params=params, headers=headers) as response:
            html = await response.text()
            assert response.status == 200
            assert response.headers["Content-Type"].startswith("text/html")
            # The form may send to this site only.
            assert "form-action 'self'" in response.headers["Content-Security-Policy"]
        assert f'<html lang="{lang}">' in html
        assert ISSUER in html and HEADING[lang] in html and f">{BUTTON[lang]}</button>" in html
        assert '<form class="check" method="get" action="/"' in html and 'name="code"' in html
        assert f'name="lang" value="{lang}"' in html


async def test_the_check_box_leads_to_the_certificate_page_in_the_same_language(
        issue: Callable[[int, str], Awaitable[str]], start_web: WebFactory) -> None:
    """issue 9 item 14: a code typed (or a link pasted) in the box opens /c/<code>."""
    code = await issue(1, "Әсем Қайратқызы")
    url = await start_web()
    async with aiohttp.ClientSession() as http:
        for typed in (f"  {code} ", f"https://talimger.test/c/{code}?lang=en"):
            async with http.get(f"{url}/", params={"code": typed, "lang": "ru"}, allow_redirects=False) as response:
                assert response.status == 303
                assert response.headers["Location"] == f"/c/{code}?lang=ru"
        async with http.get(f"{url}/", params={"code": code, "lang": "ru"}) as response:
            assert response.status == 200 and "ДЕЙСТВИТЕЛЕН" in await response.text()
        async with http.get(f"{url}/", params={"code": "no/such code", "lang": "kk"}) as response:
            assert response.status == 404 and "Сертификат табылмады" in await response.text()
