"""The lookup page shows how many independent witnesses stand behind a proof: those
configured witnesses that cosigned the proof's checkpoint or a later one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import caches

from hocbaso.exchange.models import Peer
from hocbaso.registry import cosigning, holdings
from hocbaso.registry.ledger_log import verifier_key
from hocbaso.registry.witnessing import witness_key

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 7, 1, 3, 0, tzinfo=dt.UTC)


def _lookup(client, code: str) -> str:
    caches[holdings.HOLDINGS_CACHE].clear()
    response = client.post("/", {"code": code}, REMOTE_ADDR="203.0.113.9")
    return response.content.decode()


def _count(html: str) -> str:
    return html.split('class="witness-count">', 1)[1].split("<", 1)[0]


def test_the_lookup_page_counts_the_witnesses_behind_the_proof(registry, client):
    code = registry.primary_transcript.lookup_code
    html = _lookup(client, code)
    assert "Số bên chứng kiến độc lập" in html and _count(html) == "0"
    Peer.objects.create(
        code="hn",
        kind=Peer.Kind.DEPARTMENT,
        exchange_key="unused",
        ledger_key=verifier_key().to_string(),  # this installation witnesses itself
        witness_key=witness_key(),
        url="http://testserver",
    )

    def post(url: str, body: bytes) -> tuple[int, bytes]:
        answer = client.post(url, body, content_type="text/plain")
        return answer.status_code, answer.content

    assert cosigning.request_cosignatures(NOW, post)[0].ok
    assert _count(_lookup(client, code)) == "1"
