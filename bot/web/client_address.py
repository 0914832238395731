"""Who is asking: the peer's address, or behind a trusted proxy the address it forwarded.

Only a proxy listed in TRUSTED_PROXIES may speak for a visitor; from anyone else X-Forwarded-For
is the visitor's own claim and is ignored, so forging it does not buy a fresh rate-limit bucket.
"""
from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from bot.config import IPNetwork

__all__ = ["IPAddress", "IPNetwork", "client_address"]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def _parse(text: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address: IPAddress, proxies: Sequence[IPNetwork]) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return any(address in network for network in proxies)


def client_address(peer: str | None, forwarded_for: str | None, proxies: Sequence[IPNetwork]) -> str:
    """The address to count a request against.

    Each proxy appends the address it heard from, so the list is read from the right: the first
    entry that is not a trusted proxy is the visitor; entries left of it are theirs to forge.
    """
    peer_address = _parse(peer or "")
    if peer_address is None or not proxies or not forwarded_for or not _trusted(peer_address, proxies):
        return peer or "?"
    client = peer_address
    for entry in reversed(forwarded_for.split(",")):
        hop = _parse(entry)
        if hop is None:
            break  # garbage from further left than any proxy we trust: the last good hop is it
        client = hop
        if not _trusted(hop, proxies):
            break
    return str(client)
