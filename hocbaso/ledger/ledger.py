"""The Ledger: entries appended to an RFC 6962 tree, with proofs and checkpoints."""

from __future__ import annotations

from hocbaso.ledger.checkpoint import Checkpoint, sign_checkpoint
from hocbaso.ledger.entry import Entry
from hocbaso.ledger.merkle import hash_leaf
from hocbaso.ledger.note import NoteSigner
from hocbaso.ledger.storage import LedgerStorage
from hocbaso.ledger.tree import MerkleTree


class Ledger:
    """The append-only log `origin` over a LedgerStorage.

    Appends must be serialised by the caller (the registry holds a lock in the
    transaction that appends), and the entry and its hashes commit together.
    """

    def __init__(self, storage: LedgerStorage, origin: str) -> None:
        self._storage = storage
        self._tree = MerkleTree(storage)
        self.origin = origin

    def append(self, entry: Entry) -> int:
        """Store the entry and its leaf hash; return its index."""
        data = entry.to_bytes()
        index = self._tree.size
        self._storage.write_entry(index, data)
        self._tree.append(hash_leaf(data))
        return index

    @property
    def size(self) -> int:
        """The number of entries."""
        return self._tree.size

    def root(self, size: int | None = None) -> bytes:
        """The root hash at a tree size (default: now); TreeSizeError if too big."""
        return self._tree.root(size)

    def inclusion_proof(self, index: int, size: int) -> list[bytes]:
        """The audit path of entry `index` in the tree of `size` (RFC 6962 §2.1.1)."""
        return self._tree.inclusion_proof(index, size)

    def consistency_proof(self, size1: int, size2: int) -> list[bytes]:
        """The proof that tree size2 extends tree size1 (RFC 6962 §2.1.2)."""
        return self._tree.consistency_proof(size1, size2)

    def checkpoint(self, signer: NoteSigner) -> str:
        """The current tree head as a signed note (c2sp.org/tlog-checkpoint)."""
        size = self.size
        return sign_checkpoint(Checkpoint(self.origin, size, self.root(size)), signer)

    def entries(self, start: int, end: int) -> list[Entry]:
        """Entries [start, end), decoded; StorageError outside the stored range."""
        return [
            Entry.from_bytes(data) for data in self._storage.read_entries(start, end)
        ]

    def leaf_hash(self, index: int) -> bytes:
        """The stored leaf hash of entry `index`."""
        return self._tree.leaf_hash(index)
