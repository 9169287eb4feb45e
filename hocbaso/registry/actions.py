"""The registry's operations: every one a function of plain values, bytes and an
Actor, answering frozen result objects and raising ``errors.RegistryError``s with
stable codes. The JSON API and the school side of this deployment call these same
functions (docs/registry.md: an outside school system and ours are treated alike).

Organisations may be given as rows or by code (school and unit codes, the school
year's name). ``clock`` (a callable returning an aware datetime) is injectable
everywhere, so tests freeze time; ``verifier`` chooses where packets are verified.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from hocbaso.packet import RecordSnapshot, parse_packet
from hocbaso.records.models import Department, ManagementUnit, School, SchoolYear
from hocbaso.registry import (
    correcting,
    locking,
    lookups,
    processing,
    receiving,
    reporting,
    revoking,
    rounds,
    transferring,
)
from hocbaso.registry.actors import Actor, check_unit, may_see
from hocbaso.registry.clock import Clock, now
from hocbaso.registry.errors import (
    NotAllowedError,
    NotFoundError,
    ReasonRequiredError,
)
from hocbaso.registry.ledger_check import LedgerReport, verify_ledger
from hocbaso.registry.ledger_log import latest_checkpoint, reading_ledger
from hocbaso.registry.ledger_log import verifier_key as _verifier_key
from hocbaso.registry.locking import LockResult, MissingRecord
from hocbaso.registry.models import (
    Blob,
    Correction,
    Operation,
    Receipt,
    Submission,
    Transfer,
)
from hocbaso.registry.reporting import SchoolFigures, UnitReportView
from hocbaso.registry.results import ReceiptView, SubmissionView
from hocbaso.registry.verification import InProcessVerifier, Verifier

__all__ = [
    "Actor",
    "LedgerReport",
    "LockResult",
    "MissingRecord",
    "ReceiptView",
    "SchoolFigures",
    "SubmissionView",
    "UnitReportView",
    "acknowledge_transfer",
    "consistency_proof",
    "decide_correction",
    "inclusion_proof",
    "issue_correction",
    "latest_ledger_checkpoint",
    "ledger_entries",
    "ledger_verifier_key",
    "lock_round",
    "missing_records",
    "process_receipt",
    "receipt_status",
    "release_transfer",
    "replace",
    "request_correction",
    "request_transfer",
    "revoke",
    "submission_packet",
    "submission_snapshot",
    "submission_status",
    "submit",
    "submit_unit_report",
    "transfer_status",
    "unit_report_figures",
    "verify_ledger",
]


# --- submissions -------------------------------------------------------------


def submit(
    data: bytes,
    *,
    school: School | str,
    actor: Actor,
    reason: str | None = None,
    clock: Clock | None = None,
    verifier: Verifier | None = None,
    process: bool = True,
) -> ReceiptView:
    """Submit a signed packet or a class package; the receipt, then its results.

    The receipt is given at once (received, or refused with codes) and stored; with
    ``process`` (the default) the records are checked and answered before returning,
    else ``process_receipt`` answers them later and ``receipt_status`` polls. Sending
    the same bytes again returns the same receipt. Raises NotAllowedError.
    """
    return _receive(
        data, school, actor, Operation.SUBMIT, reason, clock, verifier, process
    )


def replace(
    data: bytes,
    *,
    school: School | str,
    actor: Actor,
    reason: str,
    clock: Clock | None = None,
    verifier: Verifier | None = None,
    process: bool = True,
) -> ReceiptView:
    """Submit packets that supersede the records' current submissions (R12).

    Each record needs a current, unlocked submission in an open round, else it is
    rejected (NOTHING_TO_REPLACE, ROUND_LOCKED, DEADLINE_PASSED). Raises
    ReasonRequiredError without a reason, NotAllowedError.
    """
    if not (reason or "").strip():
        raise ReasonRequiredError(_("A replacement needs a reason."))
    return _receive(
        data, school, actor, Operation.REPLACE, reason, clock, verifier, process
    )


def _receive(data, school, actor, operation, reason, clock, verifier, process):
    receipt, document = receiving.receive(
        bytes(data),
        school=lookups.school(school),
        actor=actor,
        operation=operation,
        reason=(reason or "").strip(),
        at=now(clock),
    )
    if process:
        receipt = processing.process_receipt(
            receipt,
            verifier=verifier or InProcessVerifier(),
            clock=clock,
            document=document,
        )
    return ReceiptView.from_model(receipt)


def process_receipt(
    receipt_id: str, *, clock: Clock | None = None, verifier: Verifier | None = None
) -> ReceiptView:
    """Answer a received receipt (a worker's job); a processed one is returned as is."""
    receipt = Receipt.objects.select_related("school").filter(public_id=receipt_id)
    found = receipt.first()
    if found is None:
        raise NotFoundError(_("There is no receipt %(id)s.") % {"id": receipt_id})
    found = processing.process_receipt(
        found, verifier=verifier or InProcessVerifier(), clock=clock
    )
    return ReceiptView.from_model(found)


def receipt_status(receipt_id: str, *, actor: Actor) -> ReceiptView:
    """The receipt and, once processed, the result of every record."""
    receipt = Receipt.objects.select_related("school").filter(public_id=receipt_id)
    found = receipt.first()
    if found is None or not may_see(actor, found.school):
        raise NotFoundError(_("There is no receipt %(id)s.") % {"id": receipt_id})
    return ReceiptView.from_model(found)


def revoke(
    submission_id: str,
    *,
    school: School | str,
    actor: Actor,
    reason: str,
    clock: Clock | None = None,
) -> SubmissionView:
    """Withdraw a record's current submission before the lock (R12).

    Raises ReasonRequiredError, NotAllowedError, NotFoundError, RoundLockedError,
    DeadlinePassedError or SubmissionStateError.
    """
    submission = revoking.revoke(
        submission_id,
        school=lookups.school(school),
        actor=actor,
        reason=reason,
        at=now(clock),
    )
    return SubmissionView.from_model(submission)


def _submission(submission_id: str, actor: Actor) -> Submission:
    found = (
        Submission.objects.select_related("school", "school_year", "receipt")
        .filter(public_id=submission_id)
        .first()
    )
    if found is None or not (
        may_see(actor, found.school) or may_see(actor, found.record_school)
    ):
        raise NotFoundError(_("There is no submission %(id)s.") % {"id": submission_id})
    return found


def submission_status(submission_id: str, *, actor: Actor) -> SubmissionView:
    return SubmissionView.from_model(_submission(submission_id, actor))


def submission_packet(submission_id: str, *, actor: Actor) -> bytes:
    """The packet exactly as it was received."""
    submission = _submission(submission_id, actor)
    return bytes(Blob.objects.get(pk=submission.blob_id).data)


def submission_snapshot(submission_id: str, *, actor: Actor) -> RecordSnapshot:
    """What the registry shows of a submission: parsed from the stored bytes."""
    return parse_packet(submission_packet(submission_id, actor=actor))


# --- rounds and locks ----------------------------------------------------------


def lock_round(
    school_year: SchoolYear | str,
    round_name: str,
    *,
    scope: School | ManagementUnit | Department | None = None,
    actor: Actor,
    at: datetime | None = None,
    clock: Clock | None = None,
) -> LockResult:
    """Lock every accepted current submission of the round in the scope.

    ``scope`` is one school (locking early), a management unit, a department, or
    None for the whole registry (the scheduler at the deadline). ``at`` (default
    now) is the records' effective date. Schools already locked are skipped;
    records never submitted are listed as missing. Raises NotAllowedError,
    LockTimeError.
    """
    current = now(clock)
    return locking.lock_round(
        lookups.school_year(school_year),
        rounds.check_round(round_name).value,
        scope=scope,
        actor=actor,
        at=at or current,
        current_time=current,
    )


def missing_records(
    school_year: SchoolYear | str,
    round_name: str,
    *,
    scope: School | ManagementUnit | Department | None = None,
    actor: Actor,
    clock: Clock | None = None,
) -> tuple[MissingRecord, ...]:
    """The records of the round with no current submission, in the scope."""
    year = lookups.school_year(school_year)
    round_value = rounds.check_round(round_name).value
    if isinstance(scope, School):
        if not may_see(actor, scope):
            raise NotAllowedError(_("You may not see the records of this school."))
    else:
        locking.authorize(actor, scope, timezone.localdate(now(clock)))
    schools = rounds.schools_in(scope, year, round_value).order_by("code")
    return tuple(m for s in schools for m in locking.missing_of(s, year, round_value))


# --- unit reports ------------------------------------------------------------


def unit_report_figures(
    unit: ManagementUnit | str,
    school_year: SchoolYear | str,
    round_name: str,
    *,
    actor: Actor,
    clock: Clock | None = None,
) -> tuple[SchoolFigures, ...]:
    """The figures a unit's report would carry now (a preview)."""
    unit = lookups.unit(unit)
    check_unit(actor, unit, timezone.localdate(now(clock)), department_too=True)
    return reporting.unit_figures(
        unit, lookups.school_year(school_year), rounds.check_round(round_name).value
    )


def submit_unit_report(
    unit: ManagementUnit | str,
    school_year: SchoolYear | str,
    round_name: str,
    *,
    actor: Actor,
    clock: Clock | None = None,
) -> UnitReportView:
    """The unit's officer sends the round's report to the department (R13).

    Recorded with its figures, sender, time, deadline and whether it is late.
    Raises NotAllowedError, ReportExistsError.
    """
    report = reporting.submit_report(
        lookups.unit(unit),
        lookups.school_year(school_year),
        rounds.check_round(round_name).value,
        actor=actor,
        at=now(clock),
    )
    return UnitReportView.from_model(report)


# --- transfers -----------------------------------------------------------------


def request_transfer(
    *,
    student_code: str,
    level: str,
    to_school: School | str,
    actor: Actor,
    note: str = "",
    clock: Clock | None = None,
    discreet: bool = False,
) -> Transfer:
    """The receiving school asks for a student's transcript (R15). discreet: answer
    an unknown student as a recorded request (transferring.request_discreetly)."""
    step = transferring.request_discreetly if discreet else transferring.request
    return step(
        student_code=student_code,
        level=level,
        to_school=lookups.school(to_school),
        actor=actor,
        note=note,
        at=now(clock),
    )


def release_transfer(
    transfer_id: str, *, school: School | str, actor: Actor, clock: Clock | None = None
) -> Transfer:
    """The sending school releases the transcript."""
    return transferring.release(
        transfer_id, school=lookups.school(school), actor=actor, at=now(clock)
    )


def acknowledge_transfer(
    transfer_id: str, *, school: School | str, actor: Actor, clock: Clock | None = None
) -> Transfer:
    """The receiving school acknowledges: it manages the transcript from now on."""
    return transferring.acknowledge(
        transfer_id, school=lookups.school(school), actor=actor, at=now(clock)
    )


def transfer_status(transfer_id: str, *, actor: Actor) -> Transfer:
    found = (
        Transfer.objects.select_related("from_school", "to_school")
        .filter(public_id=transfer_id)
        .first()
    )
    # The receiving school sees its request once released: before, it would tell
    # which student codes exist in other schools (transferring.request_discreetly).
    receiving = found is not None and found.state != Transfer.State.REQUESTED
    if found is None or not (
        may_see(actor, found.from_school)
        or (receiving and may_see(actor, found.to_school))
    ):
        raise NotFoundError(_("There is no transfer %(id)s.") % {"id": transfer_id})
    return found


# --- correction after the lock (correcting.py) -----------------------------------


def request_correction(
    submission_id: str,
    *,
    school: School | str,
    actor: Actor,
    reason: str,
    evidence: bytes,
    evidence_name: str,
    identity: dict[str, str] | None = None,
    clock: Clock | None = None,
) -> Correction:
    """The school asks to correct a locked record, with its reason and evidence."""
    return correcting.request(
        submission_id,
        school=lookups.school(school),
        actor=actor,
        reason=reason,
        evidence=evidence,
        evidence_name=evidence_name,
        identity=identity,
        at=now(clock),
    )


def decide_correction(
    correction_id: str, *, actor: Actor, approve: bool, clock: Clock | None = None, **d
) -> Correction:
    """The competent level approves (``number``, ``date``, ``signer``) or refuses
    (``reason``); an approval makes the record's next version, a draft."""
    return correcting.decide(
        correction_id, actor=actor, approve=approve, at=now(clock), **d
    )


def issue_correction(
    correction_id: str,
    data: bytes,
    *,
    school: School | str,
    actor: Actor,
    clock: Clock | None = None,
    verifier: Verifier | None = None,
) -> Correction:
    """The signed packet of the approved version supersedes the locked one."""
    return correcting.issue(
        correction_id,
        data,
        school=lookups.school(school),
        actor=actor,
        verifier=verifier or InProcessVerifier(),
        at=now(clock),
    )


# --- the ledger (public: hashes and opaque identifiers only) --------------------


def latest_ledger_checkpoint() -> str | None:
    """The latest signed checkpoint (c2sp.org/tlog-checkpoint), or None if empty."""
    row = latest_checkpoint()
    return row.note if row else None


def ledger_entries(start: int, end: int) -> list[bytes]:
    """The canonical bytes of entries [start, end)."""
    return [e.to_bytes() for e in reading_ledger().entries(start, end)]


def inclusion_proof(index: int, size: int) -> list[bytes]:
    """The RFC 6962 §2.1.1 audit path of entry ``index`` in the tree of ``size``."""
    return reading_ledger().inclusion_proof(index, size)


def consistency_proof(size1: int, size2: int) -> list[bytes]:
    """The RFC 6962 §2.1.2 proof that tree ``size2`` extends tree ``size1``."""
    return reading_ledger().consistency_proof(size1, size2)


def ledger_verifier_key() -> str:
    """The verifier key of the checkpoints (c2sp.org/signed-note)."""
    return _verifier_key().to_string()
