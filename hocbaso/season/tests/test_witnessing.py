"""The witnesses asked by themselves: once per period, each new checkpoint gets
cosigned with no command; a witness that fails is logged and asked again at the
next period; a period with nothing new asks nobody.

The installation witnesses its own log (a peer registered with its own ledger
and witness keys), over the test client; tasks run inline (the suite's engine)."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.db import transaction
from django.test import Client

from hocbaso.exchange.models import Peer
from hocbaso.ledger import Entry, Event
from hocbaso.registry import cosigning
from hocbaso.registry.ledger_log import ledger_session, verifier_key
from hocbaso.registry.models import LedgerCosignature
from hocbaso.registry.witnessing import witness_key
from hocbaso.season import witnessing

NOW = dt.datetime(2026, 7, 1, 3, 0, tzinfo=dt.UTC)
pytestmark = pytest.mark.django_db


def append(count: int, start: int = 0) -> None:
    with transaction.atomic(), ledger_session(NOW) as session:
        for i in range(start, start + count):
            session.append(
                Entry(Event.TRANSFER_REQUEST, NOW, f"transcript-{i}", f"xtr-{i}")
            )


class Transport:
    """The witness in this process; ``down`` makes it unreachable."""

    def __init__(self) -> None:
        self.client = Client()
        self.down = False
        self.calls = 0

    def __call__(self, url: str, body: bytes) -> tuple[int, bytes]:
        self.calls += 1
        if self.down:
            raise OSError("connection refused")
        response = self.client.post(url, body, content_type="text/plain")
        return response.status_code, response.content


@pytest.fixture
def witness(monkeypatch) -> Transport:
    Peer.objects.create(
        code="hn",
        kind=Peer.Kind.DEPARTMENT,
        url="https://hn.example",
        exchange_key="unused",
        ledger_key=verifier_key().to_string(),
        witness_key=witness_key(),
    )
    transport = Transport()
    monkeypatch.setattr(cosigning, "_http_post", transport)
    return transport


def _cosigned() -> list[int]:
    return sorted(LedgerCosignature.objects.values_list("size", flat=True))


def test_each_period_gets_the_new_checkpoint_cosigned(witness):
    append(3)
    assert witnessing.enqueue_if_due(NOW)  # run inline by the suite's engine
    assert _cosigned() == [3]

    append(4, start=3)
    assert not witnessing.enqueue_if_due(NOW + dt.timedelta(seconds=30))
    assert _cosigned() == [3]  # the period has not come yet
    assert witnessing.enqueue_if_due(NOW + witnessing.WITNESS_EVERY)
    assert _cosigned() == [3, 7]
    assert cosigning.is_published(7)


def test_a_period_with_nothing_new_asks_nobody(witness):
    append(3)
    witnessing.ask_witnesses.call()
    calls = witness.calls

    assert witnessing.ask_witnesses.call() == {"cosigned": [], "failed": []}
    assert witness.calls == calls
    assert _cosigned() == [3]


def test_a_failing_witness_is_logged_and_asked_at_the_next_period(witness, caplog):
    append(3)
    witness.down = True
    with caplog.at_level(logging.WARNING, logger="hocbaso.season.witnessing"):
        assert witnessing.enqueue_if_due(NOW)
    assert _cosigned() == []
    assert "witness hn did not cosign: connection refused" in caplog.text

    witness.down = False
    assert witnessing.enqueue_if_due(NOW + witnessing.WITNESS_EVERY)
    assert _cosigned() == [3]


def test_no_checkpoint_and_no_witness_ask_nothing(witness):
    assert witnessing.ask() == {"cosigned": [], "failed": []}
    Peer.objects.all().delete()
    append(2)
    assert witnessing.ask() == {"cosigned": [], "failed": []}
    assert witness.calls == 0
