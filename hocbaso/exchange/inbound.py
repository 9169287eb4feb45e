"""The national repository receives a department's batch (docs/exchange.md).

Steps, all before anything is stored; any failure refuses the whole batch:
1. the body: JSON with a signed manifest and the records;
2. a batch id already received: the same bytes get the stored receipt back (a
   replay, or a resend after a lost receipt), other bytes are a conflict;
3. the manifest is signed by a trusted department's exchange key; its ledger
   checkpoint by that department's ledger key valid now, consistent with the last
   one accepted from it, and each lock included in it (``proofs.py``);
4. each record: its packet and row hash to what the manifest lists; its
   submission entry is in the ledger and covered by its lock, whose time is the
   effective date; the packet verifies against the sending department's own CAs
   at that date and was issued by that department; the record id is the one its
   signed data yield; the row is the row the packet yields;
5. the counts per management unit are the rows'.
Then one transaction stores each record version once (``versions.py``: one
current version per transcript-year, a version only as the ledger proves it),
the accepted checkpoints and the signed receipt.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import itertools
import json

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from hocbaso.exchange import proofs, signed, trust, versions
from hocbaso.exchange.errors import (
    BatchConflictError,
    BatchInvalidError,
    EffectiveDateError,
    RecordIdError,
    WrongDepartmentError,
)
from hocbaso.exchange.feed import feed_row, stable_record_id
from hocbaso.exchange.models import InboundBatch, NationalRecord
from hocbaso.exchange.outbox import BATCH_FORMAT
from hocbaso.signing import Status, verify_packet

_ENVELOPE = ("idbanghi", "sukien", "phienban", "thoigiancapnhat")


def receive_batch(body: bytes, *, at: dt.datetime) -> tuple[bool, str]:
    """Verify and store a batch; (stored now, the signed receipt)."""
    outer = _load(body)
    department = _claimed_department(outer["manifest"])
    peer = signed.peer(department, "department")
    manifest = signed.open_document(outer["manifest"], peer)
    body_sha = signed.sha256_hex(body)
    held = _held(manifest.get("batch"), body_sha)
    if held is not None:
        return False, held
    _check_manifest(manifest, department)
    ledger = _check_ledger(manifest, department, at)
    records = _check_records(manifest, outer["records"], ledger)
    try:
        return True, _store(manifest, records, body_sha, ledger, at)
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
    needed = (
        "batch",
        "school_year",
        "round",
        "records",
        "counts",
        "checkpoint",
        "earlier",
        "locks",
    )
    if manifest.get("format") != BATCH_FORMAT or any(k not in manifest for k in needed):
        raise BatchInvalidError(_("The manifest is not a batch manifest."))
    if manifest.get("destination") != signed.identity_code():
        raise BatchInvalidError(_("The batch is addressed to another receiver."))


def _check_ledger(manifest: dict, department: str, at) -> dict:
    checkpoint, earlier = proofs.check_checkpoint(manifest, department, at)
    return {
        "department": department,
        "checkpoint": checkpoint,
        "earlier": earlier,
        "locks": proofs.check_locks(manifest, checkpoint),
        "store": trust.department_trust_store(department),
    }


def _check_records(manifest: dict, records: list, ledger: dict) -> list[dict]:
    listed = manifest["records"]
    if len(listed) != len(records):
        raise BatchInvalidError(
            _("The manifest lists %(m)s records; the batch holds %(n)s.")
            % {"m": len(listed), "n": len(records)}
        )
    checked = [
        _check_record(n, entry, item, ledger, manifest)
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


def _check_record(n: int, entry: dict, item: dict, ledger: dict, manifest) -> dict:
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
    effective, submission, proof = proofs.check_record(
        n, entry, entry["packet_sha256"], ledger["locks"], ledger["checkpoint"]
    )
    _check_effective(n, row, effective)
    snapshot = _verified(n, packet, ledger["store"], effective)
    _check_issuer(n, snapshot, row, ledger["department"], manifest)
    if _expected_row(snapshot, row) != row:
        raise BatchInvalidError(
            _("Record %(n)s: the feed row does not match its signed packet.") % {"n": n}
        )
    return {
        "row": row,
        "packet": packet,
        "snapshot": snapshot,
        "entry": submission,
        "proof": proof,
        **entry,
    }


def _check_effective(n: int, row: dict, effective: dt.datetime) -> None:
    """The effective date is the lock entry's time (R11), not the manifest's."""
    try:
        claimed = dt.datetime.fromisoformat(row["ngayhieuluc"])
    except (KeyError, TypeError, ValueError):
        claimed = None
    if claimed != effective:
        raise EffectiveDateError(
            _(
                "Record %(n)s: the effective date %(claimed)s is not the time of "
                "the lock in the department's ledger (%(lock)s)."
            )
            % {"n": n, "claimed": row.get("ngayhieuluc"), "lock": effective.isoformat()}
        )


def _check_issuer(n: int, snapshot, row: dict, department: str, manifest) -> None:
    issuer = snapshot.school.department_code
    if issuer != department:
        raise WrongDepartmentError(
            _(
                "Record %(n)s was issued by department %(issuer)s, not by department "
                "%(department)s that sends it."
            )
            % {"n": n, "issuer": issuer, "department": department}
        )
    if snapshot.school_year != manifest["school_year"]:
        raise BatchInvalidError(
            _("Record %(n)s is of school year %(year)s, not of the batch's.")
            % {"n": n, "year": snapshot.school_year}
        )
    expected = stable_record_id(department, snapshot.lookup_code, snapshot.school_year)
    if row.get("idbanghi") != expected:
        raise RecordIdError(
            _(
                "Record %(n)s: the record id %(id)s is not the one its signed data "
                "give (%(expected)s)."
            )
            % {"n": n, "id": row.get("idbanghi"), "expected": expected}
        )


def _verified(n: int, packet: bytes, store, effective: dt.datetime):
    result = verify_packet(packet, store, at=effective)
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


def _store(manifest: dict, records: list[dict], body_sha: str, ledger, at) -> str:
    department = manifest["department"]
    with transaction.atomic():
        proofs.remember_checkpoints(
            department,
            [ledger["checkpoint"], *ledger["earlier"]],
            [manifest["checkpoint"], *(e["checkpoint"] for e in manifest["earlier"])],
            at,
        )
        batch = InboundBatch.objects.create(
            batch_id=manifest["batch"],
            department=department,
            school_year=manifest["school_year"],
            round=manifest["round"],
            body_sha256=body_sha,
            record_count=len(records),
            stored_count=0,
            duplicate_count=0,
            unit_counts=manifest["counts"],
            checkpoint=manifest["checkpoint"],
            receipt="",
            received_at=at,
        )
        outcomes = [versions.store(department, r, batch, at) for r in records]
        batch.stored_count = sum(1 for o in outcomes if o == "stored")
        batch.duplicate_count = len(records) - batch.stored_count
        batch.receipt = _receipt(manifest, records, outcomes, body_sha, at)
        batch.save(update_fields=["stored_count", "duplicate_count", "receipt"])
    return batch.receipt


def _receipt(manifest, records, outcomes, body_sha: str, at) -> str:
    stored = sum(1 for o in outcomes if o == "stored")
    return signed.sign_document(
        {
            "batch": manifest["batch"],
            "department": manifest["department"],
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


def national_records(lookup_code: str) -> list[NationalRecord]:
    """The current records of a transcript in the national repository."""
    return list(
        NationalRecord.objects.filter(lookup_code=lookup_code, is_current=True)
        .exclude(status=2)
        .select_related("batch")
        .order_by("school_year", "grade")
    )


def superseded_records(lookup_code: str) -> list[tuple[NationalRecord, dict]]:
    """The versions of a transcript superseded by a correction after the lock,
    each with what superseded it: its page id, effective time and decision."""
    held = list(
        NationalRecord.objects.filter(lookup_code=lookup_code)
        .select_related("batch")
        .order_by("department", "record_id", "version")
    )
    found = []
    for record, after in itertools.pairwise(held):
        if (
            (after.department, after.record_id) == (record.department, record.record_id)
            and after.decision
            and after.packet_sha256 != record.packet_sha256
        ):
            by = {
                "public_id": f"{after.record_id}-v{after.version}",
                "effective_at": dt.datetime.fromisoformat(after.row["ngayhieuluc"]),
                "decision": after.decision,
            }
            found.append((record, by))
    return found
