"""Who a request counts against behind a proxy, and a malformed request answered quietly."""
from __future__ import annotations

import logging

import aiohttp
import pytest

from tests.web.conftest import WebFactory

UNKNOWN = "/c/NOPE-NOPE"  # any certificate page counts against the limit; an unknown code is cheapest


async def _status(url: str, forwarded_for: str | None = None) -> int:
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    async with aiohttp.ClientSession() as http, http.get(url, headers=headers) as response:
        return response.status


async def test_behind_a_trusted_proxy_each_visitor_has_their_own_bucket(start_web: WebFactory) -> None:
    """issue 9 item 10: the test client is the proxy (127.0.0.1, listed in TRUSTED_PROXIES)."""
    base = await start_web(per_minute=2, trusted_proxies="10.0.0.0/8, 127.0.0.1/32")
    first = [await _status(base + UNKNOWN, "203.0.113.5") for _ in range(3)]
    assert first == [404, 404, 429]
    assert await _status(base + UNKNOWN, "203.0.113.6") == 404  # another visitor, not yet counted
    # What the visitor wrote left of the address our proxy saw is theirs to forge: still 203.0.113.5.
    assert await _status(base + UNKNOWN, "198.51.100.1, 203.0.113.5") == 429
    # A chain of trusted proxies: the visitor is the rightmost address that is not one of them.
    assert await _status(base + UNKNOWN, "203.0.113.5, 10.1.2.3") == 429
    assert await _status(base + UNKNOWN, "203.0.113.7, 10.1.2.3") == 404


async def test_a_forged_first_x_forwarded_for_line_does_not_buy_a_fresh_bucket(start_web: WebFactory) -> None:
    """issue 9 item 10 (review item 6): the visitor sends an X-Forwarded-For line of their own and
    the trusted proxy adds its line below it: the visitor is still the address the proxy saw."""
    base = await start_web(per_minute=2, trusted_proxies="127.0.0.1/32")
    statuses = []
    for n in range(1, 4):
        headers = [("X-Forwarded-For", f"198.51.100.{n}"), ("X-Forwarded-For", "203.0.113.5")]
        async with aiohttp.ClientSession() as http, http.get(base + UNKNOWN, headers=headers) as response:
            statuses.append(response.status)
    assert statuses == [404, 404, 429]


async def test_from_an_untrusted_address_x_forwarded_for_buys_no_fresh_bucket(start_web: WebFactory) -> None:
    """issue 9 item 10: the client (127.0.0.1) is not a listed proxy, so its header is ignored."""
    base = await start_web(per_minute=2, trusted_proxies="10.0.0.0/8")
    statuses = [await _status(base + UNKNOWN, f"203.0.113.{n}") for n in range(1, 5)]
    assert statuses == [404, 404, 429, 429]


async def test_without_trusted_proxies_x_forwarded_for_is_ignored(start_web: WebFactory) -> None:
    base = await start_web(per_minute=1)
    assert [await _status(base + UNKNOWN, f"203.0.113.{n}") for n in range(1, 3)] == [404, 429]


@pytest.mark.parametrize("path", ["/c/" + "x" * 8192, "/health?q=" + "y" * 9000])
async def test_an_8_kb_url_is_refused_without_a_traceback(path: str, start_web: WebFactory,
                                                          caplog: pytest.LogCaptureFixture) -> None:
    """issue 9 item 12: a request line over aiohttp's limit was logged as an error with a traceback."""
    caplog.set_level(logging.DEBUG)
    base = await start_web()
    status = await _status(base + path)
    assert 400 <= status < 500
    assert await _status(base + "/health") == 200  # and the server still answers
    noisy = [record for record in caplog.records if record.exc_info or record.levelno >= logging.WARNING]
    assert noisy == []
