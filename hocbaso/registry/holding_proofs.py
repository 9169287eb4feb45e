"""The ledger proof of each page of a holding (docs/ledger.md; docs/registry.md,
"The ledger").

The latest signed checkpoint is read and checked once per holding; each
submission's entry is rebuilt from the stored bytes and proved to be a leaf of
the tree that checkpoint commits to (RFC 6962 §2.1.1). A failure is a ``Problem``
on the proof, never an exception: the page shows why.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from hocbaso.ledger import LedgerError, hash_leaf, verify_inclusion
from hocbaso.registry import entries
from hocbaso.registry.cosigning import witnesses_behind
from hocbaso.registry.holding_values import LedgerProof, Problem
from hocbaso.registry.ledger_log import reading_ledger, verify_stored_checkpoint
from hocbaso.registry.models import LedgerCheckpoint, Submission


@dataclass(frozen=True)
class Checkpoint:
    """The latest signed checkpoint as checked once for a holding's proofs."""

    size: int | None
    note: str
    root: bytes
    problem: Problem | None

    @classmethod
    def latest(cls) -> Checkpoint:
        row = LedgerCheckpoint.objects.order_by("-size").first()
        if row is None:
            return cls(None, "", b"", Problem("NO_CHECKPOINT"))
        try:
            checkpoint = verify_stored_checkpoint(row.note)
        except LedgerError:
            return cls(row.size, row.note, b"", Problem("CHECKPOINT_INVALID"))
        return cls(checkpoint.size, row.note, checkpoint.root_hash, None)

    def prove(self, s: Submission, packet_sha256: str) -> LedgerProof:
        """Rebuild the submission's entry from the stored bytes and check that it is
        leaf ledger_index of the tree the signed checkpoint commits to (RFC 6962
        §2.1.1)."""
        proof = LedgerProof(
            index=s.ledger_index,
            tree_size=self.size,
            checkpoint=self.note,
            root_hex=self.root.hex(),
            lock_index=s.lock.ledger_index if s.lock_id else None,
            revocation_index=s.withdraw_ledger_index,
            failure=self.problem,
            witnesses=len(witnesses_behind(self.size)) if self.size else 0,
        )
        if self.problem or self.size is None:
            return proof
        entry = entries.submission_entry(
            record_id=s.record_id,
            public_id=s.public_id,
            packet_sha256=packet_sha256,
            accepted_at=s.accepted_at,
            previous_sha256=s.supersedes.blob_id if s.supersedes else None,
        )
        try:
            path = reading_ledger().inclusion_proof(s.ledger_index, self.size)
            leaf = hash_leaf(entry.to_bytes())
            verify_inclusion(leaf, s.ledger_index, self.size, path, self.root)
        except LedgerError as exc:
            return replace(proof, failure=Problem("INCLUSION_FAILS", str(exc)))
        return replace(proof, path_length=len(path), verified=True)
