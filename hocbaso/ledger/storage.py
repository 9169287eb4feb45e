"""What the ledger stores, behind two small protocols, and an in-memory implementation.

The core never rebuilds the tree: it keeps the hash of every perfect subtree, named
(level, index), as leaves are appended, and a proof reads only the O(log N) subtrees
it needs, in one call. Level 0 holds the leaf hashes, so the tree size is the number
of level-0 hashes. Hashes and entries are written once, in order, and never change:
the Django registry implements the same protocols over tables whose rows it never
updates, and runs each append inside its transaction, one writer at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from hocbaso.ledger.errors import StorageError
from hocbaso.ledger.merkle import HASH_SIZE, Node


class HashStore(Protocol):
    """The hashes of the perfect subtrees of the tree, keyed by (level, index)."""

    def tree_size(self) -> int:
        """The number of leaves: the number of level-0 hashes stored."""
        ...

    def read_hashes(self, nodes: Sequence[Node]) -> list[bytes]:
        """The hashes of these subtrees, in order; StorageError if one is missing."""
        ...

    def write_hashes(self, nodes: Sequence[tuple[Node, bytes]]) -> None:
        """Store new subtree hashes, given level by level in increasing index order."""
        ...


class EntryStore(Protocol):
    """The encoded entries, one per leaf, by index."""

    def write_entry(self, index: int, data: bytes) -> None:
        """Store entry `index`, the next one after those stored."""
        ...

    def read_entries(self, start: int, end: int) -> list[bytes]:
        """Entries [start, end); StorageError outside the stored range."""
        ...


class LedgerStorage(HashStore, EntryStore, Protocol):
    """Everything a Ledger needs: the subtree hashes and the entries."""


class MemoryStorage:
    """LedgerStorage in memory, for tests and benchmarks.

    Each level is one bytearray of 32-byte hashes (about 64 bytes per leaf over all
    levels), so ten million leaves fit in well under a gigabyte.
    """

    def __init__(self) -> None:
        self._levels: list[bytearray] = []
        self._entries: list[bytes] = []

    def tree_size(self) -> int:
        """The number of leaf hashes stored."""
        return len(self._levels[0]) // HASH_SIZE if self._levels else 0

    def read_hashes(self, nodes: Sequence[Node]) -> list[bytes]:
        """Slice each hash out of its level."""
        return [self._read_hash(level, index) for level, index in nodes]

    def _read_hash(self, level: int, index: int) -> bytes:
        start = index * HASH_SIZE
        if 0 <= level < len(self._levels) and index >= 0:
            found = bytes(self._levels[level][start : start + HASH_SIZE])
            if len(found) == HASH_SIZE:
                return found
        raise StorageError(f"no stored hash for subtree ({level}, {index})")

    def write_hashes(self, nodes: Sequence[tuple[Node, bytes]]) -> None:
        """Append each hash to its level; refuse gaps and rewrites (append-only)."""
        for (level, index), value in nodes:
            while len(self._levels) <= level:
                self._levels.append(bytearray())
            row = self._levels[level]
            if index * HASH_SIZE != len(row) or len(value) != HASH_SIZE:
                raise StorageError(f"subtree ({level}, {index}) written out of order")
            row += value

    def write_entry(self, index: int, data: bytes) -> None:
        """Append the entry; refuse gaps and rewrites."""
        if index != len(self._entries):
            raise StorageError(f"entry {index} written out of order")
        self._entries.append(data)

    def read_entries(self, start: int, end: int) -> list[bytes]:
        """Entries [start, end)."""
        if not 0 <= start <= end <= len(self._entries):
            raise StorageError(f"entries [{start}, {end}) are not stored")
        return self._entries[start:end]
