"""The national repository receives a department's batch (issue 7).

Steps, all before anything is stored; any failure refuses the whole batch:
1. the body: JSON with a signed manifest and the records;
2. a batch id already received: the same bytes get the stored receipt back (a
   replay, or a resend after a lost receipt), other bytes are a conflict;
3. the manifest is signed by a trusted department's exchange key; its ledger
   checkpoint is signed by that department's ledger key and covers every lock;
4. each record: its packet and row hash to what the manifest lists; the packet's
   signatures verify against the trust store at the record's effective date; the
   row is the row the packet yields (with the envelope the manifest signed);
5. the counts per management unit are the rows'.
Then one transaction stores each record version once (a version not higher than
the current one is kept as it is: "duplicate") and the signed receipt.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from hocbaso.exchange import signed
from hocbaso.exchange.errors import BatchConflictError, BatchInvalidError
from hocbaso.exchange.feed import feed_row
from hocbaso.exchange.models import InboundBatch, NationalRecord, Peer
from hocbaso.exchange.outbox import BATCH_FORMAT
from hocbaso.ledger import LedgerError, VerifierKey, verify_checkpoint
from hocbaso.registry.verification import trust_store
from hocbaso.signing import Status, verify_packet

_ENVELOPE = ("idbanghi", "sukien", "phienban", "thoigiancapnhat")


def receive_batch(body: bytes, *, at: dt.datetime) -> tuple[bool, str]:
    """Verify and store a batch; (stored now, the signed receipt)."""
    outer = _load(body)
    department = _claimed_department(outer["manifest"])
    peer = signed.peer(department, Peer.Kind.DEPARTMENT)
    manifest = signed.open_document(outer["manifest"], peer)
    body_sha = signed.sha256_hex(body)
    held = _held(manifest.get("batch"), body_sha)
    if held is not None:
        return False, held
    _check_manifest(manifest, department)
    _check_checkpoint(manifest, peer)
    records = _check_records(manifest, outer["records"])
    try:
        return True, _store(manifest, records, body_sha, at)
    except IntegrityError:
        held = _held(manifest["batch"], body_sha)
        if held is None:
            raise
        return False, held


def _load(body: bytes) -> dict:
    try:
        outer = json.loads(body)
    except ValueError as exc:
        raise BatchInvalidError(_("The batch is not JSON.")) from exc
    if (
        not isinstance(outer, dict)
        or not isinstance(outer.get("manifest"), str)
        or not isinstance(outer.get("records"), list)
    ):
        raise BatchInvalidError(_("The batch needs a signed manifest and records."))
    return outer


def _claimed_department(note: str) -> str:
    """Who the manifest says signed it; the signature is checked next."""
    try:
        claimed = json.loads(note.split("\n", 1)[0]).get("department")
    except (ValueError, AttributeError):
        claimed = None
    if not isinstance(claimed, str):
        raise BatchInvalidError(_("The manifest names no department."))
    return claimed


def _held(batch_id, body_sha: str) -> str | None:
    found = InboundBatch.objects.filter(batch_id=batch_id).first()
    if found is None:
        return None
    if found.body_sha256 != body_sha:
        raise BatchConflictError(
            _("Batch %(id)s was received before with other contents.")
            % {"id": batch_id}
        )
    return found.receipt


def _check_manifest(manifest: dict, department: str) -> None:
    needed = ("batch", "school_year", "round", "records", "counts", "checkpoint")
    if manifest.get("format") != BATCH_FORMAT or any(k not in manifest for k in needed):
        raise BatchInvalidError(_("The manifest is not a batch manifest."))
    if manifest.get("destination") != signed.identity_code():
        raise BatchInvalidError(_("The batch is addressed to another receiver."))


def _check_checkpoint(manifest: dict, peer: Peer) -> None:
    try:
        checkpoint = verify_checkpoint(
            manifest["checkpoint"], VerifierKey.from_string(peer.ledger_key)
        )
    except (LedgerError, ValueError) as exc:
        raise BatchInvalidError(
            _("The ledger checkpoint is not signed by %(p)s's ledger key.")
            % {"p": peer.code}
        ) from exc
    indexes = [r.get("lock_index", -1) for r in manifest["records"]]
    if indexes and not all(
        isinstance(i, int) and 0 <= i < checkpoint.size for i in indexes
    ):
        raise BatchInvalidError(
            _("The ledger checkpoint does not cover the locks of every record.")
        )


def _check_records(manifest: dict, records: list) -> list[dict]:
    listed = manifest["records"]
    if len(listed) != len(records):
        raise BatchInvalidError(
            _("The manifest lists %(m)s records; the batch holds %(n)s.")
            % {"m": len(listed), "n": len(records)}
        )
    checked = [
        _check_record(n, entry, item)
        for n, (entry, item) in enumerate(zip(listed, records, strict=True), 1)
    ]
    counts: dict[str, int] = {}
    for record in checked:
        unit = record["row"]["madonviquanly"]
        counts[unit] = counts.get(unit, 0) + 1
    if counts != manifest["counts"]:
        raise BatchInvalidError(
            _("The counts per management unit do not match the records.")
        )
    return checked


def _check_record(n: int, entry: dict, item: dict) -> dict:
    try:
        packet = base64.b64decode(item["packet"], validate=True)
        row = item["row"]
    except (KeyError, TypeError, binascii.Error) as exc:
        raise BatchInvalidError(_("Record %(n)s is malformed.") % {"n": n}) from exc
    if (
        signed.sha256_hex(packet) != entry.get("packet_sha256")
        or signed.sha256_hex(signed.canonical(row)) != entry.get("row_sha256")
        or any(row.get(k) != entry.get(k) for k in ("idbanghi", "phienban", "sukien"))
    ):
        raise BatchInvalidError(
            _("Record %(n)s is not the record the manifest lists.") % {"n": n}
        )
    snapshot = _verified(n, packet, row)
    if _expected_row(snapshot, row) != row:
        raise BatchInvalidError(
            _("Record %(n)s: the feed row does not match its signed packet.") % {"n": n}
        )
    return {"row": row, "packet": packet, "snapshot": snapshot, **entry}


def _verified(n: int, packet: bytes, row: dict):
    try:
        effective = dt.datetime.fromisoformat(row["ngayhieuluc"])
    except (KeyError, TypeError, ValueError) as exc:
        raise BatchInvalidError(
            _("Record %(n)s has no effective date.") % {"n": n}
        ) from exc
    result = verify_packet(packet, trust_store(), at=effective)
    if result.status is not Status.VALID or result.snapshot is None:
        reasons = "; ".join(f"{c.name}: {c.reason}" for c in result.failures)
        raise BatchInvalidError(
            _("Record %(n)s: the signed packet is %(status)s (%(reasons)s).")
            % {"n": n, "status": result.status.value, "reasons": reasons}
        )
    return result.snapshot


def _expected_row(snapshot, row: dict) -> dict:
    try:
        expected = feed_row(
            snapshot,
            record_id=row["idbanghi"],
            event=row["sukien"],
            version=row["phienban"],
            updated_at=dt.datetime.fromisoformat(row["thoigiancapnhat"]),
            effective_at=dt.datetime.fromisoformat(row["ngayhieuluc"]),
            unit_code=row["madonviquanly"],
        )
    except (KeyError, TypeError, ValueError):
        return {}
    expected["matruongquanly"] = row.get("matruongquanly")
    return json.loads(json.dumps(expected))


def _store(manifest: dict, records: list[dict], body_sha: str, at) -> str:
    department = manifest["department"]
    with transaction.atomic():
        outcomes = [_outcome(department, r) for r in records]
        stored = sum(1 for o in outcomes if o == "stored")
        receipt = signed.sign_document(
            {
                "batch": manifest["batch"],
                "department": department,
                "body_sha256": body_sha,
                "received_at": at.isoformat(),
                "records": len(records),
                "stored": stored,
                "duplicate": len(records) - stored,
                "outcomes": [
                    [r["idbanghi"], r["phienban"], o]
                    for r, o in zip(records, outcomes, strict=True)
                ],
            }
        )
        batch = InboundBatch.objects.create(
            batch_id=manifest["batch"],
            department=department,
            school_year=manifest["school_year"],
            round=manifest["round"],
            body_sha256=body_sha,
            record_count=len(records),
            stored_count=stored,
            duplicate_count=len(records) - stored,
            unit_counts=manifest["counts"],
            checkpoint=manifest["checkpoint"],
            receipt=receipt,
            received_at=at,
        )
        for record, outcome in zip(records, outcomes, strict=True):
            if outcome == "stored":
                _write(department, record, batch, at)
    return receipt


def _outcome(department: str, record: dict) -> str:
    current = (
        NationalRecord.objects.select_for_update()
        .filter(department=department, record_id=record["idbanghi"], is_current=True)
        .values_list("version", flat=True)
        .first()
    )
    return "stored" if current is None or record["phienban"] > current else "duplicate"


def _write(department: str, record: dict, batch: InboundBatch, at) -> None:
    row, snapshot = record["row"], record["snapshot"]
    NationalRecord.objects.filter(
        department=department, record_id=row["idbanghi"], is_current=True
    ).update(is_current=False)
    NationalRecord.objects.create(
        department=department,
        record_id=row["idbanghi"],
        version=row["phienban"],
        event=row["sukien"],
        status=row["trangthaithongtinhocba"],
        lookup_code=snapshot.lookup_code,
        student_code=snapshot.student.student_code,
        school_code=snapshot.school.code,
        unit_code=row["madonviquanly"],
        school_year=snapshot.school_year,
        grade=snapshot.grade,
        row=row,
        packet=record["packet"],
        packet_sha256=record["packet_sha256"],
        lock_index=record["lock_index"],
        batch=batch,
        stored_at=at,
    )


def national_records(lookup_code: str) -> list[NationalRecord]:
    """The current records of a transcript in the national repository."""
    return list(
        NationalRecord.objects.filter(lookup_code=lookup_code, is_current=True)
        .exclude(status=2)
        .select_related("batch")
        .order_by("school_year", "grade")
    )
