"""The registry's append-only transparency log (the ledger).

Pure: imports the standard library and `cryptography`, never Django. RFC 6962 Merkle
tree hashing with inclusion and consistency proofs (verified as RFC 9162 §2.1.3.2 and
§2.1.4.2 say) over stored perfect-subtree hashes, entries of opaque identifiers
and hashes, storage behind a small protocol.
"""

from hocbaso.ledger.entry import Entry, Event
from hocbaso.ledger.errors import (
    CheckpointError,
    EntryError,
    KeyFormatError,
    LedgerError,
    NoteFormatError,
    ProofError,
    SignatureInvalidError,
    StorageError,
    TreeSizeError,
    UnknownKeyError,
)
from hocbaso.ledger.merkle import (
    EMPTY_ROOT,
    HASH_SIZE,
    hash_children,
    hash_leaf,
    verify_consistency,
    verify_inclusion,
)
from hocbaso.ledger.storage import EntryStore, HashStore, LedgerStorage, MemoryStorage
from hocbaso.ledger.tree import MerkleTree

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "CheckpointError",
    "Entry",
    "EntryError",
    "EntryStore",
    "Event",
    "HashStore",
    "KeyFormatError",
    "LedgerError",
    "LedgerStorage",
    "MemoryStorage",
    "MerkleTree",
    "NoteFormatError",
    "ProofError",
    "SignatureInvalidError",
    "StorageError",
    "TreeSizeError",
    "UnknownKeyError",
    "hash_children",
    "hash_leaf",
    "verify_consistency",
    "verify_inclusion",
]
