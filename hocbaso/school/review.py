"""What the school pages show of records: results, problems to fix, decisions to take.

Read-only helpers: a record's row on the class page, the counts per state of a school
by grade and class (with the registry's accepted and locked), and the difference
between a record's data and results before and after a correction.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from hocbaso.assessment import AssessmentInputError
from hocbaso.records.models import (
    Appointment,
    Person,
    RecordStatus,
    Role,
    SchoolClass,
    SchoolLevel,
    SchoolYear,
    YearlyRecord,
)
from hocbaso.records.names_order import in_class_order
from hocbaso.registry.models import Submission
from hocbaso.web.problems import describe

SUMMER_PATHS = ("retest", "summer_training", "retest_and_summer_training")
LEADER_ROLES = (Role.PRINCIPAL, Role.DEPUTY_PRINCIPAL, Role.CLERK)


@dataclass
class RecordRow:
    record: YearlyRecord
    problems: list[str] = field(default_factory=list)
    decisions: list[str] = field(default_factory=list)
    registry: str = ""

    @property
    def ready(self) -> bool:
        return self.record.status == RecordStatus.FINALISED and not self.problems

    def summary(self) -> str:
        r = self.record
        if r.level == SchoolLevel.PRIMARY:
            parts = [r.result_code]
        else:
            parts = [r.year_learning, r.year_conduct, promotion_label(r.promotion)]
        if r.title:
            parts.append(r.title)
        return " · ".join(p for p in parts if p)


def promotion_label(code: str) -> str:
    return {
        "promoted": _("promoted"),
        "repeat": _("repeats the grade"),
        "retest": _("re-test in the summer"),
        "summer_training": _("summer conduct training"),
        "retest_and_summer_training": _("re-test and summer training"),
    }.get(code, code)


def problems_of(record: YearlyRecord) -> list[str]:
    """Missing or invalid raw data, as the rules report it (drafts only)."""
    if record.status != RecordStatus.DRAFT:
        return []
    try:
        from hocbaso.assessment import assess

        assess(record.to_assessment_input())
    except AssessmentInputError as exc:
        return [describe(problem) for problem in exc.problems]
    return []


def decisions_of(record: YearlyRecord) -> list[str]:
    """Results a person must decide on before the record is final (§3.4, §4.5)."""
    out = []
    if record.results is None:
        return out
    if record.level == SchoolLevel.PRIMARY:
        if record.result_code == "HTT" and not record.class_recognition:
            out.append(
                _(
                    "class recognition: the class may recognise an outstanding"
                    " subject or clear progress (commendation)"
                )
            )
        if record.result_code == "CHT":
            out.append(
                _(
                    "not completed: supplementary assessment after the summer, then"
                    " the principal decides on promotion"
                )
            )
    else:
        if record.promotion in SUMMER_PATHS:
            out.append(
                _("promotion waits for the summer: %(path)s")
                % {"path": promotion_label(record.promotion)}
            )
        elif record.promotion == "repeat":
            out.append(_("not promoted: confirm the decision to repeat the grade"))
    return out


def current(records):
    """Only the latest version of each record: a record corrected after the lock
    and its locked original are one pupil-year, shown and counted once
    (docs/school.md, "Correction after the lock")."""
    return records.filter(corrected_by__isnull=True)


def class_rows(school_class: SchoolClass) -> list[RecordRow]:
    """The class's records in class-list order (given name, then the rest)."""
    records = in_class_list_order(
        current(YearlyRecord.objects.filter(school_class=school_class))
        .select_related("transcript__student", "school_year", "school", "school_class")
        .prefetch_related("assessments")
    )
    states = registry_states([r.pk for r in records])
    return [
        RecordRow(r, problems_of(r), decisions_of(r), states.get(r.pk, ""))
        for r in records
    ]


def in_class_list_order(records) -> list[YearlyRecord]:
    """Records ordered as a Vietnamese class list; namesakes by birth date, code."""
    stable = records.order_by(
        "transcript__student__date_of_birth", "transcript__student__student_code"
    )
    return in_class_order(stable, name=lambda r: r.transcript.student.full_name)


def registry_states(record_ids: list[int]) -> dict[int, str]:
    """accepted / locked of each record's current submission."""
    rows = Submission.objects.filter(
        record_id__in=record_ids, state=Submission.State.ACCEPTED
    ).values_list("record_id", "locked_at")
    return {pk: ("locked" if locked else "accepted") for pk, locked in rows}


def roles_in_class(person: Person | None, school_class: SchoolClass) -> set[str]:
    """The person's roles for the class: homeroom, subject, leader (school-wide)."""
    if person is None:
        return set()
    rows = Appointment.objects.filter(
        person=person, school_year=school_class.school_year_id
    ).filter(Q(school_class=school_class) | Q(school=school_class.school))
    roles = set()
    for role, class_id in rows.values_list("role", "school_class_id"):
        if role == Role.HOMEROOM_TEACHER and class_id == school_class.pk:
            roles.add("homeroom")
        elif role == Role.SUBJECT_TEACHER and class_id == school_class.pk:
            roles.add("subject")
        elif role in (Role.PRINCIPAL, Role.DEPUTY_PRINCIPAL):
            roles.add("leader")
        elif role == Role.CLERK:
            roles.add("clerk")
    return roles


@dataclass
class ClassCounts:
    school_class: SchoolClass
    counts: Counter


def school_overview(school, year: SchoolYear) -> dict[int, list[ClassCounts]]:
    """grade → classes with their record counts per status, accepted and locked."""
    classes = SchoolClass.objects.filter(school=school, school_year=year).order_by(
        "grade", "name"
    )
    per = defaultdict(Counter)
    rows = (
        current(YearlyRecord.objects.filter(school=school, school_year=year))
        .values("school_class", "status")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        per[row["school_class"]][row["status"]] += row["n"]
        per[row["school_class"]]["total"] += row["n"]
    accepted = (
        Submission.objects.filter(
            record__school=school,
            record__corrected_by__isnull=True,  # a pupil-year once
            school_year=year,
            state=Submission.State.ACCEPTED,
        )
        .values("record__school_class", "locked_at")
        .annotate(n=Count("pk"))
    )
    for row in accepted:
        key = "locked" if row["locked_at"] else "accepted"
        per[row["record__school_class"]][key] += row["n"]
    grades: dict[int, list[ClassCounts]] = defaultdict(list)
    for school_class in classes:
        grades[school_class.grade].append(
            ClassCounts(school_class, per[school_class.pk])
        )
    return dict(grades)


def diff(
    before: dict[str, Any], after: dict[str, Any], prefix: tuple[str, ...] = ()
) -> list[tuple[tuple[str, ...], Any, Any]]:
    """[(path, old, new)] of every differing leaf, a path a tuple of keys
    (``("learning", "year")``); the values as they are, named at the page."""
    out = []
    for key in sorted(set(before) | set(after), key=str):
        old, new = before.get(key), after.get(key)
        path = (*prefix, str(key))
        if isinstance(old, dict) and isinstance(new, dict):
            out += diff(old, new, path)
        elif old != new:
            out.append((path, old, new))
    return out
