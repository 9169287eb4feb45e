"""A Merkle tree over a HashStore: append leaf hashes, compute roots and proofs.

Every operation touches O(log N) stored hashes and reads them in a single
`read_hashes` call: appending reads the left neighbours of the new subtrees (the
perfect subtrees of the old size), a root reads the perfect subtrees of its size,
and a proof reads the subtrees that cover its RFC 6962 ranges.
"""

from __future__ import annotations

from collections.abc import Sequence

from hocbaso.ledger.errors import EntryError, TreeSizeError
from hocbaso.ledger.merkle import (
    HASH_SIZE,
    Node,
    Range,
    consistency_ranges,
    fold_right,
    hash_children,
    inclusion_ranges,
    perfect_nodes,
)
from hocbaso.ledger.storage import HashStore


class MerkleTree:
    """The RFC 6962 tree of the leaf hashes in a HashStore (stateless over it)."""

    def __init__(self, store: HashStore) -> None:
        self._store = store

    @property
    def size(self) -> int:
        """The number of leaves."""
        return self._store.tree_size()

    def append(self, leaf_hash: bytes) -> int:
        """Append one leaf hash; return its index."""
        return self.append_many([leaf_hash])

    def append_many(self, leaf_hashes: Sequence[bytes]) -> int:
        """Append leaf hashes in order and store every subtree they complete.

        Returns the index of the first. One read (the old size's perfect
        subtrees that gain a right sibling) and one write, whatever the count.
        """
        if any(len(h) != HASH_SIZE for h in leaf_hashes):
            raise EntryError(f"a leaf hash must have {HASH_SIZE} bytes")
        old = self.size
        lefts = self._left_neighbours(old, old + len(leaf_hashes))
        self._store.write_hashes(_new_subtrees(old, list(leaf_hashes), lefts))
        return old

    def _left_neighbours(self, old: int, new: int) -> dict[int, bytes]:
        # At level l the new subtrees are [old >> l, new >> l), none above the
        # highest bit where old and new differ; when the first new subtree is a
        # right child, its left sibling is an old subtree that must be read.
        needed = [
            (level, (old >> level) - 1)
            for level in range((old ^ new).bit_length())
            if (old >> level) & 1 and (old >> level) < (new >> level)
        ]
        hashes = self._store.read_hashes(needed) if needed else []
        return {level: h for (level, _), h in zip(needed, hashes, strict=True)}

    def root(self, size: int | None = None) -> bytes:
        """The root hash of the tree of the first `size` leaves (default: all)."""
        size = self.size if size is None else size
        self._check_size(size)
        return self._hash_ranges([(0, size)])[0]

    def leaf_hash(self, index: int) -> bytes:
        """The stored hash of leaf `index`."""
        self._check_index(index, self.size)
        return self._store.read_hashes([(0, index)])[0]

    def inclusion_proof(self, index: int, size: int) -> list[bytes]:
        """The RFC 6962 §2.1.1 audit path of leaf `index` in the tree of `size`."""
        self._check_size(size)
        self._check_index(index, size)
        return self._hash_ranges(inclusion_ranges(index, size))

    def consistency_proof(self, size1: int, size2: int) -> list[bytes]:
        """The RFC 6962 §2.1.2 proof that tree size2 extends tree size1.

        Empty when size1 is 0 or equal to size2.
        """
        self._check_size(size2)
        if not 0 <= size1 <= size2:
            raise TreeSizeError(f"tree size {size1} cannot grow into size {size2}")
        return self._hash_ranges(consistency_ranges(size1, size2))

    def _hash_ranges(self, ranges: Sequence[Range]) -> list[bytes]:
        # One read for all the perfect subtrees; each range folds its own run.
        pieces = [perfect_nodes(lo, hi) for lo, hi in ranges]
        flat: list[Node] = [node for nodes in pieces for node in nodes]
        hashes = self._store.read_hashes(flat) if flat else []
        result, at = [], 0
        for nodes in pieces:
            result.append(fold_right(hashes[at : at + len(nodes)]))
            at += len(nodes)
        return result

    def _check_size(self, size: int) -> None:
        if not 0 <= size <= self.size:
            raise TreeSizeError(f"tree size {size} is not in 0..{self.size}")

    @staticmethod
    def _check_index(index: int, size: int) -> None:
        if not 0 <= index < size:
            raise TreeSizeError(f"leaf index {index} is not in a tree of size {size}")


def _new_subtrees(
    old: int, leaf_hashes: list[bytes], lefts: dict[int, bytes]
) -> list[tuple[Node, bytes]]:
    """Level by level, the hashes of the perfect subtrees completed by new leaves."""
    written: list[tuple[Node, bytes]] = []
    level, first, row = 0, old, leaf_hashes
    while row:
        written.extend(((level, first + i), h) for i, h in enumerate(row))
        if first & 1:  # the first new subtree pairs with an old left sibling
            row, first = [lefts[level], *row], first - 1
        row = [hash_children(row[i], row[i + 1]) for i in range(0, len(row) - 1, 2)]
        level, first = level + 1, first >> 1
    return written
