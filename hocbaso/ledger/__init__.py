"""The registry's append-only transparency log (the ledger).

Pure: imports the standard library and `cryptography`, never Django. RFC 6962 Merkle
tree hashing with inclusion and consistency proofs (verified as RFC 9162 §2.1.3.2 and
§2.1.4.2 say), entries of opaque identifiers and hashes, storage behind a small
protocol, checkpoints signed as c2sp.org/tlog-checkpoint notes, witness cosignatures
(c2sp.org/tlog-cosignature), a witness's checks (c2sp.org/tlog-witness) and the log as
tiles (c2sp.org/tlog-tiles). See docs/ledger.md.
"""

from hocbaso.ledger.checkpoint import (
    Checkpoint,
    check_origin,
    origin_from_url,
    sign_checkpoint,
    verify_checkpoint,
)
from hocbaso.ledger.cosignature import (
    Cosignature,
    CosignatureKey,
    add_signature_lines,
    cosign_checkpoint,
    cosigning_key,
    verify_cosignatures,
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
from hocbaso.ledger.tiles import (
    TILE_WIDTH,
    CompactRange,
    Tile,
    bundles_for,
    parse_entry_bundle,
    parse_tile_path,
    read_entry_bundle,
    read_tile,
)
from hocbaso.ledger.tree import MerkleTree
from hocbaso.ledger.witness import (
    AddCheckpoint,
    WitnessedHead,
    WitnessError,
    check_add_checkpoint,
    parse_add_checkpoint,
)

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "TILE_WIDTH",
    "AddCheckpoint",
    "Checkpoint",
    "CheckpointError",
    "CompactRange",
    "Cosignature",
    "CosignatureKey",
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
    "Tile",
    "TreeSizeError",
    "UnknownKeyError",
    "VerifierKey",
    "WitnessError",
    "WitnessedHead",
    "add_signature_lines",
    "bundles_for",
    "check_add_checkpoint",
    "check_origin",
    "cosign_checkpoint",
    "cosigning_key",
    "hash_children",
    "hash_leaf",
    "open_note",
    "origin_from_url",
    "parse_add_checkpoint",
    "parse_entry_bundle",
    "parse_tile_path",
    "read_entry_bundle",
    "read_tile",
    "sign_checkpoint",
    "sign_note",
    "verify_checkpoint",
    "verify_consistency",
    "verify_cosignatures",
    "verify_inclusion",
]
