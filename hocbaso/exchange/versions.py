"""The national record's versions and statuses, as the department's ledger proves
them (docs/exchange.md, "Versions and statuses").

One transcript-year (lookup code and school year; the code fixes the level) has
one current version nationally, under the record id its signed data yield.

- the same record id and version again: the same packet of the current version
  is ``duplicate``; a version superseded since is a replay (``VERSION_REPLAYED``);
  other bytes are a conflict (the whole batch is refused);
- NEW: version 1 of a transcript-year held under no record id;
- UPDATE, version n+1 of the current version n:
  - the same packet (a transfer moved the transcript's management; the packet,
    signed before, does not change);
  - another packet only when its entry is a ``record:replace`` or a
    ``record:correct`` (a correction after the lock, with its approved decision:
    ``proofs.py``) whose ``previous`` is the current packet;
  - an UPDATE further ahead than n+1, or of a transcript-year not held yet, came
    before the version it follows (``VERSION_OUT_OF_ORDER``);
- a ``record:correct`` entry is only ever an UPDATE, never version 1;
- CANCEL (status revoked) only when the ledger proves a revocation of the current
  packet: no revocation after a lock exists today, so it is refused.
Anything else is refused with a reason; nothing of the batch is stored.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from hocbaso.exchange.errors import (
    RecordConflictError,
    VersionNotProvenError,
    VersionOutOfOrderError,
    VersionReplayedError,
)
from hocbaso.exchange.models import NationalRecord
from hocbaso.ledger import Event


def store(department: str, record: dict, batch, at) -> str:
    """Store one checked record version, or say it is held ("duplicate")."""
    row, snapshot = record["row"], record["snapshot"]
    same = NationalRecord.objects.filter(
        department=department, record_id=row["idbanghi"], version=row["phienban"]
    ).first()
    if same is not None:
        if same.packet_sha256 != record["packet_sha256"]:
            raise RecordConflictError(
                _(
                    "Record %(id)s version %(v)s is held with another packet "
                    "(SHA-256 %(sha)s)."
                )
                % {
                    "id": row["idbanghi"],
                    "v": row["phienban"],
                    "sha": same.packet_sha256,
                }
            )
        if not same.is_current:
            raise _replayed(row, same)
        return "duplicate"
    current = (
        NationalRecord.objects.select_for_update()
        .filter(
            lookup_code=snapshot.lookup_code,
            school_year=snapshot.school_year,
            is_current=True,
        )
        .first()
    )
    _check_version(record, current)
    if current is not None:
        NationalRecord.objects.filter(pk=current.pk).update(is_current=False)
    _write(department, record, batch, at)
    return "stored"


def _check_version(record: dict, current: NationalRecord | None) -> None:
    row = record["row"]
    event, version = row["sukien"], row["phienban"]
    if event == "CANCEL":
        raise VersionNotProvenError(
            _(
                "Record %(id)s: a revocation needs a revocation entry in the "
                "department's ledger; none exists after a lock."
            )
            % {"id": row["idbanghi"]}
        )
    if record["entry"].event is Event.RECORD_CORRECT and event != "UPDATE":
        raise _unproven(row, _("a correction after the lock is an update"))
    if current is None:
        if event == "UPDATE":
            raise _out_of_order(row, 1)
        if (event, version) != ("NEW", 1):
            raise _unproven(row, _("the national repository holds no version of it"))
        return
    if current.record_id != row["idbanghi"]:
        raise RecordConflictError(
            _(
                "The school year %(year)s of this transcript is already held as "
                "record %(held)s; it cannot be stored again as %(id)s."
            )
            % {
                "year": current.school_year,
                "held": current.record_id,
                "id": row["idbanghi"],
            }
        )
    if event == "UPDATE" and version > current.version + 1:
        raise _out_of_order(row, current.version + 1)
    if event == "UPDATE" and version <= current.version:
        raise _replayed(row, current)
    if (event, version) != ("UPDATE", current.version + 1):
        raise _unproven(row, _("the version held is %(v)s") % {"v": current.version})
    if record["packet_sha256"] == current.packet_sha256:
        _check_moved(row, current)
    elif not _replaces(record["entry"], current.packet_sha256):
        raise _unproven(row, _("its ledger entry does not replace the packet held"))


def _check_moved(row: dict, current: NationalRecord) -> None:
    """An UPDATE with the packet held is a transfer: the managing school changed.
    The same packet and school again is a replay dressed as a new version."""
    if row.get("matruongquanly") == current.row.get("matruongquanly"):
        raise VersionReplayedError(
            _(
                "Record %(id)s: UPDATE version %(v)s changes nothing: it carries "
                "the packet and the managing school of version %(held)s."
            )
            % {"id": row["idbanghi"], "v": row["phienban"], "held": current.version}
        )


def _replaces(entry, previous_sha: str) -> bool:
    return (
        entry.event in (Event.RECORD_REPLACE, Event.RECORD_CORRECT)
        and entry.previous is not None
        and entry.previous.hex() == previous_sha
    )


def _unproven(row: dict, why: str) -> VersionNotProvenError:
    return VersionNotProvenError(
        _("Record %(id)s: %(event)s version %(v)s is not accepted: %(why)s.")
        % {
            "id": row["idbanghi"],
            "event": row["sukien"],
            "v": row["phienban"],
            "why": why,
        }
    )


def _replayed(row: dict, held: NationalRecord) -> VersionReplayedError:
    return VersionReplayedError(
        _(
            "Record %(id)s: %(event)s version %(v)s is refused as a replay: the "
            "national repository already holds version %(held)s of it, and a "
            "version once superseded is never taken again."
        )
        % {
            "id": row["idbanghi"],
            "event": row["sukien"],
            "v": row["phienban"],
            "held": _current_version(held),
        }
    )


def _current_version(held: NationalRecord) -> int:
    current = NationalRecord.objects.filter(
        department=held.department, record_id=held.record_id, is_current=True
    ).first()
    return (current or held).version


def _out_of_order(row: dict, expected: int) -> VersionOutOfOrderError:
    return VersionOutOfOrderError(
        _(
            "Record %(id)s: version %(v)s arrived before version %(expected)s, "
            "which it follows; it is taken once version %(expected)s is held "
            "(the department's next delivery sends it again)."
        )
        % {"id": row["idbanghi"], "v": row["phienban"], "expected": expected}
    )


def _write(department: str, record: dict, batch, at) -> None:
    row, snapshot = record["row"], record["snapshot"]
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
        proof=record["proof"],
        decision=_decision(record["proof"]),
        batch=batch,
        stored_at=at,
    )


def _decision(proof: dict) -> dict:
    """The decision of a version corrected after the lock, as the manifest gave
    it and the ledger proved it approved (empty for any other version)."""
    correction = proof.get("correction") or {}
    return {
        k: correction[k] for k in ("id", "number", "date", "signer") if k in correction
    }
