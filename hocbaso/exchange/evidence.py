"""What a department puts in a batch so the national repository can check its
ledger instead of believing the manifest (docs/exchange.md, "Ledger proofs").

For the checkpoint the batch carries (the department's latest, signed with its
ledger key):
- each record: its submission entry (record:submit or record:replace, whose
  digest is the packet's SHA-256) and the entry's RFC 6962 §2.1.1 audit path;
- each lock the records belong to, once: the round:lock entry, its audit path,
  and the list of locked submissions its digest is the SHA-256 of
  (``hocbaso.registry.entries.lock_listing``);
- a version corrected after the lock (docs/exchange.md, "Corrections after the
  lock"): instead of a lock, the approving decision's entry (correction:decide)
  and its audit path, and the decision's number, date and signer, which the
  ledger commits to only under the registry's key (the manifest vouches for them);
- every earlier checkpoint this department put in a batch to the same receiver,
  each with the RFC 6962 §2.1.2 proof that the new checkpoint extends it, so the
  receiver can check consistency with whatever it accepted last, whatever order
  the batches arrive in.
"""

from __future__ import annotations

from hocbaso.exchange.models import OutboundBatch
from hocbaso.ledger import VerifierKey, verify_checkpoint
from hocbaso.registry import actions as registry
from hocbaso.registry import entries


def checkpoint_size(note: str) -> int:
    """The tree size of this department's own signed checkpoint (0 if none)."""
    if not note:
        return 0
    key = VerifierKey.from_string(registry.ledger_verifier_key())
    return verify_checkpoint(note, key).size


def _entry_text(index: int) -> str:
    (data,) = registry.ledger_entries(index, index + 1)
    return data.decode("ascii")


def _path(index: int, size: int) -> list[str]:
    return [h.hex() for h in registry.inclusion_proof(index, size)]


def submission_evidence(submission, size: int) -> dict:
    index = submission.ledger_index
    return {"index": index, "entry": _entry_text(index), "proof": _path(index, size)}


def lock_evidence(lock, size: int) -> dict:
    """A school's round lock: its entry, audit path and the list it covers."""
    listing = entries.lock_listing(lock.submissions.values_list("public_id", "blob_id"))
    index = lock.ledger_index
    return {
        "entry": _entry_text(index),
        "proof": _path(index, size),
        "listing": listing.decode("ascii"),
    }


def correction_evidence(correction, size: int) -> dict:
    """The decision that approved the correction a record:correct entry issues."""
    index = correction.decision_ledger_index
    return {
        "id": correction.public_id,
        "number": correction.decision_number,
        "date": correction.decision_date.isoformat(),
        "signer": correction.decision_signer,
        "decision": {
            "index": index,
            "entry": _entry_text(index),
            "proof": _path(index, size),
        },
    }


def earlier_checkpoints(destination: str, note: str) -> list[dict]:
    """The checkpoints of earlier batches to ``destination``, each with the proof
    that ``note`` extends it."""
    size = checkpoint_size(note)
    sent = (
        OutboundBatch.objects.filter(destination=destination)
        .exclude(checkpoint="")
        .exclude(checkpoint=note)
        .values_list("checkpoint", flat=True)
        .distinct()
    )
    earlier = []
    for old in sorted(set(sent)):
        old_size = checkpoint_size(old)
        if 0 < old_size < size:
            proof = registry.consistency_proof(old_size, size)
            earlier.append({"checkpoint": old, "proof": [h.hex() for h in proof]})
    return earlier
