"""The national repository checks a department's ledger evidence (RFC 6962).

1. the batch's checkpoint is signed by the department's ledger key valid now
   (``trust.ledger_key_at``), and is consistent (RFC 6962 §2.1.2) with the largest
   checkpoint accepted from that department before: the batch proves it extends
   it, or it is one accepted already (a batch queued earlier, delivered late);
2. each lock (round:lock entry) is included (RFC 6962 §2.1.1) in that checkpoint,
   names the batch's school year and round, and its digest is the SHA-256 of the
   list of submissions it locked;
3. each record's submission entry is included, its digest is the packet's SHA-256,
   it comes before the lock, and the lock's list names it with that packet.
The record's effective date is the lock entry's time, never the manifest's.

A version corrected after the lock has no lock: its entry is a ``record:correct``
(digest: its packet; previous: the packet it supersedes; note: the SHA-256 of the
correction's id), and the manifest carries instead the approving
``correction:decide`` entry of the same record, included before it, whose
reference is that correction id and whose digest says "approved". Its effective
date is the record:correct entry's time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from hocbaso.exchange import trust
from hocbaso.exchange.errors import (
    BatchInvalidError,
    CheckpointInconsistentError,
    LedgerProofError,
)
from hocbaso.exchange.models import AcceptedCheckpoint
from hocbaso.ledger import (
    Checkpoint,
    Entry,
    Event,
    LedgerError,
    VerifierKey,
    verify_checkpoint,
    verify_consistency,
    verify_inclusion,
)

_SUBMISSIONS = (Event.RECORD_SUBMIT, Event.RECORD_REPLACE)
# hocbaso.registry.entries.APPROVED_DIGEST: a decision's digest says approved or
# refused in the open, so the receiver reads it without the registry's key.
APPROVED_DIGEST = hashlib.sha256(b"hocbaso correction: approved").digest()
_VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass(frozen=True)
class Lock:
    index: int
    entry: Entry
    lines: frozenset[str]
    evidence: dict


def check_checkpoint(
    manifest: dict, department: str, at: dt.datetime
) -> tuple[Checkpoint, list[Checkpoint]]:
    """The batch's checkpoint and the earlier ones it proved it extends."""
    key = trust.ledger_key_at(department, at)
    try:
        checkpoint = verify_checkpoint(
            manifest["checkpoint"], VerifierKey.from_string(key or "")
        )
    except (LedgerError, ValueError, TypeError) as exc:
        raise LedgerProofError(
            _("The ledger checkpoint is not signed by %(p)s's ledger key.")
            % {"p": department}
        ) from exc
    earlier = [_earlier(item, department, checkpoint) for item in manifest["earlier"]]
    _check_consistent(department, checkpoint, earlier)
    return checkpoint, earlier


def _earlier(item, department: str, checkpoint: Checkpoint) -> Checkpoint:
    try:
        old = _signed_by_any(item["checkpoint"], trust.ledger_keys(department))
        verify_consistency(
            old.size,
            checkpoint.size,
            old.root_hash,
            checkpoint.root_hash,
            _hashes(item["proof"]),
        )
    except (LedgerError, KeyError, TypeError, ValueError) as exc:
        raise CheckpointInconsistentError(
            _("The batch's checkpoint is not proven to extend an earlier one.")
        ) from exc
    return old


def _signed_by_any(note: str, keys: list[str]) -> Checkpoint:
    for key in keys:
        try:
            return verify_checkpoint(note, VerifierKey.from_string(key))
        except (LedgerError, ValueError):
            continue
    raise LedgerProofError(_("An earlier checkpoint is not the department's."))


