"""A witness's checks on add-checkpoint requests (c2sp.org/tlog-witness)."""

from __future__ import annotations

import base64

import pytest

from hocbaso.ledger import (
    EMPTY_ROOT,
    AddCheckpoint,
    Checkpoint,
    Ed25519NoteSigner,
    MemoryStorage,
    MerkleTree,
    WitnessedHead,
    check_add_checkpoint,
    parse_add_checkpoint,
    sign_checkpoint,
)
from hocbaso.ledger.tests.samples import leaf_hashes
from hocbaso.ledger.witness import (
    BadRequestError,
    ConflictError,
    ForbiddenError,
    InconsistentError,
    UnknownLogError,
)

ORIGIN = "hocba.example.edu.vn/ledger"
LOG = Ed25519NoteSigner.generate(ORIGIN)
KEYS = [LOG.verifier_key()]


def _tree(leaves: list[bytes]) -> MerkleTree:
    tree = MerkleTree(MemoryStorage())
    tree.append_many(leaves)
    return tree


def _request(tree: MerkleTree, old: int, signer=LOG) -> AddCheckpoint:
    note = sign_checkpoint(Checkpoint(ORIGIN, tree.size, tree.root()), signer)
    return AddCheckpoint(old, tuple(tree.consistency_proof(old, tree.size)), note)


def test_the_body_round_trips_as_the_spec_writes_it() -> None:
    request = _request(_tree(leaf_hashes(9)), 4)
    body = request.to_bytes()
    assert (
        body.startswith(b"old 4\n") and b"\n\nhocba.example.edu.vn/ledger\n9\n" in body
    )
    assert parse_add_checkpoint(body) == request


@pytest.mark.parametrize(
    "body",
    [
        b"old 01\n\nx\n",
        b"old -1\n\nx\n",
        b"old 1\nAAAA\n\nx\n",
        b"old 1\n" + base64.b64encode(bytes(32)) + b" \n\nx\n",
        b"old 1\nx\n",
        b"old 1\n\n",
        b"\xff\n\nx\n",
        b"old 1\n" + (base64.b64encode(bytes(32)) + b"\n") * 64 + b"\nx\n",
    ],
)
def test_a_malformed_body_is_a_bad_request(body: bytes) -> None:
    with pytest.raises(BadRequestError):
        parse_add_checkpoint(body)


def test_a_first_checkpoint_and_a_consistent_one_are_cosigned() -> None:
    leaves = leaf_hashes(20)
    first = check_add_checkpoint(_request(_tree(leaves[:7]), 0), KEYS, None)
    assert first.size == 7
    head = WitnessedHead(7, first.root_hash)
    second = check_add_checkpoint(_request(_tree(leaves), 7), KEYS, head)
    assert second.size == 20


def test_the_same_checkpoint_again_is_cosigned_again() -> None:
    tree = _tree(leaf_hashes(5))
    head = WitnessedHead(5, tree.root())
    assert check_add_checkpoint(_request(tree, 5), KEYS, head).size == 5


def test_a_rewritten_history_of_a_larger_size_is_inconsistent() -> None:
    leaves = leaf_hashes(20)
    head = WitnessedHead(7, _tree(leaves[:7]).root())
    forged = _tree([leaves[0], leaf_hashes(30)[25], *leaves[2:]])
    with pytest.raises(InconsistentError) as refused:
        check_add_checkpoint(_request(forged, 7), KEYS, head)
    assert refused.value.status == 422


def test_a_rewritten_history_of_the_same_size_is_a_conflict() -> None:
    leaves = leaf_hashes(7)
    head = WitnessedHead(7, _tree(leaves).root())
    forged = _tree([*leaves[:6], hash_of(b"forged")])
    with pytest.raises(ConflictError) as refused:
        check_add_checkpoint(_request(forged, 7), KEYS, head)
    assert (refused.value.status, refused.value.known_size) == (409, 7)


def hash_of(data: bytes) -> bytes:
    from hocbaso.ledger import hash_leaf

    return hash_leaf(data)


def test_a_stale_old_size_is_a_conflict_naming_the_known_size() -> None:
    leaves = leaf_hashes(20)
    head = WitnessedHead(9, _tree(leaves[:9]).root())
    with pytest.raises(ConflictError) as refused:
        check_add_checkpoint(_request(_tree(leaves), 7), KEYS, head)
    assert refused.value.known_size == 9


def test_an_old_size_beyond_the_checkpoint_is_a_bad_request() -> None:
    tree = _tree(leaf_hashes(5))
    request = AddCheckpoint(9, (), _request(tree, 0).note)
    with pytest.raises(BadRequestError):
        check_add_checkpoint(request, KEYS, WitnessedHead(9, EMPTY_ROOT))


def test_unknown_logs_and_untrusted_keys_are_refused() -> None:
    tree = _tree(leaf_hashes(5))
    with pytest.raises(UnknownLogError) as unknown:
        check_add_checkpoint(_request(tree, 0), [], None)
    assert unknown.value.status == 404
    insider = Ed25519NoteSigner.generate(ORIGIN)
    with pytest.raises(ForbiddenError) as forbidden:
        check_add_checkpoint(_request(tree, 0, insider), KEYS, None)
    assert forbidden.value.status == 403


def test_an_altered_checkpoint_is_forbidden() -> None:
    request = _request(_tree(leaf_hashes(5)), 0)
    altered = AddCheckpoint(0, (), request.note.replace("\n5\n", "\n6\n", 1))
    with pytest.raises(ForbiddenError):
        check_add_checkpoint(altered, KEYS, None)


def test_a_proof_from_size_zero_must_be_empty() -> None:
    tree = _tree(leaf_hashes(5))
    request = _request(tree, 0)
    padded = AddCheckpoint(0, (bytes(32),), request.note)
    with pytest.raises(InconsistentError):
        check_add_checkpoint(padded, KEYS, None)


def test_a_tree_size_beyond_a_64_bit_column_is_a_bad_request() -> None:
    root = _tree(leaf_hashes(1)).root()
    note = sign_checkpoint(Checkpoint(ORIGIN, 2**63, root), LOG)
    with pytest.raises(BadRequestError, match="too large"):
        check_add_checkpoint(AddCheckpoint(0, (), note), KEYS, None)
