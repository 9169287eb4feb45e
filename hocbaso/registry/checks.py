"""The checks of one packet, each failure a Problem; every one that applies is
reported at once (docs/registry.md).

1. signatures (``signature_problems``): the verdict of hocbaso.signing, one problem
   per failed check: the schema, integrity and chain, the signer's role, completeness;
2. identity (``identity_problems``): the lookup code names a transcript with a
   record for that school year; the packet's grade, school and class are the
   record's; the submitting school manages the transcript (R14, R19); the grade is in
   the pilot;
3. state (``state_problems``, under the ledger lock): the record's round is open
   (not locked, deadline not passed), and the operation fits the current submission.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from hocbaso.packet import RecordSnapshot
from hocbaso.records.models import Transcript, YearlyRecord, is_in_pilot
from hocbaso.registry.codes import Problem, RecordCode
from hocbaso.registry.models import Operation, Submission
from hocbaso.signing import Check, VerificationResult, in_language

_BY_CHECK = {
    "schema": RecordCode.PACKET_SCHEMA,
    "role_binding": RecordCode.SIGNER_ROLE,
    "complete": RecordCode.SIGNATURES_INCOMPLETE,
}


def signature_problems(result: VerificationResult) -> list[Problem]:
    """One problem per failed check of the verification."""
    return [_problem_of(check) for check in result.failures]


def _problem_of(check: Check) -> Problem:
    code = _BY_CHECK.get(check.name)
    if code is None:
        code = (
            RecordCode.SIGNATURE_INDETERMINATE
            if check.indeterminate
            else RecordCode.SIGNATURE_INVALID
        )
    where = f"{check.signature_id}: " if check.signature_id else ""
    return Problem(code.value, f"{where}{in_language(check.reason, _)}")


# What checking a packet against the registry reads of its transcript and record
# (identity_problems, then processing's state checks and storing): a package reads
# them for every record it holds, so nothing else is loaded. The packet carries its
# own copy of the content, signed. The school year is read whole (a few dates: the
# deadlines).
_TRANSCRIPT_READ = ("id", "lookup_code", "school_id")
_RECORD_READ = (
    "id",
    "transcript_id",
    "grade",
    "round",
    "status",
    "school_id",
    "school__code",
    "school_class_id",
    "school_class__name",
    "school_year",
)


def find_records(
    snapshots: list[RecordSnapshot],
) -> dict[tuple[str, str], tuple[Transcript | None, YearlyRecord | None]]:
    """(lookup code, school year) → the transcript and its record of that year.

    Two queries for a whole package; a code with no transcript maps to (None, None).
    """
    codes = {s.lookup_code for s in snapshots}
    transcripts = {
        t.lookup_code: t
        for t in Transcript.objects.filter(lookup_code__in=codes)
        .only(*_TRANSCRIPT_READ)
        .order_by()
    }
    records = {
        (r.transcript_id, r.school_year.name): r
        for r in YearlyRecord.objects.select_related(
            "school", "school_class", "school_year"
        )
        .only(*_RECORD_READ)
        .filter(
            transcript__in=transcripts.values(),
            school_year__name__in={s.school_year for s in snapshots},
        )
        .order_by("version")  # a record corrected after the lock: its latest version
    }
    found = {}
    for s in snapshots:
        transcript = transcripts.get(s.lookup_code)
        record = records.get((transcript.pk, s.school_year)) if transcript else None
        found[(s.lookup_code, s.school_year)] = (transcript, record)
    return found


def identity_problems(
    snapshot: RecordSnapshot,
    transcript: Transcript | None,
    record: YearlyRecord | None,
    school_id: int,
) -> list[Problem]:
    """Whether the packet is the registry's record of a student of this school."""
    problems = []
    if transcript is None:
        problems.append(
            Problem(
                RecordCode.RECORD_UNKNOWN.value,
                _("No transcript has the lookup code this packet carries."),
            )
        )
    elif record is None:
        problems.append(
            Problem(
                RecordCode.RECORD_UNKNOWN.value,
                _("The transcript has no record for school year %(year)s.")
                % {"year": snapshot.school_year},
            )
        )
    else:
        problems += _mismatches(snapshot, record)
    if transcript is not None and transcript.school_id != school_id:
        problems.append(
            Problem(
                RecordCode.NOT_OWN_STUDENT.value,
                _("The student's transcript is managed by another school."),
            )
        )
    if not is_in_pilot(snapshot.grade):
        problems.append(
            Problem(
                RecordCode.GRADE_NOT_IN_PILOT.value,
                _("Grade %(grade)s is not in the digital transcript pilot.")
                % {"grade": snapshot.grade},
            )
        )
    return problems


def _mismatches(snapshot: RecordSnapshot, record: YearlyRecord) -> list[Problem]:
    pairs = [
        (_("grade"), snapshot.grade, record.grade),
        (_("school"), snapshot.school.code, record.school.code),
        (_("class"), snapshot.class_name, record.school_class.name),
    ]
    problems = [
        Problem(
            RecordCode.RECORD_MISMATCH.value,
            _("The packet's %(field)s is %(packet)s; the record's is %(record)s.")
            % {"field": field, "packet": packet, "record": held},
        )
        for field, packet, held in pairs
        if packet != held
    ]
    if not record.round:
        problems.append(
            Problem(
                RecordCode.RECORD_MISMATCH.value,
                _("The record's results have not been computed."),
            )
        )
    return problems


def round_problems(locked: bool, deadline_passed: bool) -> list[Problem]:
    problems = []
    if locked:
        problems.append(
            Problem(
                RecordCode.ROUND_LOCKED.value,
                _("The record's round is locked: it can no longer change."),
            )
        )
    if deadline_passed:
        problems.append(
            Problem(
                RecordCode.DEADLINE_PASSED.value,
                _("The deadline of the record's round has passed."),
            )
        )
    return problems


def operation_problems(
    operation: str, current: Submission | None, same_bytes: Submission | None
) -> list[Problem]:
    """Whether a submit or replace fits the record's current submission."""
    if same_bytes is not None and same_bytes.state != Submission.State.ACCEPTED:
        return [
            Problem(
                RecordCode.PACKET_WITHDRAWN.value,
                _("This packet was revoked or replaced; sign a new one."),
            )
        ]
    if operation == Operation.SUBMIT and current is not None:
        return [
            Problem(
                RecordCode.ALREADY_SUBMITTED.value,
                _("The record already has a current submission; send a replacement."),
            )
        ]
    if operation == Operation.REPLACE and current is None:
        return [
            Problem(
                RecordCode.NOTHING_TO_REPLACE.value,
                _("The record has no current submission to replace."),
            )
        ]
    return []


def duplicate_in_package() -> Problem:
    return Problem(
        RecordCode.DUPLICATE_IN_PACKAGE.value,
        _("The package holds another packet of the same record."),
    )
