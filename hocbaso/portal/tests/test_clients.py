"""The client's address: X-Forwarded-For only through trusted proxies, read from
the right; an empty or unreadable address is the ``unknown`` bucket; IPv6 by /64."""

from __future__ import annotations

import tracemalloc

import pytest
from django.test import RequestFactory

from hocbaso.portal.clients import (
    TrustedProxyMiddleware,
    bucket,
    client_address,
    client_hash,
)


def _request(peer: str, forwarded: str | None = None, **extra):
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", REMOTE_ADDR=peer, **extra)


@pytest.fixture
def proxied(settings):
    settings.HOCBASO_TRUSTED_PROXIES = ("10.0.0.0/8", "unix")


def test_without_trusted_proxies_the_header_is_the_client_s_own_words(settings):
    settings.HOCBASO_TRUSTED_PROXIES = ()
    assert client_address(_request("192.0.2.1", "198.51.100.7")) == "192.0.2.1"


@pytest.mark.parametrize(
    ("peer", "forwarded", "client"),
    [
        # the proxy appends the peer it saw; what is left of it the client wrote
        ("10.0.0.2", "6.6.6.6, 203.0.113.9", "203.0.113.9"),
        # a chain of trusted proxies is skipped from the right
        ("10.0.0.2", "203.0.113.9, 10.0.0.5", "203.0.113.9"),
        # a client writing a trusted proxy's address gains nothing
        ("10.0.0.2", "10.1.1.1, 203.0.113.9", "203.0.113.9"),
        # gunicorn on a unix socket: the proxy is the empty peer
        ("", "203.0.113.9", "203.0.113.9"),
        # a proxy that sent no header: the proxy itself
        ("10.0.0.2", None, "10.0.0.2"),
        # an untrusted peer's header is ignored
        ("192.0.2.1", "203.0.113.9", "192.0.2.1"),
        # an IPv4 client written as IPv6 is the same client
        ("::ffff:192.0.2.1", None, "192.0.2.1"),
        # rubbish where the proxy's hop should be: unknown, not the rubbish
        ("10.0.0.2", "203.0.113.9, not-an-address", ""),
    ],
)
def test_the_client_is_read_through_trusted_proxies(proxied, peer, forwarded, client):
    assert client_address(_request(peer, forwarded)) == client


def test_an_empty_address_is_the_unknown_bucket_not_no_bucket(settings):
    settings.HOCBASO_TRUSTED_PROXIES = ()
    assert client_hash(_request("")) == "unknown"
    assert client_hash(_request("garbage")) == "unknown"
    assert client_hash(None) == ""  # the system's own work has no client


def test_ipv6_clients_are_counted_per_64(settings):
    settings.HOCBASO_TRUSTED_PROXIES = ()
    assert bucket("2001:db8:1:2::1") == bucket("2001:db8:1:2:ffff::9")
    assert bucket("2001:db8:1:2::1") != bucket("2001:db8:1:3::1")
    a, b = _request("2001:db8:1:2::1"), _request("2001:db8:1:2:abcd::1")
    assert client_hash(a) == client_hash(b) != client_hash(_request("192.0.2.1"))


def test_forwarding_headers_from_an_untrusted_peer_are_dropped(settings):
    settings.HOCBASO_TRUSTED_PROXIES = ("10.0.0.1",)
    seen = {}

    def view(request):
        seen.update(request.META)

    middleware = TrustedProxyMiddleware(view)
    middleware(_request("192.0.2.1", "203.0.113.9", HTTP_X_FORWARDED_PROTO="https"))
    assert "HTTP_X_FORWARDED_PROTO" not in seen and "HTTP_X_FORWARDED_FOR" not in seen
    middleware(_request("10.0.0.1", "203.0.113.9", HTTP_X_FORWARDED_PROTO="https"))
    assert seen["HTTP_X_FORWARDED_PROTO"] == "https"


def test_gunicorn_leaves_https_to_django():
    from gunicorn.config import Config

    from hocbaso.portal import gunicorn_conf

    config = Config()
    assert config.secure_scheme_headers  # gunicorn's default believes the header
    config.set("secure_scheme_headers", gunicorn_conf.secure_scheme_headers)
    assert config.secure_scheme_headers == {}


def test_what_is_kept_per_address_follows_the_settings(settings):
    settings.HOCBASO_TRUSTED_PROXIES = ()
    first = client_hash(_request("192.0.2.1", "198.51.100.7"))
    assert client_hash(_request("192.0.2.1")) == first  # the header was ignored
    settings.HOCBASO_TRUSTED_PROXIES = ("192.0.2.0/24",)
    through = client_hash(_request("192.0.2.1", "198.51.100.7"))
    assert through != first  # the proxy now trusted: the client is the header's
    assert through == client_hash(_request("198.51.100.7"))
    settings.SECRET_KEY = "another key, another hash"
    assert client_hash(_request("198.51.100.7")) != through


def test_long_forwarded_hops_are_not_kept_per_process(proxied):
    """A client behind the proxy writes X-Forwarded-For: each hop is its own
    text, kilobytes long if it likes. What the address caches keep after
    thousands of such requests stays that of a few short texts."""
    requests = [
        _request("10.0.0.2", f"{n:06d}{'x' * 8000}, 203.0.113.9") for n in range(1000)
    ]
    tracemalloc.start()
    try:
        before = tracemalloc.take_snapshot()
        for request in requests:
            assert client_address(request) == "203.0.113.9"
        kept = tracemalloc.take_snapshot().compare_to(before, "filename")
    finally:
        tracemalloc.stop()
    assert sum(stat.size_diff for stat in kept) < 1_000_000  # 8 MB when kept
