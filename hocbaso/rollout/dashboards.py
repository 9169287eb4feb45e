"""What each dashboard shows: rows of figures, totals, deadlines (R20, domain.md §7).

department → its units and schools; unit → its schools; school → its classes;
class → its students. A unit answers for the schools it managed on the round's
lock date (``hocbaso.registry.rounds``), so the main round of 2024-2025 belongs to
the district office and its supplementary round to the ward.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hocbaso.records.models import (
    Department,
    Enrollment,
    ManagementUnit,
    RecordStatus,
    Round,
    School,
    SchoolClass,
    SchoolUnitPeriod,
    SchoolYear,
    SignatureStep,
    SignerRole,
    YearlyRecord,
)
from hocbaso.registry import rounds
from hocbaso.registry.models import SchoolRoundLock, Submission, UnitReport
from hocbaso.rollout.access import Viewer
from hocbaso.rollout.figures import (
    Figures,
    Readiness,
    figures_by_round,
    pilot_grades,
    readiness,
    total,
)

DEADLINE_LABELS = {
    "main_lock_date": _("Schools lock the main round"),
    "main_report_date": _("Units report the main round"),
    "supplementary_lock_date": _("Schools lock the supplementary round"),
    "supplementary_report_date": _("Units report the supplementary round"),
}


@dataclass(frozen=True)
class Deadline:
    field: str
    label: str
    day: dt.date
    passes_at: dt.datetime
    days_left: int  # 0 on the day itself, negative once passed
    passed: bool
    round: str


def deadlines(year: SchoolYear, now: dt.datetime | None = None) -> list[Deadline]:
    """The year's four deadlines against today in Vietnam time."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    out = []
    for name, passes_at in year.deadlines().items():
        day = getattr(year, name)
        out.append(
            Deadline(
                name,
                str(DEADLINE_LABELS[name]),
                day,
                passes_at,
                (day - today).days,
                now >= passes_at,
                name.split("_")[0],
            )
        )
    return sorted(out, key=lambda d: d.day)


@dataclass(frozen=True)
class Row:
    """One line of a dashboard: a unit, school or class and its figures."""

    key: str
    name: str
    figures: Figures
    url: str = ""
    export_url: str = ""
    readiness: Readiness | None = None
    locked_at: dt.datetime | None = None
    report: UnitReport | None = None
    note: str = ""


@dataclass
class Dashboard:
    level: str
    title: str
    year: SchoolYear
    round: str
    rows: list[Row]
    totals: Figures
    deadlines: list[Deadline]
    readiness_total: Readiness | None = None
    unit_rows: list[Row] = field(default_factory=list)
    crumbs: list[tuple[str, str]] = field(default_factory=list)
    report: UnitReport | None = None
    unit: ManagementUnit | None = None
    locked_at: dt.datetime | None = None
    # Totals of each round (main, supplementary) from the same queries.
    round_totals: list[tuple[str, Figures]] = field(default_factory=list)

    @property
    def round_label(self) -> str:
        return str(Round(self.round).label)


def _query(year: SchoolYear, round_name: str) -> str:
    return f"?year={year.name}&round={round_name}"


def _url(name: str, *args, year: SchoolYear, round_name: str) -> str:
    return reverse(f"rollout:{name}", args=args) + _query(year, round_name)


def _locks(schools, year, round_name) -> dict[int, dt.datetime]:
    rows = SchoolRoundLock.objects.filter(
        school__in=schools, school_year=year, round=round_name
    ).values_list("school", "locked_at")
    return dict(rows)


def _round_totals(both: dict[str, dict[int, Figures]]) -> list[tuple[str, Figures]]:
    return [(str(Round(name).label), total(both[name].values())) for name in both]


def _school_rows(
    schools: QuerySet[School], year: SchoolYear, round_name: str
) -> tuple[list[Row], list[tuple[str, Figures]]]:
    both = figures_by_round(schools, year, "school")
    figures = both[round_name]
    ready = readiness(schools, year)
    locks = _locks(schools, year, round_name)
    return [
        Row(
            school.code,
            school.name,
            figures.get(school.pk, Figures()),
            _url("school", school.code, year=year, round_name=round_name),
            _url("school_export", school.code, year=year, round_name=round_name),
            ready.get(school.pk, Readiness()),
            locks.get(school.pk),
        )
        for school in schools.order_by("code")
    ], _round_totals(both)


