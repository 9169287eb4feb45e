"""Inclusion and consistency proofs for every index and size up to 64.

The stored-subtree tree must give exactly what the naive RFC 6962 recursion gives,
its proofs must verify, and any change to a proof, a root or a leaf must not.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hocbaso.ledger import (
    EMPTY_ROOT,
    MerkleTree,
    ProofError,
    TreeSizeError,
    verify_consistency,
    verify_inclusion,
)
from hocbaso.ledger.tests import rfc6962
from hocbaso.ledger.tests.samples import MAX_SIZE

SIZES = range(1, MAX_SIZE + 1)


def flip(value: bytes, bit: int) -> bytes:
    """The value with one bit inverted (bit counts over the whole value)."""
    data = bytearray(value)
    data[bit // 8 % len(data)] ^= 1 << (bit % 8)
    return bytes(data)


def test_every_root_equals_the_naive_recursion(
    tree: MerkleTree, hashes: list[bytes]
) -> None:
    for size in range(MAX_SIZE + 1):
        assert tree.root(size) == rfc6962.mth(hashes[:size])


def test_every_inclusion_proof_equals_the_naive_one_and_verifies(
    tree: MerkleTree, hashes: list[bytes]
) -> None:
    for size in SIZES:
        root = tree.root(size)
        for index in range(size):
            proof = tree.inclusion_proof(index, size)
            assert proof == rfc6962.path(index, hashes[:size])
            verify_inclusion(hashes[index], index, size, proof, root)


def test_every_consistency_proof_equals_the_naive_one_and_verifies(
    tree: MerkleTree, hashes: list[bytes]
) -> None:
    for size2 in SIZES:
        for size1 in range(1, size2 + 1):
            proof = tree.consistency_proof(size1, size2)
            assert proof == rfc6962.proof(size1, hashes[:size2])
            verify_consistency(size1, size2, tree.root(size1), tree.root(size2), proof)


def test_the_empty_tree_is_consistent_with_every_tree(tree: MerkleTree) -> None:
    for size in range(MAX_SIZE + 1):
        assert tree.consistency_proof(0, size) == []
        verify_consistency(0, size, EMPTY_ROOT, tree.root(size), [])


@st.composite
def index_and_size(draw: st.DrawFn) -> tuple[int, int]:
    size = draw(st.integers(1, MAX_SIZE))
    return draw(st.integers(0, size - 1)), size


@st.composite
def two_sizes(draw: st.DrawFn) -> tuple[int, int]:
    size2 = draw(st.integers(1, MAX_SIZE))
    return draw(st.integers(1, size2)), size2


@given(index_and_size(), st.integers(0, 255), st.data())
def test_a_flipped_bit_in_leaf_root_or_path_fails_inclusion(
    tree: MerkleTree,
    hashes: list[bytes],
    where: tuple[int, int],
    bit: int,
    data: st.DataObject,
) -> None:
    index, size = where
    args = [hashes[index], tree.root(size), *tree.inclusion_proof(index, size)]
    target = data.draw(st.integers(0, len(args) - 1))
    args[target] = flip(args[target], bit)
    leaf, root, *proof = args
    with pytest.raises(ProofError):
        verify_inclusion(leaf, index, size, proof, root)


@given(two_sizes(), st.integers(0, 255), st.data())
def test_a_flipped_bit_in_either_root_or_the_proof_fails_consistency(
    tree: MerkleTree, sizes: tuple[int, int], bit: int, data: st.DataObject
) -> None:
    size1, size2 = sizes
    args = [tree.root(size1), tree.root(size2), *tree.consistency_proof(*sizes)]
    target = data.draw(st.integers(0, len(args) - 1))
    args[target] = flip(args[target], bit)
    root1, root2, *proof = args
    with pytest.raises(ProofError):
        verify_consistency(size1, size2, root1, root2, proof)


@given(index_and_size(), st.integers(0, MAX_SIZE))
def test_a_proof_checked_at_another_index_fails(
    tree: MerkleTree, hashes: list[bytes], where: tuple[int, int], other: int
) -> None:
    index, size = where
    proof = tree.inclusion_proof(index, size)
    if other != index:
        with pytest.raises(ProofError):
            verify_inclusion(hashes[index], other, size, proof, tree.root(size))


@given(index_and_size(), st.integers(1, MAX_SIZE))
def test_a_proof_checked_against_another_tree_size_and_its_root_fails(
    tree: MerkleTree, hashes: list[bytes], where: tuple[int, int], other: int
) -> None:
    # The size alone is not bound by the path (a proof for index 0 has the same
    # shape in trees of 17 and 18 leaves): the root of that size is what binds it.
    index, size = where
    proof = tree.inclusion_proof(index, size)
    if other != size and other > index:
        with pytest.raises(ProofError):
            verify_inclusion(hashes[index], index, other, proof, tree.root(other))


@given(two_sizes())
def test_a_consistency_proof_cut_short_or_lengthened_fails(
    tree: MerkleTree, sizes: tuple[int, int]
) -> None:
    size1, size2 = sizes
    proof = tree.consistency_proof(size1, size2)
    roots = tree.root(size1), tree.root(size2)
    for changed in (proof[:-1], [*proof, roots[0]]):
        if changed != proof:
            with pytest.raises(ProofError):
                verify_consistency(size1, size2, *roots, changed)


@given(index_and_size())
def test_an_inclusion_proof_cut_short_or_lengthened_fails(
    tree: MerkleTree, hashes: list[bytes], where: tuple[int, int]
) -> None:
    index, size = where
    proof, root = tree.inclusion_proof(index, size), tree.root(size)
    for changed in (proof[:-1], [*proof, root]):
        if changed != proof:
            with pytest.raises(ProofError):
                verify_inclusion(hashes[index], index, size, changed, root)


def test_verification_refuses_impossible_sizes_and_short_hashes(
    tree: MerkleTree, hashes: list[bytes]
) -> None:
    root = tree.root(4)
    with pytest.raises(ProofError, match="not in a tree of size 4"):
        verify_inclusion(hashes[4], 4, 4, [], root)
    with pytest.raises(ProofError, match="32-byte"):
        verify_inclusion(hashes[0][:31], 0, 4, tree.inclusion_proof(0, 4), root)
    with pytest.raises(ProofError, match="cannot grow"):
        verify_consistency(5, 4, tree.root(5), root, [])
    with pytest.raises(ProofError, match="must be empty"):
        verify_consistency(4, 4, root, root, [root])
    with pytest.raises(ProofError, match="same tree size"):
        verify_consistency(4, 4, root, tree.root(3), [])
    with pytest.raises(ProofError, match="empty"):
        verify_consistency(3, 4, tree.root(3), root, [])


def test_the_tree_refuses_proofs_beyond_its_size(tree: MerkleTree) -> None:
    with pytest.raises(TreeSizeError):
        tree.inclusion_proof(0, MAX_SIZE + 1)
    with pytest.raises(TreeSizeError):
        tree.inclusion_proof(5, 5)
    with pytest.raises(TreeSizeError):
        tree.consistency_proof(6, 5)
    with pytest.raises(TreeSizeError):
        tree.root(MAX_SIZE + 1)