def _check_consistent(department, checkpoint: Checkpoint, earlier) -> None:
    accepted = dict(
        AcceptedCheckpoint.objects.filter(department=department).values_list(
            "size", "root"
        )
    )
    if not accepted:
        return  # the first checkpoint from this department
    if checkpoint.size in accepted:
        if accepted[checkpoint.size] != checkpoint.root_hash.hex():
            raise _fork(department)
        return
    last = max(accepted)
    if checkpoint.size < last:
        raise CheckpointInconsistentError(
            _(
                "The ledger checkpoint (size %(size)s) is older than the last one "
                "accepted from department %(d)s (size %(last)s)."
            )
            % {"size": checkpoint.size, "d": department, "last": last}
        )
    proven = {old.size: old.root_hash.hex() for old in earlier}
    if proven.get(last) != accepted[last]:
        raise _fork(department)


def _fork(department: str) -> CheckpointInconsistentError:
    return CheckpointInconsistentError(
        _(
            "The ledger checkpoint is not consistent with the last checkpoint "
            "accepted from department %(d)s."
        )
        % {"d": department}
    )


def remember_checkpoints(department, checkpoints, notes, at) -> None:
    """Keep the accepted checkpoints (inside the storing transaction)."""
    for checkpoint, note in zip(checkpoints, notes, strict=True):
        held, _created = AcceptedCheckpoint.objects.get_or_create(
            department=department,
            size=checkpoint.size,
            defaults={
                "root": checkpoint.root_hash.hex(),
                "note": note,
                "accepted_at": at,
            },
        )
        if held.root != checkpoint.root_hash.hex():
            raise _fork(department)


def check_locks(manifest: dict, checkpoint: Checkpoint) -> dict[int, Lock]:
    locks = manifest["locks"]
    if not isinstance(locks, dict):
        raise BatchInvalidError(_("The manifest is not a batch manifest."))
    return {
        lock.index: lock
        for lock in (
            _check_lock(key, item, checkpoint, manifest) for key, item in locks.items()
        )
    }


def _check_lock(key: str, item, checkpoint: Checkpoint, manifest: dict) -> Lock:
    scope = f"round:{manifest['school_year']}:{manifest['round']}:"
    try:
        index = int(key) if key.isdigit() else -1
        entry = Entry.from_bytes(item["entry"].encode("ascii"))
        listing = item["listing"].encode("ascii")
        verify_inclusion(
            entry.leaf_hash(),
            index,
            checkpoint.size,
            _hashes(item["proof"]),
            checkpoint.root_hash,
        )
    except (LedgerError, KeyError, TypeError, ValueError, AttributeError) as exc:
        raise _unproven(_("lock %(i)s") % {"i": key}) from exc
    if (
        entry.event is not Event.ROUND_LOCK
        or not entry.subject.startswith(scope)
        or entry.digest != hashlib.sha256(listing).digest()
    ):
        raise _unproven(_("lock %(i)s") % {"i": key})
    lines = frozenset(listing.decode().splitlines())
    return Lock(index, entry, lines, {"index": index, **item})


def check_record(
    n: int, listed: dict, packet_sha: str, locks: dict[int, Lock], checkpoint
) -> tuple[dt.datetime, Entry, dict]:
    """The effective time, submission entry and stored proof of record ``n``."""
    what = _("record %(n)s") % {"n": n}
    item = listed.get("submission") if isinstance(listed, dict) else None
    index, entry = _included(item, checkpoint, what)
    if listed.get("correction") is not None:
        return _check_correction(what, index, entry, listed, packet_sha, checkpoint)
    lock_index = listed.get("lock_index")
    lock = locks.get(lock_index) if type(lock_index) is int else None
    if (
        entry.event not in _SUBMISSIONS
        or entry.digest is None
        or entry.digest.hex() != packet_sha
        or lock is None
        or not index < lock.index
        or f"{entry.reference} {packet_sha}" not in lock.lines
    ):
        raise _unproven(what)
    proof = {"size": checkpoint.size, "submission": item, "lock": lock.evidence}
    return lock.entry.time, entry, proof