def _readiness_total(rows: list[Row]) -> Readiness:
    result = Readiness(seal=bool(rows))
    for row in rows:
        result = result + (row.readiness or Readiness())
    return result


def units_on(department: Department, day: dt.date) -> dict[int, ManagementUnit]:
    """Which unit managed each school of the department on ``day``."""
    periods = (
        SchoolUnitPeriod.objects.filter(
            school__department=department, valid_from__lte=day
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day))
        .select_related("unit")
    )
    return {p.school_id: p.unit for p in periods}


def _unit_rows(
    department: Department, rows: list[Row], year: SchoolYear, round_name: str
) -> list[Row]:
    """The department's schools summed per unit managing them on the lock date."""
    units = units_on(department, rounds.lock_date(year, round_name))
    codes = dict(
        School.objects.filter(pk__in=list(units)).values_list("code", "pk").order_by()
    )
    reports = {
        r.unit_id: r
        for r in UnitReport.objects.filter(
            unit__department=department, school_year=year, round=round_name
        )
    }
    by_unit: dict[ManagementUnit | None, list[Row]] = {}
    for row in rows:
        by_unit.setdefault(units.get(codes.get(row.key, 0)), []).append(row)
    ordered = sorted(by_unit.items(), key=lambda kv: kv[0].code if kv[0] else "~")
    return [
        Row(
            unit.code if unit else "",
            unit.name if unit else str(_("No management unit")),
            total(r.figures for r in members),
            _url("unit", unit.code, year=year, round_name=round_name) if unit else "",
            readiness=_readiness_total(members),
            report=reports.get(unit.pk) if unit else None,
        )
        for unit, members in ordered
    ]


def department_dashboard(
    viewer: Viewer, department: Department, year: SchoolYear, round_name: str
) -> Dashboard:
    schools = viewer.schools.filter(department=department)
    rows, round_totals = _school_rows(schools, year, round_name)
    return Dashboard(
        "department",
        department.name,
        year,
        round_name,
        rows,
        total(r.figures for r in rows),
        deadlines(year),
        _readiness_total(rows),
        _unit_rows(department, rows, year, round_name),
        crumbs=[(department.name, "")],
        round_totals=round_totals,
    )


def unit_dashboard(
    viewer: Viewer, unit: ManagementUnit, year: SchoolYear, round_name: str
) -> Dashboard:
    schools = viewer.schools.filter(
        pk__in=rounds.schools_of_unit(unit, year, round_name).values("pk")
    )
    rows, round_totals = _school_rows(schools, year, round_name)
    report = UnitReport.objects.filter(
        unit=unit, school_year=year, round=round_name
    ).first()
    crumbs = []
    if viewer.departments.filter(pk=unit.department_id).exists():
        crumbs.append(
            (
                unit.department.name,
                _url(
                    "department",
                    unit.department.code,
                    year=year,
                    round_name=round_name,
                ),
            )
        )
    crumbs.append((unit.name, ""))
    return Dashboard(
        "unit",
        unit.name,
        year,
        round_name,
        rows,
        total(r.figures for r in rows),
        deadlines(year),
        _readiness_total(rows),
        crumbs=crumbs,
        report=report,
        unit=unit,
        round_totals=round_totals,
    )


def school_crumbs(viewer: Viewer, school: School, year, round_name):
    crumbs = []
    department = school.department
    if viewer.departments.filter(pk=department.pk).exists():
        crumbs.append(
            (
                department.name,
                _url("department", department.code, year=year, round_name=round_name),
            )
        )
    unit = school.unit_on(rounds.lock_date(year, round_name))
    if unit is not None and viewer.may_see_unit(unit):
        crumbs.append(
            (unit.name, _url("unit", unit.code, year=year, round_name=round_name))
        )
    return crumbs


