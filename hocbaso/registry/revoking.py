"""Revoking the current submission of a record before the lock (R12, R19).

Only the school that manages the transcript revokes, with a reason, while the
record's round is open; the submission is kept, withdrawn, and the revocation goes
into the ledger in the same transaction.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hocbaso.records.models import RecordStatus, School, YearlyRecord
from hocbaso.registry.actors import Actor, check_school
from hocbaso.registry.auditing import record as audit
from hocbaso.registry.codes import EventType
from hocbaso.registry.entries import revocation_entry
from hocbaso.registry.errors import (
    DeadlinePassedError,
    NotAllowedError,
    NotFoundError,
    ReasonRequiredError,
    RoundLockedError,
    SubmissionStateError,
)
from hocbaso.registry.ledger_log import ledger_session
from hocbaso.registry.models import Submission
from hocbaso.registry.rounds import lock_deadline, school_lock


def revoke(
    submission_id: str, *, school: School, actor: Actor, reason: str, at: datetime
) -> Submission:
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequiredError(_("A revocation needs a reason."))
    check_school(actor, school, timezone.localdate(at))
    with transaction.atomic():
        with ledger_session(at) as ledger:
            submission = _locked_submission(submission_id, school)
            refuse_after_lock(submission, at)
            index = ledger.append(
                revocation_entry(
                    record_id=submission.record_id,
                    public_id=submission.public_id,
                    packet_sha256=submission.blob_id,
                    withdrawn_at=at,
                    reason=reason,
                )
            )
            submission.state = Submission.State.REVOKED
            submission.withdrawn_at = at
            submission.withdraw_reason = reason
            submission.withdraw_ledger_index = index
            submission.save(
                update_fields=[
                    "state",
                    "withdrawn_at",
                    "withdraw_reason",
                    "withdraw_ledger_index",
                ]
            )
            YearlyRecord.objects.filter(
                pk=submission.record_id, status=RecordStatus.SUBMITTED
            ).update(status=RecordStatus.ISSUED)
            audit(
                EventType.RECORD_REVOKE,
                actor,
                at,
                object_type="submission",
                object_id=submission.public_id,
                school_id=school.pk,
                detail={"ledger_index": index},
            )
    return submission


def _locked_submission(submission_id: str, school: School) -> Submission:
    submission = (
        Submission.objects.select_for_update()
        .select_related("record__transcript", "school_year")
        .filter(public_id=submission_id)
        .first()
    )
    if submission is None or school.pk not in (
        submission.school_id,
        submission.record.transcript.school_id,
    ):
        raise NotFoundError(
            _("There is no submission %(id)s of this school.") % {"id": submission_id}
        )
    if submission.record.transcript.school_id != school.pk:
        raise NotAllowedError(
            _(
                "The transcript is now managed by another school, which alone may "
                "revoke its records."
            )
        )
    return submission


def refuse_after_lock(submission: Submission, at: datetime) -> None:
    """RoundLockedError, DeadlinePassedError or SubmissionStateError, else nothing."""
    if submission.locked_at is not None or school_lock(
        submission.record_school_id, submission.school_year_id, submission.round
    ):
        raise RoundLockedError(
            _("The record is locked: it is effective and can no longer change.")
        )
    if at >= lock_deadline(submission.school_year, submission.round):
        raise DeadlinePassedError(_("The deadline of the record's round has passed."))
    if submission.state != Submission.State.ACCEPTED:
        raise SubmissionStateError(
            _("Submission %(id)s is no longer current (%(state)s).")
            % {"id": submission.public_id, "state": submission.get_state_display()}
        )
