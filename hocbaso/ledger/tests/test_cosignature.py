"""Witness cosignatures (c2sp.org/tlog-cosignature, cosignature/v1)."""

from __future__ import annotations

import base64

import pytest

from hocbaso.ledger import (
    Checkpoint,
    CosignatureKey,
    Ed25519NoteSigner,
    KeyFormatError,
    NoteFormatError,
    SignatureInvalidError,
    add_signature_lines,
    cosign_checkpoint,
    cosigning_key,
    hash_leaf,
    sign_checkpoint,
    verify_checkpoint,
    verify_cosignatures,
)
from hocbaso.ledger.cosignature import cosigned_message

ORIGIN = "hocba.example.edu.vn/ledger"
LOG = Ed25519NoteSigner.generate(ORIGIN)
WITNESS = Ed25519NoteSigner.generate("witness.example/w1")
CHECKPOINT = Checkpoint(ORIGIN, 5, hash_leaf(b"x"))


def _cosigned(timestamp: int = 1_700_000_000) -> str:
    note = sign_checkpoint(CHECKPOINT, LOG)
    return add_signature_lines(note, cosign_checkpoint(CHECKPOINT, WITNESS, timestamp))


def test_the_signed_message_is_the_header_then_the_checkpoint_body() -> None:
    assert cosigned_message(CHECKPOINT.to_text(), 12) == (
        b"cosignature/v1\ntime 12\n" + CHECKPOINT.to_text().encode()
    )


def test_a_cosignature_line_carries_key_hash_timestamp_and_signature() -> None:
    line = cosign_checkpoint(CHECKPOINT, WITNESS, 1_700_000_000)
    raw = base64.b64decode(line.split(" ")[2])
    key = cosigning_key(WITNESS)
    assert raw[:4] == key.key_hash
    assert int.from_bytes(raw[4:12], "big") == 1_700_000_000
    message = cosigned_message(CHECKPOINT.to_text(), 1_700_000_000)
    assert WITNESS.verifier_key().is_valid_signature(message, raw[12:])
    assert len(raw) == 76


def test_the_cosigning_key_differs_from_the_same_key_as_a_log_key() -> None:
    key = cosigning_key(WITNESS)
    assert key.key_hash != WITNESS.verifier_key().key_hash
    assert base64.b64decode(key.to_string().split("+", 2)[2])[:1] == b"\x04"
    assert CosignatureKey.from_string(key.to_string()) == key
    with pytest.raises(KeyFormatError):
        CosignatureKey.from_string(WITNESS.verifier_key().to_string())


def test_a_cosigned_checkpoint_still_verifies_for_the_log() -> None:
    assert verify_checkpoint(_cosigned(), LOG.verifier_key(), ORIGIN) == CHECKPOINT


def test_verify_cosignatures_counts_trusted_witnesses_once() -> None:
    note = _cosigned()
    other = Ed25519NoteSigner.generate("witness.example/w2")
    note = add_signature_lines(note, cosign_checkpoint(CHECKPOINT, WITNESS, 5))
    found = verify_cosignatures(note, [cosigning_key(WITNESS)])
    assert [c.witness for c in found] == ["witness.example/w1"]
    assert found[0].timestamp == 1_700_000_000
    assert verify_cosignatures(note, [cosigning_key(other)]) == []


def test_a_cosignature_of_another_checkpoint_is_refused() -> None:
    other = Checkpoint(ORIGIN, 6, hash_leaf(b"x"))
    line = cosign_checkpoint(other, WITNESS, 9)
    note = add_signature_lines(sign_checkpoint(CHECKPOINT, LOG), line)
    with pytest.raises(SignatureInvalidError):
        verify_cosignatures(note, [cosigning_key(WITNESS)])


def test_a_log_signature_is_not_a_cosignature_even_under_the_witness_name() -> None:
    # The same key as a log key (type 0x01) signs the body, not the cosigned message.
    posing = WITNESS
    note = sign_checkpoint(CHECKPOINT, LOG)
    plain = sign_checkpoint(CHECKPOINT, posing).split("\n\n", 1)[1]
    note = add_signature_lines(note, plain)
    assert verify_cosignatures(note, [cosigning_key(WITNESS)]) == []


@pytest.mark.parametrize(
    "lines", ["", "not a line\n", "\u2014 w1 AAAA", "\u2014 w1 !!!!\n"]
)
def test_only_signature_lines_are_appended(lines: str) -> None:
    with pytest.raises(NoteFormatError):
        add_signature_lines(sign_checkpoint(CHECKPOINT, LOG), lines)
