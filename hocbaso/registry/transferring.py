"""Transfer of a transcript's management to another school (R15, domain.md §7).

The receiving school requests (naming the student by the education-database
student code and the level), the sending school releases, the receiving school
acknowledges: from then ``Transcript.school`` is the receiving school, which manages
the transcript and signs its next records; records already signed stay as they are.
Each step is one transaction with its audit row and its ledger entry.

A **carry** is the same three steps for a student moving from primary to lower
secondary: a lower-secondary school asks for the student's primary transcript, and
at the acknowledgement it manages (and reads) the primary transcript, whose signed
records stay as they are. A carry needs the primary transcript complete: nothing of
it still awaiting the lock (a record the primary school could still replace or
revoke). The pilot signs no grade 5 (domain.md §1), so completion is read from the
registry's state, not from a grade-5 record. Its audit rows say ``kind: carry``.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from hocbaso.records.models import School, SchoolLevel, Transcript
from hocbaso.registry import ids
from hocbaso.registry.actors import Actor, check_school
from hocbaso.registry.auditing import record as audit
from hocbaso.registry.codes import EventType
from hocbaso.registry.entries import transfer_entry
from hocbaso.registry.errors import NotFoundError, TransferError
from hocbaso.registry.ledger_log import ledger_session
from hocbaso.registry.models import LedgerHead, Submission, Transfer

TRANSFER = "transfer"
CARRY = "carry"

_EVENTS = {
    "request": EventType.TRANSFER_REQUEST,
    "release": EventType.TRANSFER_RELEASE,
    "acknowledge": EventType.TRANSFER_ACKNOWLEDGE,
}


def request(
    *,
    student_code: str,
    level: str,
    to_school: School,
    actor: Actor,
    note: str,
    at: datetime,
) -> Transfer:
    """The receiving school's request, recorded; NotFoundError for an unknown
    student, TransferError for a transcript that cannot be asked for now."""
    check_school(actor, to_school, timezone.localdate(at))
    _refuse_level(level, to_school)
    with transaction.atomic():
        with ledger_session(at) as ledger:
            transcript = _transcript(student_code, level)
            _refuse_request(transcript, to_school)
            transfer = Transfer(
                transcript=transcript,
                from_school_id=transcript.school_id,
                to_school=to_school,
                state=Transfer.State.REQUESTED,
                note=note,
                requested_at=at,
                requested_by_id=actor.user_id,
                requested_label=actor.label,
            )
            transfer.request_index = _log(ledger, transfer, "request", at)
            transfer.save()
            _audit("request", actor, at, transfer, to_school)
    return transfer


def request_discreetly(
    *,
    student_code: str,
    level: str,
    to_school: School,
    actor: Actor,
    note: str,
    at: datetime,
) -> Transfer:
    """request() for a school's own software and staff, which must not learn which
    student codes exist in other schools before a release (domain.md §9): an
    unknown code, or a transcript that cannot be asked for now, is answered like a
    recorded request, and nothing is written. Either answer is an unsaved Transfer
    naming no sending school (its code blank): the id, the time, the note and the
    ledger index the request took or would have taken. The refusals that depend
    only on the asking school (its rights, its level, its own pupil) still raise.
    """
    try:
        recorded = request(
            student_code=student_code,
            level=level,
            to_school=to_school,
            actor=actor,
            note=note,
            at=at,
        )
        public_id, index = recorded.public_id, recorded.request_index
    except (NotFoundError, _PupilRefusalError):
        public_id, index = ids.new_transfer_id(), _next_index()
    return Transfer(
        public_id=public_id,
        from_school=School(code=""),
        to_school=to_school,
        state=Transfer.State.REQUESTED,
        note=note,
        requested_at=at,
        request_index=index,
    )


class _PupilRefusalError(TransferError):
    """A refusal whose reason tells something of another school's pupil."""


def _next_index() -> int:
    """The index a request's ledger entry would take now."""
    head = LedgerHead.objects.first()
    return head.size if head is not None else 0


def _refuse_level(level: str, to_school: School) -> None:
    if kind_of(level, to_school.level) is None:
        raise TransferError(_("Your school does not teach the transcript's level."))


def _level_in_text(level: str) -> str:
    """The level as it reads inside a sentence, translated (not "secondary")."""
    if level == SchoolLevel.PRIMARY:
        return pgettext("a ... transcript", "primary")
    if level == SchoolLevel.SECONDARY:
        return pgettext("a ... transcript", "lower secondary")
    return level