def school_dashboard(
    viewer: Viewer, school: School, year: SchoolYear, round_name: str
) -> Dashboard:
    one = School.objects.filter(pk=school.pk)
    both = figures_by_round(one, year, "school_class")
    figures = both[round_name]
    classes = SchoolClass.objects.filter(
        school=school, school_year=year, grade__in=pilot_grades()
    ).order_by("grade", "name")
    rows = [
        Row(
            str(c.pk),
            c.name,
            figures.get(c.pk, Figures()),
            _url("class", school.code, c.pk, year=year, round_name=round_name),
            _url("class_export", school.code, c.pk, year=year, round_name=round_name),
        )
        for c in classes
    ]
    ready = readiness(one, year).get(school.pk, Readiness())
    crumbs = school_crumbs(viewer, school, year, round_name)
    crumbs.append((school.name, ""))
    return Dashboard(
        "school",
        school.name,
        year,
        round_name,
        rows,
        total(r.figures for r in rows),
        deadlines(year),
        ready,
        crumbs=crumbs,
        locked_at=_locks(one, year, round_name).get(school.pk),
        round_totals=_round_totals(both),
    )


@dataclass(frozen=True)
class StudentRow:
    student_code: str
    name: str
    status: str
    status_label: str
    round: str
    round_label: str
    teachers: bool
    principal: bool
    sealed: bool
    registry: str
    registry_label: str

    @property
    def marks(self) -> tuple[bool, bool, bool]:
        return (self.teachers, self.principal, self.sealed)


REGISTRY_STATES = {
    "locked": _("Locked (effective)"),
    "accepted": _("Accepted"),
    "withdrawn": _("Submitted, then revoked"),
    "none": _("Not submitted"),
    "no_record": _("No yearly record"),
}


def class_students(school_class: SchoolClass) -> list[StudentRow]:
    """Every student of the class: the record's state, never its content."""
    submissions = Submission.objects.filter(record=OuterRef("pk"))
    current = submissions.filter(state=Submission.State.ACCEPTED)

    def step(role):
        return Exists(SignatureStep.objects.filter(record=OuterRef("pk"), role=role))

    records = (
        YearlyRecord.objects.filter(school_class=school_class)
        .annotate(
            has_teachers=step(SignerRole.HOMEROOM_TEACHER),
            has_principal=step(SignerRole.LEADER),
            has_seal=step(SignerRole.SEAL),
            any_submission=Exists(submissions),
            is_current=Exists(current),
            is_locked=Exists(current.filter(locked_at__isnull=False)),
        )
        .values(
            "transcript__student_id",
            "transcript__student__student_code",
            "transcript__student__full_name",
            "status",
            "round",
            "has_teachers",
            "has_principal",
            "has_seal",
            "any_submission",
            "is_current",
            "is_locked",
        )
    )
    rows = [_student_row(r) for r in records]
    with_record = {r["transcript__student_id"] for r in records}
    enrolled = (
        Enrollment.objects.filter(school_class=school_class)
        .exclude(kind=Enrollment.Kind.TRANSFERRED_OUT)
        .exclude(student_id__in=with_record)
        .values("student__student_code", "student__full_name")
        .distinct()
    )
    rows += [
        StudentRow(
            e["student__student_code"],
            e["student__full_name"],
            "",
            "",
            "",
            "",
            False,
            False,
            False,
            "no_record",
            str(REGISTRY_STATES["no_record"]),
        )
        for e in enrolled
    ]
    return sorted(rows, key=lambda r: (_name_key(r.name), r.student_code))


def _name_key(name: str) -> tuple[str, str]:
    # Vietnamese lists sort by given name (the last word), then the whole name.
    return (name.split()[-1] if name.split() else "", name)


def _student_row(r: dict) -> StudentRow:
    if r["is_locked"]:
        state = "locked"
    elif r["is_current"]:
        state = "accepted"
    elif r["any_submission"]:
        state = "withdrawn"
    else:
        state = "none"
    return StudentRow(
        r["transcript__student__student_code"],
        r["transcript__student__full_name"],
        r["status"],
        str(RecordStatus(r["status"]).label),
        r["round"],
        str(Round(r["round"]).label) if r["round"] else str(_("Not yet assessed")),
        r["has_teachers"],
        r["has_principal"],
        r["has_seal"],
        state,
        str(REGISTRY_STATES[state]),
    )
