"""The ledger as the registry's operations show it to anyone: checkpoints,
entries, RFC 6962 proofs and the checkpoints' verifier key, hashes and opaque
identifiers only (docs/registry.md, "The ledger").

Reached through ``hocbaso.registry.actions``, the registry's public entry.
"""

from __future__ import annotations

from hocbaso.registry.ledger_log import latest_checkpoint, reading_ledger
from hocbaso.registry.ledger_log import verifier_key as _verifier_key


def latest_ledger_checkpoint() -> str | None:
    """The latest signed checkpoint (c2sp.org/tlog-checkpoint), or None if empty."""
    row = latest_checkpoint()
    return row.note if row else None


def ledger_entries(start: int, end: int) -> list[bytes]:
    """The canonical bytes of entries [start, end)."""
    return [e.to_bytes() for e in reading_ledger().entries(start, end)]


def inclusion_proof(index: int, size: int) -> list[bytes]:
    """The RFC 6962 §2.1.1 audit path of entry ``index`` in the tree of ``size``."""
    return reading_ledger().inclusion_proof(index, size)


def consistency_proof(size1: int, size2: int) -> list[bytes]:
    """The RFC 6962 §2.1.2 proof that tree ``size2`` extends tree ``size1``."""
    return reading_ledger().consistency_proof(size1, size2)


def ledger_verifier_key() -> str:
    """The verifier key of the checkpoints (c2sp.org/signed-note)."""
    return _verifier_key().to_string()
