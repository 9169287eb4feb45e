"""The Ledger facade: append entries, prove them, sign the tree head."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest

from hocbaso.ledger import (
    Ed25519NoteSigner,
    Entry,
    Event,
    Ledger,
    MemoryStorage,
    StorageError,
    TreeSizeError,
    verify_checkpoint,
    verify_consistency,
    verify_inclusion,
)
from hocbaso.ledger.tests import rfc6962

ORIGIN = "hocbaso.example/ledger"
START = datetime(2025, 6, 1, 1, 0, tzinfo=UTC)


def lifecycle() -> list[Entry]:
    """Submit, replace, revoke, lock and transfer, as the registry will log them."""
    first, second = (hashlib.sha256(p).digest() for p in (b"v1", b"v2"))
    at = [START + timedelta(hours=h) for h in range(7)]
    record = {"subject": "rec-1"}
    return [
        Entry(Event.RECORD_SUBMIT, at[0], reference="sub-1", digest=first, **record),
        Entry(
            Event.RECORD_REPLACE,
            at[1],
            reference="sub-2",
            digest=second,
            previous=first,
            **record,
        ),
        Entry(Event.RECORD_REVOKE, at[2], reference="sub-2", digest=second, **record),
        Entry(Event.ROUND_LOCK, at[3], "round-2025-main", "lock-1", digest=first),
        Entry(Event.TRANSFER_REQUEST, at[4], "tx-9", "transfer-3"),
        Entry(Event.TRANSFER_RELEASE, at[5], "tx-9", "transfer-3"),
        Entry(Event.TRANSFER_ACKNOWLEDGE, at[6], "tx-9", "transfer-3"),
    ]


@pytest.fixture
def ledger() -> Ledger:
    book = Ledger(MemoryStorage(), ORIGIN)
    for entry in lifecycle():
        book.append(entry)
    return book


def test_append_returns_consecutive_indices() -> None:
    book = Ledger(MemoryStorage(), ORIGIN)
    assert [book.append(e) for e in lifecycle()] == list(range(7))
    assert book.size == 7


def test_entries_read_back_as_appended(ledger: Ledger) -> None:
    assert ledger.entries(0, 7) == lifecycle()
    assert ledger.entries(2, 4) == lifecycle()[2:4]
    with pytest.raises(StorageError):
        ledger.entries(5, 9)


def test_the_root_is_rfc_6962_over_the_encoded_entries(ledger: Ledger) -> None:
    leaves = [rfc6962.leaf(e.to_bytes()) for e in lifecycle()]
    assert ledger.root() == rfc6962.mth(leaves)
    assert [ledger.leaf_hash(i) for i in range(7)] == leaves


def test_every_entry_is_proved_against_the_signed_checkpoint(ledger: Ledger) -> None:
    signer = Ed25519NoteSigner.generate(ORIGIN)
    head = verify_checkpoint(ledger.checkpoint(signer), signer.verifier_key(), ORIGIN)
    assert (head.size, head.root_hash) == (7, ledger.root())
    for index, entry in enumerate(lifecycle()):
        proof = ledger.inclusion_proof(index, head.size)
        verify_inclusion(entry.leaf_hash(), index, head.size, proof, head.root_hash)


def test_a_later_checkpoint_is_proved_consistent_with_an_earlier_one(
    ledger: Ledger,
) -> None:
    signer = Ed25519NoteSigner.generate(ORIGIN)
    key = signer.verifier_key()
    old = verify_checkpoint(ledger.checkpoint(signer), key)
    ledger.append(lifecycle()[0])
    new = verify_checkpoint(ledger.checkpoint(signer), key)
    proof = ledger.consistency_proof(old.size, new.size)
    verify_consistency(old.size, new.size, old.root_hash, new.root_hash, proof)


def test_it_refuses_proofs_for_sizes_it_has_not_reached(ledger: Ledger) -> None:
    with pytest.raises(TreeSizeError):
        ledger.inclusion_proof(0, 8)
    with pytest.raises(TreeSizeError):
        ledger.consistency_proof(3, 8)