def _included(item, checkpoint: Checkpoint, what: str) -> tuple[int, Entry]:
    """An entry and its index, proven included in the checkpoint's tree."""
    try:
        index = item["index"]
        entry = Entry.from_bytes(item["entry"].encode("ascii"))
        if type(index) is not int:
            raise ValueError("an entry's index is an integer")
        verify_inclusion(
            entry.leaf_hash(),
            index,
            checkpoint.size,
            _hashes(item["proof"]),
            checkpoint.root_hash,
        )
    except (LedgerError, KeyError, TypeError, ValueError, AttributeError) as exc:
        raise _unproven(what) from exc
    return index, entry


def _check_correction(what, index, entry, listed, packet_sha, checkpoint):
    """A version corrected after the lock: its record:correct entry names the
    packet it supersedes and the correction whose approval precedes it."""
    correction = listed["correction"]
    if not isinstance(correction, dict):
        raise _uncorrected(what)
    decision_index, decision = _included(correction.get("decision"), checkpoint, what)
    if (
        entry.event is not Event.RECORD_CORRECT
        or entry.digest is None
        or entry.digest.hex() != packet_sha
        or entry.previous is None
        or decision.event is not Event.CORRECTION_DECIDE
        or decision.digest != APPROVED_DIGEST
        or decision.subject != entry.subject
        or not decision_index < index
        or entry.note != hashlib.sha256(decision.reference.encode()).digest()
        or correction.get("id") != decision.reference
    ):
        raise _uncorrected(what)
    _check_decision_text(what, correction, decision)
    proof = {
        "size": checkpoint.size,
        "submission": listed["submission"],
        "correction": correction,
    }
    return entry.time, entry, proof


def _check_decision_text(what: str, correction: dict, decision: Entry) -> None:
    """The decision's number, date and signer, as the signed manifest gives them:
    all present, no longer than the registry keeps them (60 and 150 characters),
    and the decision dated no later than its entry (Vietnam time)."""
    number, signer = correction.get("number"), correction.get("signer")
    try:
        date = dt.date.fromisoformat(correction.get("date"))
    except (TypeError, ValueError):
        date = None
    if (
        not _short_text(number, 60)
        or not _short_text(signer, 150)
        or date is None
        or date > decision.time.astimezone(_VIETNAM).date()
    ):
        raise BatchInvalidError(
            _(
                "The manifest does not give the decision of the correction of "
                "%(what)s: its number, date (no later than the decision's ledger "
                "entry) and signer are required."
            )
            % {"what": what}
        )


def _short_text(value, limit: int) -> bool:
    """Present and no longer than the registry's own column for it."""
    return isinstance(value, str) and 0 < len(value.strip()) <= limit


def _uncorrected(what: str) -> LedgerProofError:
    return LedgerProofError(
        _(
            "The department's ledger does not prove that %(what)s was corrected: "
            "its record:correct entry, the approved decision before it or their "
            "audit paths do not match the checkpoint."
        )
        % {"what": what}
    )


def _unproven(what: str) -> LedgerProofError:
    return LedgerProofError(
        _(
            "The department's ledger does not prove %(what)s: its entry, its audit "
            "path or the lock that covers it does not match the checkpoint."
        )
        % {"what": what}
    )


def _hashes(values) -> list[bytes]:
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ValueError("an audit path is a list of hex hashes")
    return [bytes.fromhex(v) for v in values]


def stored_proof_holds(record, key: str | None) -> bool:
    """Check a stored record's proof again: the batch's checkpoint under ``key``,
    the lock entry's inclusion and its list naming the record's packet."""
    proof = record.proof or {}
    try:
        checkpoint = verify_checkpoint(
            record.batch.checkpoint, VerifierKey.from_string(key or "")
        )
        if proof.get("correction") is not None:
            check_record(1, proof, record.packet_sha256, {}, checkpoint)
            return True
        lock = _check_lock(
            str(record.lock_index),
            proof["lock"],
            checkpoint,
            {"school_year": record.school_year, "round": record.batch.round},
        )
        check_record(
            1,
            {"submission": proof["submission"], "lock_index": lock.index},
            record.packet_sha256,
            {lock.index: lock},
            checkpoint,
        )
    except (LedgerError, BatchInvalidError, KeyError, TypeError, ValueError):
        return False
    return True
