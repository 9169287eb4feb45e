"""Witnesses (c2sp.org/tlog-witness): the endpoint, the log asking, publishing, and an
insider who rewrites history with the checkpoint key; tiles (c2sp.org/tlog-tiles).

The installation witnesses itself here (a peer registered with its own ledger and
witness keys), so both sides of the protocol run in one process over the test
client, without a district.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.test import Client

from hocbaso.exchange.models import Peer
from hocbaso.ledger import (
    Checkpoint,
    CosignatureKey,
    Ed25519NoteSigner,
    Entry,
    Event,
    MemoryStorage,
    MerkleTree,
    hash_leaf,
    sign_checkpoint,
    verify_checkpoint,
    verify_cosignatures,
)
from hocbaso.ledger.witness import AddCheckpoint
from hocbaso.registry import cosigning
from hocbaso.registry.ledger_log import ledger_session, ledger_signer, verifier_key
from hocbaso.registry.ledger_store import DatabaseStorage
from hocbaso.registry.models import WitnessedLog
from hocbaso.registry.witnessing import witness_key

API = "/api/v1"
NOW = dt.datetime(2026, 7, 1, 3, 0, tzinfo=dt.UTC)
pytestmark = pytest.mark.django_db


def append(count: int, start: int = 0) -> None:
    with transaction.atomic(), ledger_session(NOW) as session:
        for i in range(start, start + count):
            session.append(
                Entry(Event.TRANSFER_REQUEST, NOW, f"transcript-{i}", f"xtr-{i}")
            )


@pytest.fixture
def witness(client: Client) -> Peer:
    return Peer.objects.create(
        code="hn",
        kind=Peer.Kind.DEPARTMENT,
        exchange_key="unused",
        ledger_key=verifier_key().to_string(),
        witness_key=witness_key(),
    )


def post_through(client: Client):
    def post(url: str, body: bytes) -> tuple[int, bytes]:
        response = client.post(url, body, content_type="text/plain")
        return response.status_code, response.content

    return post


def add_checkpoint(client: Client, body: bytes):
    return client.post(f"{API}/witness/add-checkpoint", body, content_type="text/plain")


def test_a_witness_cosigns_and_the_log_publishes_the_cosignature(client, witness):
    append(3)
    assert cosigning.request_cosignatures(NOW, post_through(client))[0].ok
    append(4, start=3)
    outcome = cosigning.request_cosignatures(NOW, post_through(client))
    assert outcome[0].ok, outcome
    assert WitnessedLog.objects.get().size == 7  # kept for the next restart
    note = client.get(f"{API}/ledger/checkpoint").content.decode()
    assert verify_checkpoint(note, verifier_key()).size == 7
    key = CosignatureKey.from_string(witness_key())
    assert [c.witness for c in verify_cosignatures(note, [key])] == [key.name]
    assert cosigning.witnesses_behind(3) == ["hn"]
    listed = client.get(f"{API}/ledger/witnesses").json()
    assert listed["cosigned_by"] == ["hn"] and listed["published"] is True


def test_a_stale_old_size_is_answered_409_with_the_size_the_witness_knows(
    client, witness
):
    append(3)
    cosigning.request_cosignatures(NOW, post_through(client))
    note = client.get(f"{API}/ledger/checkpoints/3").content.decode()
    response = add_checkpoint(client, AddCheckpoint(0, (), note).to_bytes())
    assert response.status_code == 409
    assert response["Content-Type"] == "text/x.tlog.size"
    assert response.content == b"3\n"


def _forged(entries: list[bytes]) -> tuple[MerkleTree, str]:
    """The insider's tree, signed with the registry's own checkpoint key."""
    tree = MerkleTree(MemoryStorage())
    tree.append_many([hash_leaf(e) for e in entries])
    checkpoint = Checkpoint(ledger_signer().name, tree.size, tree.root())
    return tree, sign_checkpoint(checkpoint, ledger_signer())


def test_an_insider_with_the_key_cannot_get_a_rewritten_history_cosigned(
    client, witness
):
    append(5)
    assert cosigning.request_cosignatures(NOW, post_through(client))[0].ok
    real = DatabaseStorage().read_entries(0, 5)
    rewritten = [real[0], b"rewritten entry", *real[2:]]
    # a larger tree: the proof from the witnessed size cannot verify
    tree, note = _forged([*rewritten, b"more"])
    body = AddCheckpoint(5, tuple(tree.consistency_proof(5, 6)), note).to_bytes()
    refused = add_checkpoint(client, body)
    assert refused.status_code == 422
    assert "không nối tiếp" in refused.content.decode()
    # the same size with another root: a conflict
    tree, note = _forged(rewritten)
    assert (
        add_checkpoint(client, AddCheckpoint(5, (), note).to_bytes()).status_code == 409
    )
    state = WitnessedLog.objects.get()
    assert state.size == 5 and bytes(state.root) != tree.root()


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"old x\n\nnot a checkpoint\n", 400),
        (b"old 0\n\nsomewhere.else/ledger\n1\n" + b"A" * 43 + b"=\n\n", 404),
    ],
)
def test_malformed_requests_and_unknown_logs_are_refused(client, witness, body, status):
    response = add_checkpoint(client, body)
    assert response.status_code == status
    assert response.content.decode().strip()


def test_a_checkpoint_signed_by_another_key_is_forbidden(client, witness):
    append(2)
    stranger = Ed25519NoteSigner.generate(ledger_signer().name)
    tree = MerkleTree(DatabaseStorage())
    note = sign_checkpoint(Checkpoint(stranger.name, 2, tree.root()), stranger)
    response = add_checkpoint(client, AddCheckpoint(0, (), note).to_bytes())
    assert response.status_code == 403
    assert not WitnessedLog.objects.exists()


def test_the_policy_decides_what_counts_as_published(client, witness, settings):
    append(2)
    settings.HOCBASO_WITNESS_POLICY = "1 of hn,hcm"
    assert not cosigning.is_published(2)
    cosigning.request_cosignatures(NOW, post_through(client))
    assert cosigning.is_published(2)
    settings.HOCBASO_WITNESS_POLICY = "1 of hcm"
    assert not cosigning.is_published(2)
    settings.HOCBASO_WITNESS_POLICY = "3 of hn"
    with pytest.raises(ValueError, match="HOCBASO_WITNESS_POLICY"):
        cosigning.witness_policy()


def test_tiles_serve_hashes_and_entries_full_and_partial(client):
    append(300)
    storage = DatabaseStorage()
    full = client.get(f"{API}/ledger/tile/0/000")
    assert full.status_code == 200
    assert full["Cache-Control"] == "public, max-age=31536000, immutable"
    assert full.content[:32] == storage.read_hashes([(0, 0)])[0]
    assert len(full.content) == 256 * 32
    partial = client.get(f"{API}/ledger/tile/entries/001.p/44")
    assert partial["Cache-Control"] == "public, max-age=60"
    assert partial.content[2:].startswith(storage.read_entries(256, 257)[0])
    level1 = client.get(f"{API}/ledger/tile/1/000.p/1").content
    assert level1 == storage.read_hashes([(8, 0)])[0]
    for missing in ("0/001", "entries/001.p/45", "0/1", "0/x000/000", "9/000"):
        response = client.get(f"{API}/ledger/tile/{missing}")
        assert response.status_code == 404, missing
        assert response["Cache-Control"] == "no-store"


def test_a_peer_registered_with_a_witness_key_is_one_of_the_log_s_witnesses(db):
    from django.core.management import call_command

    key = witness_key()
    call_command(
        "exchange", "trust", "--code", "hcm", "--kind", "department",
        "--key", "k", "--witness-key", key,
    )  # fmt: skip
    call_command(
        "exchange", "trust", "--code", "dn", "--kind", "department",
        "--key", "k", "--witness-key", key.replace("+", "-", 1),
    )  # fmt: skip
    assert [(w.code, w.key.to_string()) for w in cosigning.witnesses()] == [
        ("hcm", key)
    ]


def test_the_monitor_reads_the_registry_s_tiles_and_checkpoint(client, tmp_path):
    from hocbaso.monitor.cli import main

    def fetch(url: str) -> bytes:
        response = client.get(url.removeprefix("http://testserver"))
        assert response.status_code == 200, url
        return response.content

    append(300)
    argv = ["--url", "http://testserver/api/v1", "--key", verifier_key().to_string()]
    argv += ["--state", str(tmp_path)]
    assert main(argv, fetch=fetch) == 0
    append(2, start=300)
    assert main(argv, fetch=fetch) == 0


def test_ledger_witness_asks_and_fails_when_the_policy_is_not_met(
    client, witness, settings, monkeypatch
):
    from django.core.management import CommandError, call_command

    append(2)
    settings.HOCBASO_WITNESS_POLICY = "1"
    witness.url = "http://unreachable.invalid"
    witness.save()
    monkeypatch.setattr(
        cosigning, "_http_post", lambda url, body: (503, b"unavailable")
    )
    with pytest.raises(CommandError, match="does not have the cosignatures"):
        call_command("ledger", "witness")
    monkeypatch.setattr(cosigning, "_http_post", post_through(client))
    witness.url = "http://testserver"
    witness.save()
    call_command("ledger", "witness")
    assert cosigning.is_published(2)
