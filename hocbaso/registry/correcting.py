"""Correction after the lock, by the legal procedure (docs/registry.md,
"Correction after the lock"; the decision of who approves: docs/decisions.md).

A locked record is never edited (R11). The school that manages the transcript
requests a correction with its reason and evidence; the competent level
(``HOCBASO_CORRECTION_APPROVER``: the department, or the management unit of the
school) approves it with a decision (number, date, who) or refuses it. Approval
makes the record's next version, a draft yearly record (hocbaso.records.versions)
that goes through the usual review, signatures and seal; the school then sends its
packet with ``issue``, and the registry accepts it as a new submission that
supersedes the locked one (``record:correct``). The locked record and submission
rows stay as they are. Each step is one transaction with its ledger entry and its
audit row; a refused step writes nothing.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hocbaso.records.models import School, YearlyRecord
from hocbaso.records.versions import CORRECTABLE_IDENTITY, new_version
from hocbaso.registry import checks, ids
from hocbaso.registry.actors import Actor, check_department, check_school, check_unit
from hocbaso.registry.auditing import record as audit
from hocbaso.registry.codes import EventType
from hocbaso.registry.entries import (
    correction_decision_entry,
    correction_issue_entry,
    correction_request_entry,
    sha256_hex,
)
from hocbaso.registry.errors import NotAllowedError, NotFoundError, RegistryError
from hocbaso.registry.ledger_log import ledger_session
from hocbaso.registry.models import Blob, Correction, Operation, Receipt, Submission
from hocbaso.registry.verification import Verifier

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
APPROVERS = ("department", "unit")


class CorrectionError(RegistryError):
    """The request, the decision or the corrected version is refused."""

    code = "CORRECTION_REFUSED"
    status = 409


def approver() -> str:
    """``HOCBASO_CORRECTION_APPROVER``: who decides (checked at start-up too)."""
    value = getattr(settings, "HOCBASO_CORRECTION_APPROVER", "department")
    if value not in APPROVERS:
        raise CorrectionError(_("The correction approver is not configured."))
    return value


# --- the request ------------------------------------------------------------------


def request(
    submission_id: str,
    *,
    school: School,
    actor: Actor,
    reason: str,
    evidence: bytes,
    evidence_name: str,
    identity: dict[str, str] | None,
    at: dt.datetime,
) -> Correction:
    reason, identity = (reason or "").strip(), _checked_identity(identity or {})
    if not reason:
        raise CorrectionError(_("A correction request needs its reason."))
    _check_evidence(evidence, evidence_name)
    check_school(actor, school, timezone.localdate(at))
    digest = sha256_hex(evidence)
    with transaction.atomic(), ledger_session(at) as ledger:
        locked = _locked_submission(submission_id, school)
        Blob.objects.get_or_create(
            sha256=digest,
            defaults={"data": evidence, "size": len(evidence), "stored_at": at},
        )
        row = Correction(
            public_id=ids.new_correction_id(),
            record_id=locked.record_id,
            locked=locked,
            school=school,
            state=Correction.State.REQUESTED,
            reason=reason,
            identity=identity,
            evidence_id=digest,
            evidence_name=evidence_name.strip()[:200],
            requested_at=at,
            requested_by=actor.user,
            requested_label=actor.label,
        )
        row.request_ledger_index = ledger.append(
            correction_request_entry(
                record_id=locked.record_id,
                public_id=row.public_id,
                evidence_sha256=digest,
                locked_sha256=locked.blob_id,
                reason=reason,
                at=at,
            )
        )
        row.save()
        _audit(EventType.CORRECTION_REQUEST, actor, at, row)
    return row


def _check_evidence(evidence: bytes, name: str) -> None:
    if not evidence or not (name or "").strip():
        raise CorrectionError(
            _("A correction request needs its evidence: attach the file.")
        )
    if len(evidence) > MAX_EVIDENCE_BYTES:
        raise CorrectionError(
            _("The evidence file is %(size)s bytes; at most %(max)s are taken.")
            % {"size": len(evidence), "max": MAX_EVIDENCE_BYTES}
        )


def _checked_identity(identity: dict[str, str]) -> dict[str, str]:
    unknown = sorted(set(identity) - set(CORRECTABLE_IDENTITY))
    if unknown:
        raise CorrectionError(
            _("%(fields)s is not an identity field a correction may change.")
            % {"fields": ", ".join(unknown)}
        )
    cleaned = {k: str(v).strip() for k, v in identity.items()}
    empty = sorted(k for k, v in cleaned.items() if not v)
    if empty:
        raise CorrectionError(
            _("The corrected %(fields)s is empty.") % {"fields": ", ".join(empty)}
        )
    if "date_of_birth" in cleaned:
        try:
            dt.date.fromisoformat(cleaned["date_of_birth"])
        except ValueError:
            raise CorrectionError(
                _("The corrected date of birth %(value)s is not a date.")
                % {"value": cleaned["date_of_birth"]}
            ) from None
    return cleaned


def _locked_submission(submission_id: str, school: School) -> Submission:
    found = (
        Submission.objects.select_related("record__transcript")
        .filter(public_id=submission_id)
        .first()
    )
    if found is None or found.record.transcript.school_id != school.pk:
        raise NotFoundError(
            _("There is no submission %(id)s of this school.") % {"id": submission_id}
        )
    if found.locked_at is None or found.state != Submission.State.ACCEPTED:
        raise CorrectionError(
            _(
                "Submission %(id)s is not a locked current record: before the lock "
                "a record is corrected by a replacement."
            )
            % {"id": submission_id}
        )
    if Correction.objects.filter(locked=found).exclude(state="refused").exists():
        raise CorrectionError(
            _("Submission %(id)s already has a correction under way or issued.")
            % {"id": submission_id}
        )
    return found


# --- the decision --------------------------------------------------------------------


def check_approver(actor: Actor, school: School, on_date: dt.date) -> None:
    """Only the competent level decides; never the school itself."""
    if actor.school is not None:
        raise NotAllowedError(_("A school may not decide its own correction."))
    if approver() == "department":
        check_department(actor, school.department, on_date)
        return
    unit = school.unit_on(on_date)
    if unit is None:
        raise NotAllowedError(
            _("%(school)s has no management unit to decide its correction.")
            % {"school": school.name}
        )
    check_unit(actor, unit, on_date)


def decide(
    correction_id: str,
    *,
    actor: Actor,
    approve: bool,
    number: str = "",
    date: dt.date | None = None,
    signer: str = "",
    reason: str = "",
    at: dt.datetime,
) -> Correction:
    number, signer, reason = number.strip(), signer.strip(), reason.strip()
    _check_decision(approve, number, date, signer, reason, at)
    with transaction.atomic(), ledger_session(at) as ledger:
        row = _open_correction(correction_id, Correction.State.REQUESTED)
        check_approver(actor, row.school, timezone.localdate(at))
        row.state = Correction.State.APPROVED if approve else Correction.State.REFUSED
        row.decision_number, row.decision_date = number, date
        row.decision_signer, row.refusal_reason = signer, reason
        row.decided_at, row.decided_by, row.decided_label = at, actor.user, actor.label
        row.decision_ledger_index = ledger.append(decision_entry(row))
        if approve:
            row.version = new_version(row.record, row.identity)
        row.save()
        _audit(EventType.CORRECTION_DECIDE, actor, at, row)
    return row


def decision_entry(row: Correction):
    """The decide entry, as appended and as ``ledger verify`` rebuilds it."""
    return correction_decision_entry(
        record_id=row.record_id,
        public_id=row.public_id,
        approved=row.state != Correction.State.REFUSED,
        decision=decision_text(row),
        at=row.decided_at,
    )


def decision_text(row: Correction) -> tuple[str, ...]:
    date = row.decision_date.isoformat() if row.decision_date else ""
    return (row.decision_number, date, row.decision_signer, row.refusal_reason)


def _check_decision(approve, number, date, signer, reason, at) -> None:
    if approve and not (number and date and signer):
        raise CorrectionError(
            _("An approval needs the decision's number, date and signer.")
        )
    if approve and date > timezone.localdate(at):
        raise CorrectionError(
            _("The decision's date %(date)s is in the future.") % {"date": date}
        )
    if not approve and not reason:
        raise CorrectionError(_("A refusal needs its reason."))


def _open_correction(correction_id: str, state: str) -> Correction:
    row = (
        Correction.objects.select_for_update()
        .select_related("school__department", "record", "locked")
        .filter(public_id=correction_id)
        .first()
    )
    if row is None:
        raise NotFoundError(_("There is no correction %(id)s.") % {"id": correction_id})
    if row.state != state:
        raise CorrectionError(
            _("Correction %(id)s is %(state)s.")
            % {"id": correction_id, "state": row.get_state_display()}
        )
    return row


# --- the corrected version, issued ------------------------------------------------


def issue(
    correction_id: str,
    data: bytes,
    *,
    school: School,
    actor: Actor,
    verifier: Verifier,
    at: dt.datetime,
) -> Correction:
    """Accept the signed packet of the approved version; it supersedes the locked
    submission. Verified like any packet (signatures, roles, the record's data)."""
    check_school(actor, school, timezone.localdate(at))
    data = bytes(data)
    result = verifier.verify([data], at)[0]
    problems = checks.signature_problems(result)
    with transaction.atomic(), ledger_session(at) as ledger:
        row = _open_correction(correction_id, Correction.State.APPROVED)
        if row.school_id != school.pk:
            raise NotFoundError(
                _("There is no correction %(id)s.") % {"id": correction_id}
            )
        problems += _version_problems(result.snapshot, row.version, school)
        _check_sealed(row.version, data)
        if problems:
            raise CorrectionError(
                _("The corrected version is refused: %(problems)s")
                % {"problems": " ".join(p.message for p in problems)},
                code=problems[0].code,
            )
        row.issued = _store(row, data, school, actor, ledger, at)
        row.state = Correction.State.ISSUED
        row.save(update_fields=["issued", "state"])
        _lock_version(row.version, at)
        _audit(EventType.RECORD_CORRECT, actor, at, row)
    return row


def _version_problems(snapshot, version: YearlyRecord, school: School) -> list:
    if snapshot is None:
        return []  # the signature problems say why
    transcript = version.transcript
    return checks.identity_problems(snapshot, transcript, version, school.pk)


def _check_sealed(version: YearlyRecord, data: bytes) -> None:
    """The packet must be the one sealed for the approved version: a packet of the
    original, or of any other content, is refused even when validly signed."""
    from hocbaso.records.models import RecordPacket

    sealed = RecordPacket.objects.filter(record=version).values_list("data", flat=True)
    stored = sealed.first()
    if stored is None or sha256_hex(bytes(stored)) != sha256_hex(data):
        raise CorrectionError(
            _(
                "The packet is not the one sealed for the approved corrected "
                "version: sign and seal that version, then send its packet."
            ),
            code="CORRECTION_VERSION_MISMATCH",
        )


def _store(row, data, school, actor, ledger, at) -> Submission:
    digest = sha256_hex(data)
    if Submission.objects.filter(blob_id=digest).exists():
        raise CorrectionError(_("These very bytes were submitted before."))
    Blob.objects.get_or_create(
        sha256=digest, defaults={"data": data, "size": len(data), "stored_at": at}
    )
    receipt = Receipt.objects.create(
        school=school,
        operation=Operation.CORRECT,
        kind=Receipt.Kind.PACKET,
        status=Receipt.Status.PROCESSED,
        blob_id=digest,
        reason=row.public_id,
        record_count=1,
        accepted_count=1,
        received_at=at,
        processed_at=at,
        actor_user=actor.user,
        actor_label=actor.label,
    )
    public_id = ids.new_submission_id()
    index = ledger.append(issue_entry(row, public_id, digest, at))
    version = row.version
    return Submission.objects.create(
        public_id=public_id,
        record=version,
        school=school,
        record_school_id=version.school_id,
        school_year_id=version.school_year_id,
        round=version.round,
        grade=version.grade,
        receipt=receipt,
        blob_id=digest,
        supersedes=row.locked,
        reason=row.reason,
        accepted_at=at,
        ledger_index=index,
        locked_at=at,  # issued after the lock: effective at once (record:correct)
    )


def issue_entry(row: Correction, submission_id: str, digest: str, at):
    return correction_issue_entry(
        record_id=row.record_id,
        submission_id=submission_id,
        correction_id=row.public_id,
        packet_sha256=digest,
        locked_sha256=row.locked.blob_id,
        at=at,
    )


def _lock_version(version: YearlyRecord, at: dt.datetime) -> None:
    # The version is final once issued, like a record at its round's lock
    # (hocbaso.registry.locking sets the same column in its transaction).
    from hocbaso.records.models import RecordStatus

    YearlyRecord.objects.filter(pk=version.pk).update(
        locked_at=at, status=RecordStatus.SUBMITTED
    )


def _audit(action: EventType, actor: Actor, at, row: Correction) -> None:
    audit(
        action,
        actor,
        at,
        object_type="correction",
        object_id=row.public_id,
        school_id=row.school_id,
        detail={"state": row.state, "record_id": row.record_id},
    )
