"""The registry's append-only transparency log (the ledger).

Pure: imports the standard library and `cryptography`, never Django. RFC 6962 Merkle
tree hashing with inclusion and consistency proofs (verified as RFC 9162 §2.1.3.2 and
§2.1.4.2 say), entries of opaque identifiers and hashes, storage behind a small
protocol, and checkpoints signed as c2sp.org/tlog-checkpoint notes. See docs/ledger.md.
"""

from hocbaso.ledger.checkpoint import (
    Checkpoint,
    check_origin,
    origin_from_url,
    sign_checkpoint,
    verify_checkpoint,
)
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
from hocbaso.ledger.ledger import Ledger
from hocbaso.ledger.merkle import (
    EMPTY_ROOT,
    HASH_SIZE,
    hash_children,
    hash_leaf,
    verify_consistency,
    verify_inclusion,
)
from hocbaso.ledger.note import (
    Ed25519NoteSigner,
    NoteSigner,
    VerifierKey,
    open_note,
    sign_note,
)
from hocbaso.ledger.storage import EntryStore, HashStore, LedgerStorage, MemoryStorage
from hocbaso.ledger.tree import MerkleTree

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "Checkpoint",
    "CheckpointError",
    "Ed25519NoteSigner",
    "Entry",
    "EntryError",
    "EntryStore",
    "Event",
    "HashStore",
    "KeyFormatError",
    "Ledger",
    "LedgerError",
    "LedgerStorage",
    "MemoryStorage",
    "MerkleTree",
    "NoteFormatError",
    "NoteSigner",
    "ProofError",
    "SignatureInvalidError",
    "StorageError",
    "TreeSizeError",
    "UnknownKeyError",
    "VerifierKey",
    "check_origin",
    "hash_children",
    "hash_leaf",
    "open_note",
    "origin_from_url",
    "sign_checkpoint",
    "sign_note",
    "verify_checkpoint",
    "verify_consistency",
    "verify_inclusion",
]
