"""Submissions through the registry's operations: submitting and replacing a
packet or a class package, answering and polling its receipt, revoking a record's
submission, and reading a submission back (docs/registry.md, "Submitting: the
receipt, then the results" and "Revocation and replacement (R12, R19)").

Reached through ``hocbaso.registry.actions``, the registry's public entry.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from hocbaso.packet import RecordSnapshot, parse_packet
from hocbaso.records.models import School
from hocbaso.registry import (
    lookups,
    processing,
    receiving,
    revoking,
)
from hocbaso.registry.actors import Actor, may_see
from hocbaso.registry.clock import Clock, now
from hocbaso.registry.errors import (
    NotFoundError,
    ReasonRequiredError,
)
from hocbaso.registry.models import (
    Blob,
    Operation,
    Receipt,
    Submission,
)
from hocbaso.registry.results import ReceiptView, SubmissionView
from hocbaso.registry.verification import InProcessVerifier, Verifier


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
