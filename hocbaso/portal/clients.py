"""Who the client is: the address a request came from, read through trusted
proxies only, and the bucket the throttle counts it in.

X-Forwarded-For is written by whoever sends the request, so it is believed only
when the peer (REMOTE_ADDR) is one of settings.HOCBASO_TRUSTED_PROXIES; the
header is then read from the right, skipping the trusted proxies' own hops, and
the first other address is the client (anything further left was written by the
client itself). The entry ``unix`` trusts an empty REMOTE_ADDR: gunicorn on a
unix socket behind its proxy. An address that is empty or not an address is
``unknown``: one bucket, throttled and shown like any other (docs/security.md).

IPv6 clients are counted per /64: one subscriber holds a whole /64, so counting
single addresses would give a guesser 2**64 fresh buckets.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

UNKNOWN = "unknown"
UNIX_SOCKET = "unix"
IPV6_PREFIX = 64

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[tuple[Network, ...], bool]:
    nets = tuple(ipaddress.ip_network(e, strict=False) for e in entries if e != "unix")
    return nets, UNIX_SOCKET in entries


# Every request parses its peer (TrustedProxyMiddleware) and its client (the
# throttle, the access row): the few addresses a server sees at a time are
# parsed, checked and hashed once, bounded so a walk through addresses only
# turns the cache over. Only texts as long as an address are kept: a hop of
# X-Forwarded-For is whatever the client wrote (kilobytes each, thousands of
# them would be kept), and the longest address is 45 characters
# (IPv4-mapped IPv6 written out) before a zone that no client needs.
_LONGEST_KEPT = 64


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    if len(text) > _LONGEST_KEPT:
        return _parsed(text)
    return _kept_address(text)


@lru_cache(maxsize=4096)
def _kept_address(
    text: str,
) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    return _parsed(text)


def _parsed(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped  # ::ffff:a.b.c.d is the IPv4 client a.b.c.d
    return address


def is_trusted_proxy(peer: str) -> bool:
    entries = tuple(settings.HOCBASO_TRUSTED_PROXIES)
    if len(peer) > _LONGEST_KEPT:  # not kept, as in _address
        return _checked_trust(peer, entries)
    return _is_trusted(peer, entries)


@lru_cache(maxsize=4096)
def _is_trusted(peer: str, entries: tuple[str, ...]) -> bool:
    return _checked_trust(peer, entries)


def _checked_trust(peer: str, entries: tuple[str, ...]) -> bool:
    nets, unix = _networks(entries)
    if not peer:
        return unix
    address = _address(peer)
    return address is not None and any(address in net for net in nets)


def client_address(request: HttpRequest | None) -> str:
    """The client's address in canonical form, or "" when it is not known."""
    if request is None:
        return ""
    peer = request.META.get("REMOTE_ADDR") or ""
    if is_trusted_proxy(peer):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        untrusted = [hop for hop in hops if not is_trusted_proxy(hop)]
        peer = untrusted[-1] if untrusted else (hops[0] if hops else peer)
    address = _address(peer) if peer else None
    return str(address) if address is not None else ""


def bucket(address: str) -> str:
    """What the throttle counts: the address, its /64 for IPv6, or ``unknown``."""
    parsed = _address(address) if address else None
    if parsed is None:
        return UNKNOWN
    if isinstance(parsed, ipaddress.IPv6Address):
        return str(ipaddress.ip_network(f"{parsed}/{IPV6_PREFIX}", strict=False))
    return str(parsed)


def client_hash(request: HttpRequest | None) -> str:
    """The client's bucket as a keyed hash, ``unknown`` for a request without a
    usable address, and "" only without a request (the system's own work)."""
    if request is None:
        return ""
    name = bucket(client_address(request))
    if name == UNKNOWN:
        return UNKNOWN
    return _keyed(name, settings.SECRET_KEY)


@lru_cache(maxsize=4096)
def _keyed(name: str, secret: str) -> str:
    key = ("hocbaso.portal.client:" + secret).encode()
    return hmac.new(key, name.encode(), hashlib.sha256).hexdigest()[:32]


class TrustedProxyMiddleware:
    """Drops the forwarding headers of a request that did not come through a
    trusted proxy, so neither the client's address nor ``https``
    (SECURE_PROXY_SSL_HEADER) can be claimed by the client itself."""

    HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if not is_trusted_proxy(request.META.get("REMOTE_ADDR") or ""):
            for header in self.HEADERS:
                request.META.pop(header, None)
        return self.get_response(request)
