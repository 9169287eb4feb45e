"""The national record's versions and statuses, as the department's ledger proves
them (docs/exchange.md, "Versions and statuses").

One transcript-year (lookup code and school year; the code fixes the level) has
one current version nationally, under the record id its signed data yield.

- the same record id and version again: the same packet is ``duplicate``; other
  bytes are a conflict (the whole batch is refused);
- NEW: version 1 of a transcript-year held under no record id;
- UPDATE, version n+1 of the current version n:
  - the same packet (a transfer moved the transcript's management; the packet,
    signed before, does not change);
  - another packet only when its submission entry is a ``record:replace`` whose
    ``previous`` is the current packet (a correction, proven by the ledger);
- CANCEL (status revoked) only when the ledger proves a revocation of the current
  packet: no revocation after a lock exists today, so it is refused.
Anything else is refused with a reason; nothing of the batch is stored.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from hocbaso.exchange.errors import RecordConflictError, VersionNotProvenError
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
    if current is None:
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
    if (event, version) != ("UPDATE", current.version + 1):
        raise _unproven(row, _("the version held is %(v)s") % {"v": current.version})
    if record["packet_sha256"] != current.packet_sha256 and not _replaces(
        record["entry"], current.packet_sha256
    ):
        raise _unproven(row, _("its ledger entry does not replace the packet held"))


def _replaces(entry, previous_sha: str) -> bool:
    return (
        entry.event is Event.RECORD_REPLACE
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
        batch=batch,
        stored_at=at,
    )
