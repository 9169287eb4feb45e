"""The national lookup (R14): what the national repository holds of a transcript.

``NationalHoldings`` is the national role's implementation of the registry's read
side (``hocbaso.registry.holdings.Holdings``), chosen when HOCBASO_ROLE=national. It
reads the signed packets the departments sent (``NationalRecord``) into the same
frozen values a department's registry gives, so the same pages and API show them;
a code the departments sent nothing of is looked up in this installation's own
registry.

- each current, effective record of the transcript is a page: its form, its
  signers (parsed from the packet), and its standing, with the packet's signatures
  verified again against the sending department's CAs at the record's effective
  date (the result is kept per packet and day);
- its ledger proof is the department's: the checkpoint of the batch that brought
  the record must verify under the ledger key the department had when the batch
  was received, and the proof kept with the record (the lock entry's RFC 6962
  audit path, the lock's list naming the packet, the submission entry's path) is
  checked again against it (``proofs.stored_proof_holds``);
- a version superseded by a correction after the lock is shown among the earlier
  versions, with the decision (number, date) of the version that superseded it;
  a version followed by the same packet (a transfer) is not: nothing of it changed;
- the transcript is not a row here: ``holding.transcript`` is an unsaved
  ``Transcript`` naming the student and the managing school, and
  ``holding.source`` lists the departments' record ids for the audit trail (never
  the code).

What is derived is kept in the registry's cache (holdings.HOLDINGS_CACHE) under a
key made of the newest national record of the code and the day (the signatures are
verified at the record's effective date, the trust store can change: a day at most).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import replace

from django.core.cache import caches
from django.utils import timezone

from hocbaso.exchange import proofs, trust
from hocbaso.exchange.errors import ExchangeError
from hocbaso.exchange.inbound import national_records, superseded_records
from hocbaso.exchange.models import NationalRecord
from hocbaso.ledger import LedgerError, VerifierKey, verify_checkpoint
from hocbaso.records.models import School, Student, Transcript
from hocbaso.registry.holdings import (
    HOLDINGS_CACHE,
    Holding,
    LedgerProof,
    Problem,
    RecordPage,
    RegistryHoldings,
    Standing,
    from_pages,
    parsed_packet,
)
from hocbaso.signing import Status, verify_packet

_TTL = 3600


class NationalHoldings:
    """The national repository's holdings: the departments' records, then this
    installation's own registry."""

    def held(self, code: str | None) -> tuple[Transcript | None, Holding | None]:
        holding = national_holding(code)
        if holding is not None:
            return None, holding
        return RegistryHoldings().held(code)

    def of_transcript(self, transcript: Transcript) -> Holding | None:
        return RegistryHoldings().of_transcript(transcript)


def national_holding(code: str | None) -> Holding | None:
    """What the national repository holds of the transcript with this code."""
    records = national_records(code or "0" * 32)
    if not records:
        return None
    earlier = superseded_records(code or "0" * 32)
    digest = hashlib.sha256(
        json.dumps(
            [_version(r) for r in (*records, *(e for e, _by in earlier))]
        ).encode()
    ).hexdigest()
    key = f"holdings:national:{digest}:{timezone.localdate().isoformat()}"
    cache = caches[HOLDINGS_CACHE]
    found = cache.get(key)
    if found is None:
        found = _build(records, earlier) or False
        cache.set(key, found, _TTL)
    return replace(found, version=key) if found else None


def _version(record: NationalRecord) -> list:
    """Everything of a stored record the holding is derived from: a row changed
    behind the application's back is checked again, not served from the cache."""
    return [
        record.pk,
        record.version,
        record.packet_sha256,
        record.lock_index,
        record.proof,
        record.row.get("ngayhieuluc"),
        record.batch_id,
        record.is_current,
        record.decision,
    ]


