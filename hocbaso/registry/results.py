"""What the actions answer: frozen views of the registry's rows, plain values only,
ready for the JSON API to serialise (no lookup code, no database ids)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from hocbaso.registry.codes import Problem
from hocbaso.registry.models import Receipt, RecordResult, Submission


@dataclass(frozen=True)
class RecordOutcome:
    """The result of one packet of a receipt."""

    position: int
    outcome: str  # "accepted" or "rejected"
    packet_sha256: str
    problems: tuple[Problem, ...] = ()
    submission_id: str | None = None
    duplicate: bool = False

    @property
    def accepted(self) -> bool:
        return self.outcome == RecordResult.Outcome.ACCEPTED

    @classmethod
    def from_row(cls, row: RecordResult, submission_id: str | None) -> RecordOutcome:
        return cls(
            position=row.position,
            outcome=str(row.outcome),
            packet_sha256=row.packet_sha256,
            problems=tuple(Problem.from_dict(p) for p in row.problems),
            submission_id=submission_id,
            duplicate=row.duplicate,
        )


@dataclass(frozen=True)
class ReceiptView:
    """A receipt: received (being processed), refused, or processed with results."""

    receipt_id: str
    school_code: str
    operation: str
    kind: str
    status: str
    received_at: datetime
    processed_at: datetime | None
    sha256: str
    errors: tuple[Problem, ...] = ()
    records: tuple[RecordOutcome, ...] = field(default=())

    @property
    def accepted(self) -> tuple[RecordOutcome, ...]:
        return tuple(r for r in self.records if r.accepted)

    @property
    def rejected(self) -> tuple[RecordOutcome, ...]:
        return tuple(r for r in self.records if not r.accepted)

    @classmethod
    def from_model(cls, receipt: Receipt) -> ReceiptView:
        # only an answered receipt has results: no query for the others
        processed = receipt.status == Receipt.Status.PROCESSED
        rows = list(receipt.results.order_by("position")) if processed else []
        accepted = [r.submission_id for r in rows if r.submission_id]
        ids = (  # none accepted: nothing to compile (an API POST's answer)
            dict(
                Submission.objects.filter(pk__in=accepted).values_list(
                    "pk", "public_id"
                )
            )
            if accepted
            else {}
        )
        return cls(
            receipt_id=receipt.public_id,
            school_code=receipt.school.code,
            operation=str(receipt.operation),
            kind=str(receipt.kind),
            status=str(receipt.status),
            received_at=receipt.received_at,
            processed_at=receipt.processed_at,
            # a refused body keeps its first bytes only; the error has its digest
            sha256=(receipt.errors[0].get("sha256") if receipt.errors else None)
            or receipt.blob_id,
            errors=tuple(Problem.from_dict(p) for p in receipt.errors),
            records=tuple(
                RecordOutcome.from_row(r, ids.get(r.submission_id)) for r in rows
            ),
        )


@dataclass(frozen=True)
class SubmissionView:
    """A submission as the registry keeps it; ``effective_at`` is the lock time."""

    submission_id: str
    state: str
    school_code: str
    school_year: str
    grade: int
    round: str
    accepted_at: datetime
    effective_at: datetime | None
    withdrawn_at: datetime | None
    reason: str
    withdraw_reason: str
    packet_sha256: str
    ledger_index: int
    withdraw_ledger_index: int | None
    replaces: str | None
    replaced_by: str | None
    receipt_id: str

    @property
    def is_locked(self) -> bool:
        return self.effective_at is not None

    @classmethod
    def from_model(cls, s: Submission) -> SubmissionView:
        successor = Submission.objects.filter(supersedes=s).first()
        return cls(
            submission_id=s.public_id,
            state=str(s.state),
            school_code=s.school.code,
            school_year=s.school_year.name,
            grade=s.grade,
            round=str(s.round),
            accepted_at=s.accepted_at,
            effective_at=s.locked_at,
            withdrawn_at=s.withdrawn_at,
            reason=s.reason,
            withdraw_reason=s.withdraw_reason,
            packet_sha256=s.blob_id,
            ledger_index=s.ledger_index,
            withdraw_ledger_index=s.withdraw_ledger_index,
            replaces=s.supersedes.public_id if s.supersedes_id else None,
            replaced_by=successor.public_id if successor else None,
            receipt_id=s.receipt.public_id,
        )
