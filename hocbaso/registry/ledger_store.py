"""hocbaso.ledger's LedgerStorage over the registry's tables.

``DatabaseStorage`` answers reads straight from the tables. ``AppendingStorage`` is
the one writer: it is made inside a transaction that holds the lock on the ledger
head (``lock_head``), buffers the entries and subtree hashes an append writes, and
``flush`` stores them with one insert each before the transaction commits (the
entry commits in the same transaction as the change it records), from plain values
(``storing_rows``).
"""

from __future__ import annotations

from collections.abc import Sequence

from hocbaso.ledger import HASH_SIZE, StorageError
from hocbaso.ledger.merkle import perfect_nodes
from hocbaso.registry.models import LedgerEntry, LedgerHead, LedgerNode, node_key
from hocbaso.registry.storing_rows import RowInsert

Node = tuple[int, int]
_BATCH = 1000
_ENTRIES = RowInsert(LedgerEntry, ("index", "data"))
_NODES = RowInsert(LedgerNode, ("key", "level", "index", "hash"))


def lock_head() -> LedgerHead:
    """Lock the ledger head row (SELECT … FOR UPDATE) and return it.

    Every transaction that appends, locks a round or writes a submission takes this
    lock first, so they run one after the other (on SQLite the immediate
    transaction already does). The row is made by the first append, and made again
    from the entries if it is ever missing (it only counts them).
    """
    head = LedgerHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        size = LedgerEntry.objects.count()
        LedgerHead.objects.bulk_create(
            [LedgerHead(pk=1, size=size)], ignore_conflicts=True
        )
        head = LedgerHead.objects.select_for_update().get(pk=1)
    return head


class DatabaseStorage:
    """Read-only LedgerStorage over the tables (proofs, entries, verification)."""

    def tree_size(self) -> int:
        head = LedgerHead.objects.filter(pk=1).values_list("size", flat=True).first()
        return LedgerEntry.objects.count() if head is None else head

    def read_hashes(self, nodes: Sequence[Node]) -> list[bytes]:
        found = _stored_hashes(node_key(level, index) for level, index in nodes)
        return [_pick(found, node) for node in nodes]

    def write_hashes(self, nodes: Sequence[tuple[Node, bytes]]) -> None:
        raise StorageError("read-only ledger storage: append through a session")

    def write_entry(self, index: int, data: bytes) -> None:
        raise StorageError("read-only ledger storage: append through a session")

    def read_entries(self, start: int, end: int) -> list[bytes]:
        if not 0 <= start <= end <= self.tree_size():
            raise StorageError(f"entries [{start}, {end}) are not stored")
        rows = LedgerEntry.objects.filter(index__gte=start, index__lt=end)
        data = dict(rows.values_list("index", "data"))
        if len(data) != end - start:
            raise StorageError(f"entries [{start}, {end}) are not all stored")
        return [bytes(data[i]) for i in range(start, end)]


class AppendingStorage(DatabaseStorage):
    """The writer of one transaction, over a locked head; call ``flush`` at the end."""

    def __init__(self, head: LedgerHead) -> None:
        self._head = head
        self._size = head.size
        self._entries: dict[int, bytes] = {}
        # The perfect subtrees of the current size, read once: appends only ever
        # pair new subtrees with these, so no append of the session reads again.
        frontier = [node_key(*node) for node in perfect_nodes(0, head.size)]
        self._nodes: dict[int, bytes] = _stored_hashes(frontier) if frontier else {}
        self._new_nodes: list[tuple[int, int, int, bytes]] = []

    def tree_size(self) -> int:
        return self._size

    def read_hashes(self, nodes: Sequence[Node]) -> list[bytes]:
        keys = [node_key(level, index) for level, index in nodes]
        missing = [k for k in keys if k not in self._nodes]
        found = _stored_hashes(missing) if missing else {}
        found.update(self._nodes)
        return [_pick(found, node) for node in nodes]

    def write_hashes(self, nodes: Sequence[tuple[Node, bytes]]) -> None:
        for (level, index), value in nodes:
            if len(value) != HASH_SIZE:
                raise StorageError(f"subtree ({level}, {index}) is not a hash")
            if level == 0:
                if index != self._size:
                    raise StorageError(f"leaf {index} written out of order")
                self._size += 1
            key = node_key(level, index)
            self._nodes[key] = value
            self._new_nodes.append((key, level, index, value))

    def write_entry(self, index: int, data: bytes) -> None:
        # hocbaso.ledger.Ledger.append writes the entry, then its leaf hash.
        if index != self._size or index in self._entries:
            raise StorageError(f"entry {index} written out of order")
        self._entries[index] = data

    def read_entries(self, start: int, end: int) -> list[bytes]:
        stored_end = min(end, self._head.size)
        stored = super().read_entries(start, stored_end) if start < stored_end else []
        return stored + [self._entries[i] for i in range(max(start, stored_end), end)]

    def flush(self) -> None:
        """Store what the session appended, and the head's new size."""
        if len(self._entries) != self._size - self._head.size:
            raise StorageError("an entry was appended without its leaf hash")
        _ENTRIES(sorted(self._entries.items()))
        _NODES(self._new_nodes)
        LedgerHead.objects.filter(pk=1).update(size=self._size)
        self._head.size = self._size
        self._entries.clear()
        self._new_nodes.clear()


def _stored_hashes(keys) -> dict[int, bytes]:
    keys = list(keys)
    found: dict[int, bytes] = {}
    for start in range(0, len(keys), _BATCH):
        rows = LedgerNode.objects.filter(key__in=keys[start : start + _BATCH])
        found.update((k, bytes(h)) for k, h in rows.values_list("key", "hash"))
    return found


def _pick(found: dict[int, bytes], node: Node) -> bytes:
    value = found.get(node_key(*node))
    if value is None:
        raise StorageError(f"no stored hash for subtree {node}")
    return value
