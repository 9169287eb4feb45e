"""The stored-subtree tree: batch appends, reads per proof, append-only storage."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hocbaso.ledger import (
    EntryError,
    MemoryStorage,
    MerkleTree,
    StorageError,
    verify_consistency,
    verify_inclusion,
)
from hocbaso.ledger.merkle import Node
from hocbaso.ledger.tests import rfc6962
from hocbaso.ledger.tests.samples import MAX_SIZE, leaf_hashes


class CountingStorage(MemoryStorage):
    """MemoryStorage that counts read calls and the hashes they ask for."""

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0
        self.hashes_read = 0

    def read_hashes(self, nodes: Sequence[Node]) -> list[bytes]:
        self.calls += 1
        self.hashes_read += len(nodes)
        return super().read_hashes(nodes)

    def reset(self) -> None:
        self.calls = self.hashes_read = 0


@settings(max_examples=50)
@given(st.lists(st.integers(1, 20), max_size=8))
def test_appending_in_batches_stores_the_same_tree_as_one_by_one(
    batches: list[int],
) -> None:
    hashes = leaf_hashes(sum(batches))
    batched = MerkleTree(MemoryStorage())
    at = 0
    for count in batches:
        assert batched.append_many(hashes[at : at + count]) == at
        at += count
    assert batched.size == len(hashes)
    assert batched.root() == rfc6962.mth(hashes)
    for size in range(len(hashes) + 1):
        assert batched.root(size) == rfc6962.mth(hashes[:size])


def test_append_returns_each_leaf_index_and_stores_its_hash() -> None:
    tree = MerkleTree(MemoryStorage())
    hashes = leaf_hashes(5)
    assert [tree.append(h) for h in hashes] == [0, 1, 2, 3, 4]
    assert [tree.leaf_hash(i) for i in range(5)] == hashes


@pytest.fixture(scope="module")
def counted() -> tuple[MerkleTree, CountingStorage]:
    storage = CountingStorage()
    tree = MerkleTree(storage)
    tree.append_many(leaf_hashes(100_003))  # not a power of two
    return tree, storage


@pytest.mark.parametrize("index", [0, 1, 4_096, 65_535, 65_536, 99_999, 100_002])
def test_an_inclusion_proof_reads_logarithmically_many_hashes_in_one_call(
    counted: tuple[MerkleTree, CountingStorage], index: int
) -> None:
    tree, storage = counted
    storage.reset()
    proof = tree.inclusion_proof(index, tree.size)
    assert storage.calls == 1
    assert storage.hashes_read <= 2 * tree.size.bit_length()
    verify_inclusion(tree.leaf_hash(index), index, tree.size, proof, tree.root())


@pytest.mark.parametrize("size1", [1, 3, 65_536, 70_001, 100_002])
def test_a_consistency_proof_reads_logarithmically_many_hashes_in_one_call(
    counted: tuple[MerkleTree, CountingStorage], size1: int
) -> None:
    tree, storage = counted
    storage.reset()
    proof = tree.consistency_proof(size1, tree.size)
    assert storage.calls == 1
    assert storage.hashes_read <= 2 * tree.size.bit_length()
    verify_consistency(size1, tree.size, tree.root(size1), tree.root(), proof)


def test_appending_one_leaf_reads_at_most_one_call_of_log_n_hashes(
    counted: tuple[MerkleTree, CountingStorage],
) -> None:
    tree, storage = counted
    storage.reset()
    tree.append(leaf_hashes(1)[0])
    assert storage.calls <= 1
    assert storage.hashes_read <= tree.size.bit_length()


def test_the_storage_refuses_to_rewrite_or_skip_a_hash() -> None:
    storage = MemoryStorage()
    tree = MerkleTree(storage)
    tree.append_many(leaf_hashes(4))
    with pytest.raises(StorageError, match="out of order"):
        storage.write_hashes([((0, 1), bytes(32))])
    with pytest.raises(StorageError, match="out of order"):
        storage.write_hashes([((0, 9), bytes(32))])
    with pytest.raises(StorageError, match="no stored hash"):
        storage.read_hashes([(3, 0)])


def test_the_storage_refuses_entries_out_of_order_or_out_of_range() -> None:
    storage = MemoryStorage()
    storage.write_entry(0, b"a")
    with pytest.raises(StorageError):
        storage.write_entry(0, b"b")
    with pytest.raises(StorageError):
        storage.read_entries(0, 2)
    assert storage.read_entries(0, 1) == [b"a"]


def test_a_leaf_hash_must_have_32_bytes() -> None:
    with pytest.raises(EntryError):
        MerkleTree(MemoryStorage()).append(b"short")


def test_a_tree_stores_each_perfect_subtree_once_and_nothing_more() -> None:
    storage = MemoryStorage()
    MerkleTree(storage).append_many(leaf_hashes(MAX_SIZE - 3))  # 61 = 0b111101
    for level in range(7):
        complete = (MAX_SIZE - 3) >> level
        storage.read_hashes([(level, i) for i in range(complete)])
        with pytest.raises(StorageError):
            storage.read_hashes([(level, complete)])
