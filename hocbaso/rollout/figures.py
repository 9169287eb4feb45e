"""The rollout's figures, counted in the database (R20, domain.md §7).

For a set of schools, one school year and one round, grouped by school or by
class:

- ``students``: students enrolled in pilot-grade classes (transfers out left
  out: they are counted where they went);
- ``records``: yearly records made in pilot grades, ``unrecorded`` the students
  in scope with no record of the year yet, and ``unassigned`` the records whose
  results do not yet place them in a round;
- for the round (``in_round``: records the round should receive, as the
  registry counts them): signed by the ``teachers`` (the homeroom teacher signs
  last of them), by the ``principal`` (or the deputy), ``sealed``; then in the
  registry ``submitted`` (at least once), ``accepted`` (a current submission),
  ``locked`` and ``missing`` (no current submission).

Every figure is an aggregate query grouped by school or class: a page costs a
handful of queries whatever the number of records.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, fields

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hocbaso.records.models import (
    Appointment,
    Certificate,
    Enrollment,
    Role,
    School,
    SchoolYear,
    SignatureStep,
    SignerRole,
    YearlyRecord,
)
from hocbaso.registry.models import Submission

# [decision] Staff "in post" for signing readiness (R20): the people who sign a
# record. Clerks prepare and submit but never sign.
SIGNING_ROLES = (
    Role.HOMEROOM_TEACHER,
    Role.SUBJECT_TEACHER,
    Role.PRINCIPAL,
    Role.DEPUTY_PRINCIPAL,
)


@dataclass(frozen=True)
class Figures:
    """The rollout's counts for one school, class, unit or the total."""

    students: int = 0
    records: int = 0
    unrecorded: int = 0
    unassigned: int = 0
    in_round: int = 0
    teachers: int = 0
    principal: int = 0
    sealed: int = 0
    submitted: int = 0
    accepted: int = 0
    locked: int = 0
    missing: int = 0

    def __add__(self, other: Figures) -> Figures:
        return Figures(
            **{f.name: getattr(self, f.name) + getattr(other, f.name) for f in FIELDS}
        )

    @property
    def to_send(self) -> int:
        """Every record the round may still have to carry, not only those in it.

        A record not yet in a round, and a student with no record yet, may end
        in either round; a progress shown against ``in_round`` alone would read
        "38/38 · 100%" while most of the school's records are still unplaced.
        """
        return self.in_round + self.unassigned + self.unrecorded

    def values(self) -> list[int]:
        """The figures in the order of ``FIELDS`` (a table row)."""
        return [getattr(self, f.name) for f in fields(self)]

    def cells(self) -> list[tuple[str, int]]:
        """(name, figure) pairs in the order of ``FIELDS``."""
        return [(f.name, getattr(self, f.name)) for f in fields(self)]


FIELDS = fields(Figures)
# The figures of the year, the same in both rounds (the others belong to a round).
YEAR_FIELDS = ("students", "records", "unrecorded", "unassigned")

# Column headings, in the order of the tables and the spreadsheets.
LABELS = {
    "students": _("Students in scope"),
    "records": _("Records made"),
    "unrecorded": _("Students without a record"),
    "unassigned": _("Not yet in a round"),
    "in_round": _("Records of the round"),
    "teachers": _("Signed by teachers"),
    "principal": _("Signed by the principal"),
    "sealed": _("Sealed"),
    "submitted": _("Submitted"),
    "accepted": _("Accepted"),
    "locked": _("Locked"),
    "missing": _("Missing"),
}


def total(figures: Iterable[Figures]) -> Figures:
    result = Figures()
    for item in figures:
        result = result + item
    return result


@dataclass(frozen=True)
class Readiness:
    """Signing staff in post and how many hold a valid registered certificate."""

    staff: int = 0
    certified: int = 0
    seal: bool = False

    def __add__(self, other: Readiness) -> Readiness:
        return Readiness(
            self.staff + other.staff,
            self.certified + other.certified,
            self.seal and other.seal,
        )


def pilot_grades() -> list[int]:
    return sorted(settings.HOCBASO_PILOT_GRADES)


ROUNDS = ("main", "supplementary")

# (group id, round) → {figure name: count}
_Counts = dict[tuple[int, str], dict[str, int]]


def record_figures(
    schools: QuerySet[School], year: SchoolYear, round_name: str, by: str
) -> dict[int, Figures]:
    """Figures of one round per ``by`` (``"school"`` or ``"school_class"``)."""
    return figures_by_round(schools, year, by)[round_name]


