"""Which address a request counts against (issue 9 item 10); over HTTP in tests/web."""
from __future__ import annotations

import ipaddress

import pytest

from bot.web.client_address import client_address

PROXIES = [ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("127.0.0.1/32")]


@pytest.mark.parametrize(("peer", "forwarded", "expected"), [
    ("127.0.0.1", "203.0.113.5", "203.0.113.5"),
    ("::ffff:127.0.0.1", "203.0.113.5", "203.0.113.5"),  # a dual-stack socket's view of the same proxy
    ("127.0.0.1", "1.1.1.1, 203.0.113.5, 10.0.0.2", "203.0.113.5"),
    ("127.0.0.1", "10.0.0.3, 10.0.0.2", "10.0.0.3"),  # only proxies: the farthest one
    ("127.0.0.1", "not-an-address, 10.0.0.2", "10.0.0.2"),
    ("127.0.0.1", "", "127.0.0.1"),
    ("192.0.2.9", "203.0.113.5", "192.0.2.9"),  # not a proxy of ours: its header is its own claim
    (None, "203.0.113.5", "?"),
])
def test_the_visitor_is_the_first_untrusted_address_from_the_right(peer: str | None, forwarded: str,
                                                                   expected: str) -> None:
    assert client_address(peer, forwarded, PROXIES) == expected


def test_without_trusted_proxies_the_header_is_never_read() -> None:
    assert client_address("127.0.0.1", "203.0.113.5", []) == "127.0.0.1"
