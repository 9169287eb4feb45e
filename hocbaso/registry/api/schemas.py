"""The API's request and response bodies (pydantic, through ninja).

Responses are read from the actions' frozen views (results.py, locking.py,
reporting.py) and the Transfer row: public ids and plain values only, never a
database id or a lookup code. Ledger hashes and entry bytes are base64.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from django.utils.translation import gettext as _
from ninja import Field, Path, Schema
from pydantic import AwareDatetime, model_validator

from hocbaso.registry.models import Transfer

# Public ids are a prefix and 16 base32 letters (ids.py); checking the form at the
# edge also means that nothing shaped like a lookup code reaches a message.
_ID = r"^{}-[a-z2-7]{{16}}$"
ReceiptId = Annotated[str, Path(pattern=_ID.format("rcp"))]
SubmissionId = Annotated[str, Path(pattern=_ID.format("sub"))]
TransferId = Annotated[str, Path(pattern=_ID.format("trf"))]
Code = Annotated[str, Path(pattern=r"^[A-Za-z0-9._-]{1,20}$")]
SchoolYearName = Annotated[str, Path(pattern=r"^[0-9]{4}-[0-9]{4}$")]
RoundName = Annotated[Literal["main", "supplementary"], Path()]

# The statuses the API documents for errors; every one has the ErrorOut body.
ERRORS = frozenset({400, 401, 403, 404, 409, 422})
BODY_ERRORS = ERRORS | {413, 415}
LEDGER_ERRORS = frozenset({400, 404, 422})


class ErrorOut(Schema):
    error: str = Field(description="A sentence in the request's language.")
    code: str = Field(description="A stable code (docs/api.md).")


class ProblemOut(Schema):
    code: str
    message: str


class RecordOut(Schema):
    position: int
    outcome: Literal["accepted", "rejected"]
    packet_sha256: str
    problems: list[ProblemOut]
    submission_id: str | None
    duplicate: bool


class ReceiptOut(Schema):
    receipt_id: str
    school_code: str
    operation: Literal["submit", "replace"]
    kind: str = Field(description="packet, package, or empty when refused")
    status: Literal["received", "refused", "processed"]
    received_at: datetime
    processed_at: datetime | None
    sha256: str
    errors: list[ProblemOut]
    records: list[RecordOut]


class SubmissionOut(Schema):
    submission_id: str
    state: Literal["accepted", "superseded", "revoked"]
    school_code: str
    school_year: str
    grade: int
    round: str
    accepted_at: datetime
    effective_at: datetime | None = Field(description="The lock time, once locked.")
    withdrawn_at: datetime | None
    reason: str
    withdraw_reason: str
    packet_sha256: str
    ledger_index: int
    withdraw_ledger_index: int | None
    replaces: str | None
    replaced_by: str | None
    receipt_id: str


class ReasonIn(Schema):
    reason: str = Field(min_length=1, max_length=2000)


class LockIn(Schema):
    """At most one scope; none locks the whole registry (system or superuser)."""

    school: str | None = None
    unit: str | None = None
    department: str | None = None
    at: AwareDatetime | None = Field(None, description="Lock time (default: now).")

    @model_validator(mode="after")
    def _one_scope(self) -> LockIn:
        given = [x for x in (self.school, self.unit, self.department) if x]
        if len(given) > 1:
            raise ValueError(_("give at most one of 'school', 'unit', 'department'"))
        return self


class SchoolLockOut(Schema):
    school_code: str
    school_name: str
    locked: int
    missing: int
    locked_at: datetime
    already_locked: bool


class MissingRecordOut(Schema):
    school_code: str
    class_name: str
    grade: int
    student_code: str
    student_name: str


class LockOut(Schema):
    lock_id: str | None
    school_year: str
    round: str
    locked_at: datetime
    locked: int
    missing: int
    schools: list[SchoolLockOut]
    missing_records: list[MissingRecordOut]


class SchoolFiguresOut(Schema):
    school_code: str
    school_name: str
    students: int
    submitted: int
    accepted: int
    locked: int
    missing: int


class FiguresOut(Schema):
    unit_code: str
    school_year: str
    round: str
    schools: list[SchoolFiguresOut]
    totals: dict[str, int]


class UnitReportOut(FiguresOut):
    report_id: str
    deadline: datetime
    submitted_at: datetime
    late: bool
    submitted_by: str


class TransferIn(Schema):
    student_code: str = Field(min_length=1, max_length=30)
    level: Literal["primary", "secondary"]
    note: str = Field("", max_length=2000)


class TransferOut(Schema):
    transfer_id: str
    state: Literal["requested", "released", "acknowledged"]
    from_school: str
    to_school: str
    note: str
    requested_at: datetime
    released_at: datetime | None
    acknowledged_at: datetime | None
    request_index: int
    release_index: int | None
    acknowledge_index: int | None

    @staticmethod
    def resolve_transfer_id(obj: Transfer) -> str:
        return obj.public_id

    @staticmethod
    def resolve_from_school(obj: Transfer) -> str:
        return obj.from_school.code

    @staticmethod
    def resolve_to_school(obj: Transfer) -> str:
        return obj.to_school.code


class EntryOut(Schema):
    index: int
    data: str = Field(description="The entry's canonical bytes, base64.")
    entry: dict = Field(description="The same bytes read as JSON (docs/ledger.md).")


class EntriesOut(Schema):
    start: int
    end: int
    entries: list[EntryOut]


class InclusionOut(Schema):
    index: int
    size: int
    hashes: list[str] = Field(description="RFC 6962 §2.1.1 audit path, base64.")


class ConsistencyOut(Schema):
    size1: int
    size2: int
    hashes: list[str] = Field(description="RFC 6962 §2.1.2 proof, base64.")


class CoveredSubmissionOut(Schema):
    submission_id: str
    packet_sha256: str = Field(description="SHA-256 of the packet, 64 hex digits.")
    entry_index: int = Field(description="The ledger entry that accepted it.")


class LockCoverageOut(Schema):
    index: int = Field(description="The round:lock entry.")
    lock_id: str
    digest: str = Field(
        description="The entry's digest: SHA-256 of the lines "
        "'<submission_id> <packet_sha256>\\n' of all its submissions, sorted."
    )
    count: int = Field(description="How many submissions the lock covers.")
    start: int
    end: int
    submissions: list[CoveredSubmissionOut]
