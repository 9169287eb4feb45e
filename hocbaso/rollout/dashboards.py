"""What each dashboard shows: rows of figures, totals, deadlines (R20, domain.md §7).

department → its units and schools; unit → its schools; school → its classes;
class → its students. A unit answers for the schools it managed on the round's
lock date (``hocbaso.registry.rounds``), so the main round of 2024-2025 belongs to
the district office and its supplementary round to the ward. The year's deadlines
are in ``deadlines``, a class's students in ``students``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hocbaso.records.models import (
    Department,
    ManagementUnit,
    Round,
    School,
    SchoolClass,
    SchoolUnitPeriod,
    SchoolYear,
)
from hocbaso.registry import rounds
from hocbaso.registry.models import SchoolRoundLock, UnitReport
from hocbaso.rollout.access import Viewer
from hocbaso.rollout.deadlines import Deadline, deadlines
from hocbaso.rollout.figures import (
    Figures,
    Readiness,
    figures_by_round,
    pilot_grades,
    readiness,
    total,
)


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
