"""The public certificate page over real HTTP: each language, valid and revoked, 404, limits."""
from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

import aiohttp
import pytest

from bot.db.uow import UnitOfWorkFactory
from bot.services.certificate_admin import CertificateAdminService
from bot.services.clock import ManualClock
from bot.web.language import accepted_languages, page_language
from tests.web.conftest import ISSUER, WebFactory

NAME = "Әсем Қайратқызы"
WORDS = {
    "en": {"valid": "VALID", "revoked": "REVOKED", "course": "Mini course", "date": "January 5, 2026",
           "missing": "Certificate not found", "score": "Final average score", "revoked_on": "revoked by the issuer on"},
    "ru": {"valid": "ДЕЙСТВИТЕЛЕН", "revoked": "ОТОЗВАН", "course": "Mini course (ru)", "date": "5 января 2026 г.",
           "missing": "Сертификат не найден", "score": "Итоговый средний балл", "revoked_on": "отозван выдавшей"},
    "kk": {"valid": "ЖАРАМДЫ", "revoked": "КЕРІ ҚАЙТАРЫЛҒАН", "course": "Mini course (kk)",
           "date": "2026 ж. 5 қаңтар", "missing": "Сертификат табылмады", "score": "Қорытынды орташа балл",
           "revoked_on": "кері қайтарды"},
}


def flat(html: str) -> str:
    """Babel puts narrow no-break spaces in some dates and percentages ("80 %")."""
    return html.replace("\u202f", " ").replace("\xa0", " ").replace("80 %", "80%")


async def get(url: str, **headers: str) -> tuple[int, str, aiohttp.typedefs.LooseHeaders]:
    async with aiohttp.ClientSession() as http, http.get(url, headers=headers) as response:
        return response.status, await response.text(), response.headers


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
async def test_a_valid_certificate_in_each_language(lang: str, issue: Callable[[int, str], Awaitable[str]],
                                                    start_web: WebFactory) -> None:
    code = await issue(701, NAME)
    base = await start_web()
    status, html, headers = await get(f"{base}/c/{code}?lang={lang}")
    words = WORDS[lang]
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert f'<html lang="{lang}">' in html
    for expected in (words["valid"], words["course"], words["date"], words["score"], NAME, code, ISSUER, "80%"):
        assert expected in flat(html), expected
    assert words["revoked"] not in html
    assert "default-src 'none'" in headers["Content-Security-Policy"]


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
async def test_a_revoked_certificate_says_so_with_the_date(lang: str, issue: Callable[[int, str], Awaitable[str]],
                                                           start_web: WebFactory, uow_factory: UnitOfWorkFactory,
                                                           clock: ManualClock) -> None:
    code = await issue(702, NAME)
    clock.advance(days=3)
    async with uow_factory() as uow:
        await CertificateAdminService(uow, clock, "en").revoke(code, "copied answers", by=1)
        await uow.commit()
    base = await start_web()
    status, html, _ = await get(f"{base}/c/{code}", **{"Accept-Language": f"{lang};q=0.9, de;q=1.0"})
    words = WORDS[lang]
    assert status == 200 and words["revoked"] in html and words["revoked_on"] in html
    assert {"en": "January 8, 2026", "ru": "8 января 2026 г.", "kk": "2026 ж. 8 қаңтар"}[lang] in flat(html)
    assert f'id="status">{words["revoked"]}<' in html and f">{words['valid']}<" not in html
    assert "copied answers" not in html  # the reason stays with the coordinators


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
async def test_an_unknown_code_is_a_404_page_that_leaks_nothing(lang: str, issue: Callable[[int, str], Awaitable[str]],
                                                               start_web: WebFactory) -> None:
    code = await issue(703, NAME)
    base = await start_web()
    for unknown in (code[:-1] + ("A" if code[-1] != "A" else "B"), "x", "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
                    "a" * 300):
        status, html, _ = await get(f"{base}/c/{unknown}?lang={lang}")
        assert status == 404 and WORDS[lang]["missing"] in html, unknown
        assert NAME not in html and code not in html and "<script>" not in html and "Traceback" not in html


async def test_a_page_is_escaped(issue: Callable[[int, str], Awaitable[str]], start_web: WebFactory,
                                 uow_factory: UnitOfWorkFactory) -> None:
    code = await issue(704, "Aru Test")
    async with uow_factory() as uow:
        certificate = await uow.certificates.by_code(code)
        assert certificate is not None
        certificate.holder_name = "<b>Aru</b> & \"Co\""  # as if stored by an older version
        await uow.commit()
    base = await start_web()
    _, html, _ = await get(f"{base}/c/{code}")
    assert "&lt;b&gt;Aru&lt;/b&gt; &amp; &quot;Co&quot;" in html and "<b>Aru" not in html


async def test_requests_are_limited_per_address(issue: Callable[[int, str], Awaitable[str]],
                                                start_web: WebFactory) -> None:
    code = await issue(705, NAME)
    base = await start_web(per_minute=3)
    statuses = [(await get(f"{base}/c/{code}?lang=ru"))[0] for _ in range(3)]
    status, html, headers = await get(f"{base}/c/{code}?lang=ru")
    assert statuses == [200, 200, 200] and status == 429
    assert "Слишком много запросов" in html and headers["Retry-After"] == "60" and NAME not in html
    health, _, _ = await get(f"{base}/health")
    assert health == 200


async def test_a_failure_shows_a_page_not_a_stack_trace(start_web: WebFactory) -> None:
    def broken() -> object:
        raise RuntimeError("database is down: secret details")
    base = await start_web(factory=broken)
    status, html, _ = await get(f"{base}/c/AbCdEfGhIjKlMnOpQrStUv?lang=kk")
    assert status == 500 and "Бірдеңе дұрыс болмады" in html
    assert "secret" not in html and "Traceback" not in html and "RuntimeError" not in html


def test_the_page_language_comes_from_the_query_then_the_browser() -> None:
    assert accepted_languages("ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7") == ["ru", "ru", "en", "en"]
    assert accepted_languages("en;q=0.5, kk-KZ") == ["kk", "en"]
    assert page_language("kk", "ru", "en") == "kk"
    assert page_language("de", "de-DE,ru;q=0.8", "en") == "ru"
    assert page_language(None, "kz", "en") == "kk"
    assert page_language(None, "fr;q=1, q=0", "en") == "en"
    assert page_language(None, None, "ru") == "ru"
    assert re.fullmatch(r"[a-z]{2}", page_language("EN", None, "kk"))