def _build(
    records: list[NationalRecord], superseded: list[tuple[NationalRecord, dict]]
) -> Holding | None:
    pages, kept = [], []
    for record in records:
        packet = parsed_packet(bytes(record.packet), record.packet_sha256)
        if packet is None:  # stored after verification: cannot happen unless edited
            continue
        pages.append(_page(record, packet))
        kept.append(record)
    if not pages:
        return None
    latest = kept[-1]
    earlier = [_superseded_page(r, by) for r, by in superseded]
    holding = from_pages(
        pages,
        [p for p in earlier if p is not None],
        checkpoint_size=None,
        source={
            "source": "national",
            "records": [f"{r.record_id} v{r.version}" for r in kept],
        },
    )
    transcript = _transcript(latest, pages[-1].snapshot, holding.level)
    return replace(holding, transcript=transcript)


def _transcript(record: NationalRecord, snapshot, level: str) -> Transcript:
    """An unsaved transcript: the student and the school that manages it now."""
    managing = record.row.get("matruongquanly") or snapshot.school.code
    name = snapshot.school.name if managing == snapshot.school.code else managing
    return Transcript(
        level=level,
        lookup_code=record.lookup_code,
        student=Student(
            student_code=snapshot.student.student_code,
            full_name=snapshot.student.full_name,
        ),
        school=School(code=managing, name=name, level=level),
    )


def _page(record: NationalRecord, packet) -> RecordPage:
    effective = dt.datetime.fromisoformat(record.row["ngayhieuluc"])
    valid, problem = _signatures_valid(record, effective)
    return RecordPage(
        public_id=f"{record.record_id}-v{record.version}",
        record_id=record.pk,
        standing=Standing.EFFECTIVE if valid else Standing.INVALID,
        accepted_at=record.stored_at,
        effective_at=effective,
        withdrawn_at=None,
        reason="",
        replaced_by=None,
        packet_sha256=record.packet_sha256,
        snapshot=packet.read.snapshot,
        form=packet.form,
        marks=packet.read.marks,
        proof=_proof(record),
        department=record.department,
        failures=problem,
    )


def _superseded_page(record: NationalRecord, by: dict) -> RecordPage | None:
    """An earlier version, superseded by the correction ``by`` describes."""
    packet = parsed_packet(bytes(record.packet), record.packet_sha256)
    if packet is None:
        return None
    decision = by["decision"]
    try:
        decided = dt.date.fromisoformat(decision.get("date", ""))
    except ValueError:
        decided = None
    return replace(
        _page(record, packet),
        standing=Standing.SUPERSEDED,
        replaced_by=by["public_id"],
        decision_number=decision.get("number", ""),
        decision_date=decided,
        corrected_at=by["effective_at"],
    )


def _signatures_valid(record: NationalRecord, effective: dt.datetime):
    """The packet's signatures against the sending department's CAs at the
    record's effective date; an unknown department is a failure, with its reason."""
    try:
        store = trust.department_trust_store(record.department)
    except ExchangeError as exc:
        return False, str(exc)
    result = verify_packet(bytes(record.packet), store, at=effective)
    return (
        result.status is Status.VALID,
        "; ".join(f"{c.name}: {c.reason}" for c in result.failures),
    )


def _proof(record: NationalRecord) -> LedgerProof:
    """The department's checkpoint and the lock's audit path, checked again here
    with the ledger key the department had when the batch was received."""
    note, stored = record.batch.checkpoint, record.proof or {}
    lock = stored.get("lock", {})
    own = stored.get("submission", {}).get("index")
    proof = LedgerProof(
        index=record.lock_index if record.lock_index is not None else own or -1,
        tree_size=stored.get("size"),
        checkpoint=note,
        root_hex="",
        path_length=len(lock.get("proof", [])),
        lock_index=record.lock_index,
    )
    key = trust.ledger_key_at(record.department, record.batch.received_at)
    try:
        checkpoint = verify_checkpoint(note, VerifierKey.from_string(key or ""))
    except (LedgerError, ValueError):
        return replace(proof, failure=Problem("NOT_DEPARTMENT_KEY", record.department))
    proof = replace(
        proof, tree_size=checkpoint.size, root_hex=checkpoint.root_hash.hex()
    )
    if not proofs.stored_proof_holds(record, key):
        return replace(proof, failure=Problem("LOCK_NOT_COVERED"))
    return replace(proof, verified=True)
