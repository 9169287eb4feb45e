"""The ledger entry of each registry change, built the same way when it is appended
and when ``hocbaso ledger verify`` recomputes it from the stored rows.

Subjects and references are opaque (hocbaso.ledger.entry): ``record-<id>`` for a
yearly record, ``transcript-<id>`` for a transcript, and
``round:<year>:<round>:school-<id>`` for a school's round; the reference is the
public id of the submission, lock or transfer. The digest of a record event is the
SHA-256 of the packet bytes as received; of a lock, the SHA-256 of its list of
locked submissions (``lock_listing``); a revocation also commits to its reason
(``reason_note``). No personal data, no lookup code (docs/ledger.md, "Entries").
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from collections.abc import Iterable
from datetime import datetime

from hocbaso.ledger import Entry, Event


def record_subject(record_id: int) -> str:
    return f"record-{record_id}"


def transcript_subject(transcript_id: int) -> str:
    return f"transcript-{transcript_id}"


def round_subject(school_year: str, round_name: str, school_id: int) -> str:
    return f"round:{school_year}:{round_name}:school-{school_id}"


def submission_entry(
    *,
    record_id: int,
    public_id: str,
    packet_sha256: str,
    accepted_at: datetime,
    previous_sha256: str | None = None,
) -> Entry:
    """record:submit, or record:replace naming the packet it supersedes."""
    return Entry(
        event=Event.RECORD_REPLACE if previous_sha256 else Event.RECORD_SUBMIT,
        time=accepted_at,
        subject=record_subject(record_id),
        reference=public_id,
        digest=bytes.fromhex(packet_sha256),
        previous=bytes.fromhex(previous_sha256) if previous_sha256 else None,
    )


def revocation_entry(
    *,
    record_id: int,
    public_id: str,
    packet_sha256: str,
    withdrawn_at: datetime,
    reason: str | None = None,
) -> Entry:
    """record:revoke; with ``reason``, the entry (version 2) commits to it
    (``reason_note``), so the reason kept in the row can be checked later. None
    rebuilds an entry written before revocations carried it."""
    return Entry(
        event=Event.RECORD_REVOKE,
        time=withdrawn_at,
        subject=record_subject(record_id),
        reference=public_id,
        digest=bytes.fromhex(packet_sha256),
        note=None if reason is None else reason_note(public_id, reason),
    )


_REASON_PURPOSE = b"hocbaso ledger: revocation reasons"


def reason_note(public_id: str, reason: str) -> bytes:
    """HMAC-SHA256 of the submission id and the reason (NFC), under a key derived
    from the ledger's key: binding for the registry, opaque to everyone else (a
    plain hash of a short reason could be guessed, and a reason may name a pupil).
    """
    from hocbaso.registry.ledger_log import ledger_signer  # reads settings

    key = ledger_signer().derive_key(_REASON_PURPOSE)
    text = f"{public_id}\n{unicodedata.normalize('NFC', reason)}".encode()
    return hmac.new(key, text, hashlib.sha256).digest()


def lock_listing(submissions: Iterable[tuple[str, str]]) -> bytes:
    """The list a lock's digest covers: "<submission id> <packet SHA-256>\\n" sorted."""
    return "".join(f"{sid} {sha}\n" for sid, sha in sorted(submissions)).encode()


def lock_entry(
    *,
    school_year: str,
    round_name: str,
    school_id: int,
    lock_id: str,
    digest_hex: str,
    locked_at: datetime,
) -> Entry:
    return Entry(
        event=Event.ROUND_LOCK,
        time=locked_at,
        subject=round_subject(school_year, round_name, school_id),
        reference=lock_id,
        digest=bytes.fromhex(digest_hex),
    )


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


TRANSFER_EVENTS = {
    "request": Event.TRANSFER_REQUEST,
    "release": Event.TRANSFER_RELEASE,
    "acknowledge": Event.TRANSFER_ACKNOWLEDGE,
}


def transfer_entry(
    *, step: str, transcript_id: int, transfer_id: str, at: datetime
) -> Entry:
    return Entry(
        event=TRANSFER_EVENTS[step],
        time=at,
        subject=transcript_subject(transcript_id),
        reference=transfer_id,
    )


# --- correction after the lock (docs/registry.md, "Correction after the lock") ----

_CORRECTION_PURPOSE = b"hocbaso ledger: corrections after the lock"
APPROVED_DIGEST = hashlib.sha256(b"hocbaso correction: approved").digest()
REFUSED_DIGEST = hashlib.sha256(b"hocbaso correction: refused").digest()


def correction_note(public_id: str, *parts: str) -> bytes:
    """HMAC-SHA256 of the correction id and its free text (NFC), under a key
    derived from the ledger's key, as ``reason_note`` (a reason may name a pupil)."""
    from hocbaso.registry.ledger_log import ledger_signer  # reads settings

    key = ledger_signer().derive_key(_CORRECTION_PURPOSE)
    text = "\n".join([public_id, *(unicodedata.normalize("NFC", p) for p in parts)])
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def correction_request_entry(
    *,
    record_id: int,
    public_id: str,
    evidence_sha256: str,
    locked_sha256: str,
    reason: str,
    at: datetime,
) -> Entry:
    """correction:request: the evidence's SHA-256, the locked packet it is about."""
    return Entry(
        event=Event.CORRECTION_REQUEST,
        time=at,
        subject=record_subject(record_id),
        reference=public_id,
        digest=bytes.fromhex(evidence_sha256),
        previous=bytes.fromhex(locked_sha256),
        note=correction_note(public_id, reason),
    )


def correction_decision_entry(
    *, record_id: int, public_id: str, approved: bool, decision: tuple[str, ...], at
) -> Entry:
    """correction:decide: approved or refused (a fixed digest each, so the log alone
    tells them apart), committing to the decision's number, date, signer, reason."""
    return Entry(
        event=Event.CORRECTION_DECIDE,
        time=at,
        subject=record_subject(record_id),
        reference=public_id,
        digest=APPROVED_DIGEST if approved else REFUSED_DIGEST,
        note=correction_note(public_id, *decision),
    )


def correction_issue_entry(
    *,
    record_id: int,
    submission_id: str,
    correction_id: str,
    packet_sha256: str,
    locked_sha256: str,
    at: datetime,
) -> Entry:
    """record:correct: the new version's packet supersedes the locked one; the note
    names the approved correction it issues (the subject is the original record)."""
    return Entry(
        event=Event.RECORD_CORRECT,
        time=at,
        subject=record_subject(record_id),
        reference=submission_id,
        digest=bytes.fromhex(packet_sha256),
        previous=bytes.fromhex(locked_sha256),
        note=hashlib.sha256(correction_id.encode()).digest(),
    )