def figures_by_round(
    schools: QuerySet[School], year: SchoolYear, by: str
) -> dict[str, dict[int, Figures]]:
    """Figures of both rounds per ``by`` (``"school"`` or ``"school_class"``).

    Four grouped queries whatever the size: the records, their signature steps,
    their submissions and the students enrolled, each grouped by school or class
    and by the record's round. Each joins from the child table to the records
    through indexed foreign keys: never a subquery per record.
    """
    records = YearlyRecord.objects.filter(
        school__in=schools, school_year=year, grade__in=pilot_grades()
    )
    counts: _Counts = {}
    made: dict[int, dict[str, int]] = {}
    # A record corrected after the lock and its locked original are one pupil-year
    # (docs/registry.md, "Correction after the lock"): count transcripts, not rows.
    pupils = Count("transcript", distinct=True)
    for row in records.values(by, "round").annotate(n=pupils).order_by():
        key = row[by]
        mine = made.setdefault(key, {"records": 0, "unassigned": 0})
        mine["records"] += row["n"]
        if row["round"]:
            counts.setdefault((key, row["round"]), {})["in_round"] = row["n"]
        else:
            mine["unassigned"] += row["n"]
    of_records = {
        "record__school__in": schools,
        "record__school_year": year,
        "record__grade__in": pilot_grades(),
    }
    for key, row in _step_counts(of_records, by).items():
        counts.setdefault(key, {}).update(row)
    for key, row in _submission_counts(of_records, by).items():
        counts.setdefault(key, {}).update(row)
    students = _student_counts(schools, year, by)
    keys = sorted(set(made) | set(students))
    return {
        round_name: {
            key: _figures(
                {**made.get(key, {}), **counts.get((key, round_name), {})},
                students.get(key, {}),
            )
            for key in keys
        }
        for round_name in ROUNDS
    }


STEP_FIGURES = {
    SignerRole.HOMEROOM_TEACHER: "teachers",
    SignerRole.LEADER: "principal",
    SignerRole.SEAL: "sealed",
}


def _step_counts(of_records: dict, by: str) -> _Counts:
    """Records signed at each stage, per group and round."""
    group = f"record__{by}"
    rows = (
        SignatureStep.objects.filter(role__in=list(STEP_FIGURES), **of_records)
        .exclude(record__round="")
        .values(group, "record__round", "role")
        .annotate(n=Count("record__transcript", distinct=True))
        .order_by()
    )
    out: _Counts = {}
    for row in rows:
        key = (row[group], row["record__round"])
        out.setdefault(key, {})[STEP_FIGURES[row["role"]]] = row["n"]
    return out


def _submission_counts(of_records: dict, by: str) -> _Counts:
    """Records submitted (ever), accepted (current) and locked, per group and round."""
    group = f"record__{by}"
    current = Q(state=Submission.State.ACCEPTED)
    rows = (
        Submission.objects.filter(**of_records)
        .exclude(record__round="")
        .values(group, "record__round")
        .annotate(
            # Per pupil-year: a corrected version's submission and the locked
            # original's (which stays accepted) count once.
            submitted=Count("record__transcript", distinct=True),
            accepted=Count("record__transcript", distinct=True, filter=current),
            locked=Count(
                "record__transcript",
                distinct=True,
                filter=current & Q(locked_at__isnull=False),
            ),
        )
        .order_by()
    )
    return {(row.pop(group), row.pop("record__round")): row for row in rows}


def _figures(row: dict, students: dict[str, int]) -> Figures:
    counts = {f.name: row.get(f.name, 0) for f in FIELDS}
    counts.update(students, missing=counts["in_round"] - counts["accepted"])
    return Figures(**counts)


def _student_counts(
    schools: QuerySet[School], year: SchoolYear, by: str
) -> dict[int, dict[str, int]]:
    """Students enrolled per group, and those with no record of the year anywhere."""
    path = {"school": "school_class__school", "school_class": "school_class"}[by]
    recorded = YearlyRecord.objects.filter(
        transcript__student=OuterRef("student"), school_year=year
    )
    rows = (
        Enrollment.objects.filter(
            school_class__school__in=schools,
            school_class__school_year=year,
            school_class__grade__in=pilot_grades(),
        )
        .exclude(kind=Enrollment.Kind.TRANSFERRED_OUT)
        .values(path)
        .annotate(
            n=Count("student", distinct=True),
            unrecorded=Count("student", distinct=True, filter=~Exists(recorded)),
        )
        .order_by()
    )
    return {
        row[path]: {"students": row["n"], "unrecorded": row["unrecorded"]}
        for row in rows
    }


def readiness(
    schools: QuerySet[School], year: SchoolYear, on: dt.datetime | None = None
) -> dict[int, Readiness]:
    """Per school: signing staff in post, those with a certificate valid at ``on``."""
    on = on or timezone.now()
    valid = Certificate.objects.filter(not_before__lte=on, not_after__gt=on)
    rows = (
        Appointment.objects.filter(
            school__in=schools, school_year=year, role__in=SIGNING_ROLES
        )
        .values("school")
        .annotate(
            staff=Count("person", distinct=True),
            certified=Count(
                "person",
                distinct=True,
                filter=Q(Exists(valid.filter(person=OuterRef("person")))),
            ),
        )
        .order_by()
    )
    sealed = set(
        valid.filter(school__in=schools)
        .order_by()
        .values_list("school", flat=True)
        .distinct()
    )
    found = {
        row["school"]: Readiness(
            row["staff"], row["certified"], row["school"] in sealed
        )
        for row in rows
    }
    for school_id in schools.values_list("pk", flat=True):
        found.setdefault(school_id, Readiness(seal=school_id in sealed))
    return found
