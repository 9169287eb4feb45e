"""The witness count a lookup shows is current: a cosignature stored after the
holding was cached changes the cache key (hocbaso.registry.holdings)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import caches
from django.test import Client

from hocbaso.exchange.models import Peer
from hocbaso.registry import cosigning, holdings
from hocbaso.registry.ledger_log import verifier_key
from hocbaso.registry.witnessing import witness_key

NOW = dt.datetime(2026, 7, 1, 3, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _empty_cache():
    caches[holdings.HOLDINGS_CACHE].clear()
    yield
    caches[holdings.HOLDINGS_CACHE].clear()


def _witnesses(code: str) -> set[int]:
    _, held = holdings.holdings().held(code)
    return {page.proof.witnesses for page in held.pages}


def _post_through(client: Client):
    def post(url: str, body: bytes) -> tuple[int, bytes]:
        response = client.post(url, body, content_type="text/plain")
        return response.status_code, response.content

    return post


def test_a_cosignature_after_the_lookup_shows_at_the_next_one(registry, db):
    code = registry.primary_transcript.lookup_code
    assert _witnesses(code) == {0}  # cached now, with no witness
    Peer.objects.create(  # the installation witnesses its own log
        code="hn",
        kind=Peer.Kind.DEPARTMENT,
        exchange_key="unused",
        ledger_key=verifier_key().to_string(),
        witness_key=witness_key(),
    )
    (outcome,) = cosigning.request_cosignatures(NOW, _post_through(Client()))
    assert outcome.ok, outcome

    assert _witnesses(code) == {1}


def test_the_version_names_the_cosignatures(registry, db):
    code = registry.primary_transcript.lookup_code
    _, held = holdings.holdings().held(code)
    assert held.version.endswith("-w0.0")
