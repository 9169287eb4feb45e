"""Storing the answers of a wave of receipts, inside processing's transaction and
under its lock of the ledger head (``processing``, step 2).

For each new packet: its bytes (kept once, by SHA-256), a submission (a
replacement supersedes the record's current one), one ledger entry, in the
packets' order, and an audit row; for every packet, accepted or not, its result
row; the records move from issued to submitted. Each table gets one statement for
the whole wave, built from plain values with its SQL written once per process
(``storing_rows``): no model instance per row, no query compiled per package. The
rows are the ones the ORM wrote before (docs/scaling.md, "Storing a record").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from hocbaso.records.models import RecordStatus, YearlyRecord
from hocbaso.registry import ids
from hocbaso.registry.codes import EventType
from hocbaso.registry.entries import submission_entry
from hocbaso.registry.ledger_log import LedgerSession
from hocbaso.registry.models import (
    AuditEvent,
    Blob,
    Operation,
    RecordResult,
    Submission,
)
from hocbaso.registry.storing_rows import RowInsert

if TYPE_CHECKING:
    from hocbaso.registry.processing import Candidate, _Answering

_BLOBS = RowInsert(Blob, ("sha256", "data", "size", "stored_at"), ignore_conflicts=True)
_SUBMISSIONS = RowInsert(
    Submission,
    (
        "public_id",
        "record_id",
        "school_id",
        "record_school_id",
        "school_year_id",
        "round",
        "grade",
        "receipt_id",
        "blob_id",
        "supersedes_id",
        "reason",
        "accepted_at",
        "ledger_index",
    ),
    returning=("public_id", "id"),
)
_RESULTS = RowInsert(
    RecordResult,
    (
        "receipt_id",
        "position",
        "packet_sha256",
        "outcome",
        "problems",
        "record_id",
        "submission_id",
        "duplicate",
    ),
)
_AUDIT = RowInsert(
    AuditEvent,
    (
        "at",
        "action",
        "actor_user_id",
        "actor_label",
        "object_type",
        "object_id",
        "school_id",
        "detail",
    ),
)


@dataclass(frozen=True)
class NewSubmission:
    """What the result and audit rows need of a submission just stored."""

    pk: int
    public_id: str
    ledger_index: int


def store(live: list[_Answering], ledger: LedgerSession) -> None:
    """Store the wave's answers; its candidates' ``submission`` set."""
    new = [(w, c) for w in live for c in w.candidates if c.is_new]
    _BLOBS([(c.sha256, c.data, len(c.data), w.at) for w, c in new])
    replaced = [c.current.pk for _, c in new if c.current is not None]
    if replaced:
        Submission.objects.filter(pk__in=replaced).update(
            state=Submission.State.SUPERSEDED
        )
    rows = [_submission_row(c, w.receipt, ledger, w.at) for w, c in new]
    stored = dict(_SUBMISSIONS(rows))  # public id → id
    for (_, c), row in zip(new, rows, strict=True):
        c.submission = NewSubmission(stored[row[0]], row[0], row[-1])
    _RESULTS([_result_row(c, w.receipt) for w in live for c in w.candidates])
    _AUDIT([_audit_row(c, w.receipt, w.at) for w, c in new])
    if new:
        YearlyRecord.objects.filter(
            pk__in=[c.record.pk for _, c in new], status=RecordStatus.ISSUED
        ).update(status=RecordStatus.SUBMITTED)


def _submission_row(c: Candidate, receipt, ledger: LedgerSession, at) -> tuple:
    """The submission's values, its ledger entry appended (in the packets' order)."""
    record, previous = c.record, c.current
    public_id = ids.new_submission_id()
    index = ledger.append(
        submission_entry(
            record_id=record.pk,
            public_id=public_id,
            packet_sha256=c.sha256,
            accepted_at=at,
            previous_sha256=previous.blob_id if previous else None,
        )
    )
    is_replacement = receipt.operation == Operation.REPLACE
    return (
        public_id,
        record.pk,
        receipt.school_id,
        record.school_id,
        record.school_year_id,
        record.round,
        record.grade,
        receipt.pk,
        c.sha256,
        previous.pk if previous else None,
        receipt.reason if is_replacement else "",
        at,
        index,
    )


def _result_row(c: Candidate, receipt) -> tuple:
    submission = (c.submission or c.duplicate_of) if c.accepted else None
    return (
        receipt.pk,
        c.position,
        c.sha256,
        (
            RecordResult.Outcome.ACCEPTED
            if c.accepted
            else RecordResult.Outcome.REJECTED
        ).value,
        [p.to_dict() for p in c.problems],
        c.record.pk if c.record is not None else None,
        submission.pk if submission is not None else None,
        c.duplicate_of is not None,
    )


def _audit_row(c: Candidate, receipt, at) -> tuple:
    """As ``auditing.audit_event`` writes it: record:submit or record:replace."""
    replacing = c.current is not None
    action = EventType.RECORD_REPLACE if replacing else EventType.RECORD_SUBMIT
    detail = {"receipt": receipt.public_id, "ledger_index": c.submission.ledger_index}
    if replacing:
        detail["replaces"] = c.current.public_id
    return (
        at,
        action.value,
        receipt.actor_user_id,
        receipt.actor_label,
        "submission",
        c.submission.public_id,
        receipt.school_id,
        detail,
    )