def _transcript(student_code: str, level: str) -> Transcript:
    transcript = (
        Transcript.objects.select_for_update()
        .filter(student__student_code=student_code, level=level)
        .first()
    )
    if transcript is None:
        raise NotFoundError(
            _("No %(level)s transcript belongs to student %(code)s.")
            % {"level": _level_in_text(level), "code": student_code}
        )
    return transcript


def kind_of(transcript_level: str, school_level: str) -> str | None:
    """``transfer`` within a level, ``carry`` from primary to lower secondary,
    None when a school of that level cannot take a transcript of this level."""
    if transcript_level == school_level:
        return TRANSFER
    if (transcript_level, school_level) == (SchoolLevel.PRIMARY, SchoolLevel.SECONDARY):
        return CARRY
    return None


def _refuse_request(transcript: Transcript, to_school: School) -> None:
    if transcript.school_id == to_school.pk:
        raise TransferError(_("Your school already manages this transcript."))
    kind = kind_of(transcript.level, to_school.level)
    if kind == CARRY and _awaiting_lock(transcript):
        raise _PupilRefusalError(
            _(
                "The primary transcript is not complete: %(n)s of its records still "
                "await the lock, so it cannot be carried to lower secondary yet."
            )
            % {"n": _awaiting_lock(transcript)}
        )
    open_states = [Transfer.State.REQUESTED, Transfer.State.RELEASED]
    if transcript.registry_transfers.filter(state__in=open_states).exists():
        raise _PupilRefusalError(
            _("A transfer of this transcript is already under way.")
        )


def _awaiting_lock(transcript: Transcript) -> int:
    return Submission.objects.filter(
        record__transcript=transcript,
        state=Submission.State.ACCEPTED,
        locked_at__isnull=True,
    ).count()


def release(transfer_id: str, *, school: School, actor: Actor, at: datetime):
    """The sending school lets the transcript go."""
    check_school(actor, school, timezone.localdate(at))
    with transaction.atomic():
        with ledger_session(at) as ledger:
            transfer = _step(
                transfer_id, school, "from_school", Transfer.State.REQUESTED
            )
            if transfer.transcript.school_id != school.pk:
                raise TransferError(_("Your school no longer manages this transcript."))
            transfer.state = Transfer.State.RELEASED
            transfer.released_at = at
            transfer.released_by_id = actor.user_id
            transfer.released_label = actor.label
            transfer.release_index = _log(ledger, transfer, "release", at)
            transfer.save()
            _audit("release", actor, at, transfer, school)
    return transfer


def acknowledge(transfer_id: str, *, school: School, actor: Actor, at: datetime):
    """The receiving school takes the transcript over."""
    check_school(actor, school, timezone.localdate(at))
    with transaction.atomic():
        with ledger_session(at) as ledger:
            transfer = _step(transfer_id, school, "to_school", Transfer.State.RELEASED)
            transfer.state = Transfer.State.ACKNOWLEDGED
            transfer.acknowledged_at = at
            transfer.acknowledged_by_id = actor.user_id
            transfer.acknowledged_label = actor.label
            transfer.acknowledge_index = _log(ledger, transfer, "acknowledge", at)
            transfer.save()
            Transcript.objects.filter(pk=transfer.transcript_id).update(school=school)
            _audit("acknowledge", actor, at, transfer, school)
    return transfer


def _step(transfer_id: str, school: School, side: str, expected: str) -> Transfer:
    transfer = (
        Transfer.objects.select_for_update()
        .select_related("transcript")
        .filter(public_id=transfer_id)
        .first()
    )
    if transfer is None or school.pk not in (
        transfer.from_school_id,
        transfer.to_school_id,
    ):
        raise NotFoundError(_("There is no transfer %(id)s.") % {"id": transfer_id})
    if getattr(transfer, f"{side}_id") != school.pk or transfer.state != expected:
        raise TransferError(
            _("Transfer %(id)s is %(state)s: this step is not yours to take now.")
            % {"id": transfer_id, "state": transfer.get_state_display()}
        )
    return transfer


def _log(ledger, transfer: Transfer, step: str, at: datetime) -> int:
    return ledger.append(
        transfer_entry(
            step=step,
            transcript_id=transfer.transcript_id,
            transfer_id=transfer.public_id,
            at=at,
        )
    )


def _audit(step: str, actor: Actor, at, transfer: Transfer, school: School) -> None:
    audit(
        _EVENTS[step],
        actor,
        at,
        object_type="transfer",
        object_id=transfer.public_id,
        school_id=school.pk,
        detail={
            "from": transfer.from_school_id and transfer.from_school.code,
            "to": transfer.to_school.code,
            "kind": kind_of(transfer.transcript.level, transfer.to_school.level),
        },
    )
