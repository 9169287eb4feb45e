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

import functools
import itertools

from django.db import DEFAULT_DB_ALIAS
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from hocbaso.packet import RecordSnapshot
from hocbaso.prepared import PreparedQuery
from hocbaso.records.models import (
    School,
    SchoolClass,
    SchoolYear,
    Transcript,
    YearlyRecord,
    is_in_pilot,
)
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
    "school_class_id",
    "school_year_id",
)
_YEAR_READ = tuple(f.attname for f in SchoolYear._meta.concrete_fields)
# Codes and years are read in slices of at most this many, each slice padded (its
# first value repeated) to the next power of two: a handful of queries compiled
# once per process answers packages of any size, within SQLite's parameters.
_SLICE = 256


def find_records(
    snapshots: list[RecordSnapshot],
) -> dict[tuple[str, str], tuple[Transcript | None, YearlyRecord | None]]:
    """(lookup code, school year) → the transcript and its record of that year.

    One query for a whole package whose records all exist (the transcripts with
    their records); the codes it did not find are then looked up alone, so a code
    with no transcript maps to (None, None), one with no record that year to
    (transcript, None). Each query is compiled once per process
    (hocbaso/prepared.py) and the instances are built from its plain rows: building
    the querysets cost more than running them (docs/scaling.md, "Storing a record").
    """
    codes = sorted({s.lookup_code for s in snapshots})
    years = sorted({s.school_year for s in snapshots})
    built: dict[tuple[type, int], Model] = {}
    transcripts: dict[str, Transcript] = {}
    records: dict[tuple[str, str], YearlyRecord] = {}
    # Ordered by version: a record corrected after the lock is read as its latest.
    for row in _sliced(_records_query, codes, years):
        transcript = _transcript(row, "transcript__", built)
        transcripts[transcript.lookup_code] = transcript
        records[(transcript.lookup_code, row["school_year__name"])] = _record(
            row, built
        )
    alone = [code for code in codes if code not in transcripts]
    for row in _sliced(_transcripts_query, alone):
        transcripts[row["lookup_code"]] = _transcript(row, "", built)
    return {
        (s.lookup_code, s.school_year): (
            transcripts.get(s.lookup_code),
            records.get((s.lookup_code, s.school_year)),
        )
        for s in snapshots
    }


def _sliced(query, *lists: list[str]) -> list[dict]:
    """The rows of query(sizes) for every slice of each list, padded."""
    if not all(lists):
        return []
    rows: list[dict] = []
    for slices in itertools.product(*(_slices(values) for values in lists)):
        sizes = tuple(len(part) for part in slices)
        rows += query(*sizes)(*itertools.chain.from_iterable(slices))
    return rows


def _slices(values: list[str]) -> list[list[str]]:
    parts = [values[i : i + _SLICE] for i in range(0, len(values), _SLICE)]
    padded = []
    for part in parts:
        size = 1 << (len(part) - 1).bit_length()
        padded.append(part + [part[0]] * (size - len(part)))
    return padded


@functools.cache
def _records_query(codes: int, years: int) -> PreparedQuery:
    def build(*values: str) -> QuerySet:
        return (
            YearlyRecord.objects.filter(
                transcript__lookup_code__in=values[:codes],
                school_year__name__in=values[codes:],
            )
            .order_by("version")
            .values(
                *_RECORD_READ,
                *(f"transcript__{name}" for name in _TRANSCRIPT_READ),
                "school__code",
                "school_class__name",
                *(f"school_year__{name}" for name in _YEAR_READ),
            )
        )

    return PreparedQuery(build, *(str,) * (codes + years))


@functools.cache
def _transcripts_query(codes: int) -> PreparedQuery:
    return PreparedQuery(
        lambda *values: (
            Transcript.objects.filter(lookup_code__in=values)
            .order_by()
            .values(*_TRANSCRIPT_READ)
        ),
        *(str,) * codes,
    )


def _built(model: type[Model], values: dict, built: dict) -> Model:
    """One instance per row of each model, as the ORM builds it (from_db)."""
    key = (model, values["id"])
    if key not in built:
        names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
        built[key] = model.from_db(
            DEFAULT_DB_ALIAS, names, [values[name] for name in names]
        )
    return built[key]


def _transcript(row: dict, prefix: str, built: dict) -> Transcript:
    values = {name: row[prefix + name] for name in _TRANSCRIPT_READ}
    return _built(Transcript, values, built)


def _record(row: dict, built: dict) -> YearlyRecord:
    """The record with its school, class and school year, as select_related
    would fill them."""
    record = _built(YearlyRecord, {name: row[name] for name in _RECORD_READ}, built)
    related = {
        "school": (School, {"id": row["school_id"], "code": row["school__code"]}),
        "school_class": (
            SchoolClass,
            {"id": row["school_class_id"], "name": row["school_class__name"]},
        ),
        "school_year": (
            SchoolYear,
            {name: row[f"school_year__{name}"] for name in _YEAR_READ},
        ),
    }
    for name, (model, values) in related.items():
        field = YearlyRecord._meta.get_field(name)
        field.set_cached_value(record, _built(model, values, built))
    return record


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
