"""Each school's readiness for the year: what it declared, against the plan's dates.

docs/rollout.md, "Readiness". The due date of each item is the department's
for the year (``ReadinessDue``) or, when it set none, the plan's timetable
below. An item is *overdue* when it is not done and its due date has passed in
Vietnam time, *late* when it was done after its due date. The certificates
item is also computed from the records (``figures.readiness``): the signing
staff in post, those holding a valid registered certificate, and the seal.

A table costs the same queries for three schools or fifty: the reports, the
due dates and the certificate counts, each one grouped query.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from hocbaso.records.models import School, SchoolYear
from hocbaso.rollout.figures import Readiness, readiness
from hocbaso.rollout.models import ReadinessDue, ReadinessItem, ReadinessReport

# [decision] The plan's timetable (section VI) as (month, day) in the school
# year's second calendar year: the review of infrastructure, staff and devices
# by 20/4; certificates, training and the school's rules in April (the plan
# writes "before April" in a plan dated 11/4, read here as by its end); the
# pilot runs in April and May, so the data are complete by the end of May,
# before the records are signed. A department changes any of them per year.
DEFAULT_DUE = {
    ReadinessItem.WORKING_GROUP: (4, 20),
    ReadinessItem.INFRASTRUCTURE: (4, 20),
    ReadinessItem.SIGNING_DEVICES: (4, 20),
    ReadinessItem.CERTIFICATES: (4, 30),
    ReadinessItem.STAFF_TRAINED: (4, 30),
    ReadinessItem.REGULATION: (4, 30),
    ReadinessItem.DATA_COMPLETE: (5, 31),
}
ITEMS = tuple(ReadinessItem)


@dataclass(frozen=True)
class Cell:
    """One item of one school: its due date and what the school declared."""

    item: str
    due_on: dt.date
    report: ReadinessReport | None
    today: dt.date

    @property
    def label(self) -> str:
        return str(ReadinessItem(self.item).label)

    @property
    def done(self) -> bool:
        return self.report is not None and self.report.done

    @property
    def overdue(self) -> bool:
        return not self.done and self.today > self.due_on

    @property
    def late(self) -> bool:
        return self.done and self.report.done_on > self.due_on  # type: ignore[union-attr]

    @property
    def state(self) -> str:
        if self.done:
            return "late" if self.late else "done"
        return "overdue" if self.overdue else "pending"


@dataclass(frozen=True)
class SchoolReadiness:
    school: School
    cells: list[Cell]
    computed: Readiness

    @property
    def done(self) -> int:
        return sum(c.done for c in self.cells)

    @property
    def overdue(self) -> int:
        return sum(c.overdue for c in self.cells)

    @property
    def certificates_complete(self) -> bool:
        """Whether the records show every signer certified and the seal registered."""
        c = self.computed
        return c.staff > 0 and c.certified == c.staff and c.seal

    @property
    def certificates_disagree(self) -> bool:
        """The school declared the certificates done while the records say not."""
        cell = next(c for c in self.cells if c.item == ReadinessItem.CERTIFICATES)
        return cell.done and not self.certificates_complete


@dataclass
class Summary:
    """Readiness of a group of schools (a unit, or those with none)."""

    schools: int = 0
    ready: int = 0
    done: int = 0
    overdue: int = 0
    items: int = 0
    computed: Readiness = field(default_factory=Readiness)

    def add(self, row: SchoolReadiness) -> None:
        self.schools += 1
        self.ready += row.done == len(ITEMS)
        self.done += row.done
        self.overdue += row.overdue
        self.items += len(ITEMS)
        self.computed = Readiness(
            self.computed.staff + row.computed.staff,
            self.computed.certified + row.computed.certified,
        )


def default_due(year: SchoolYear, item: str) -> dt.date:
    month, day = DEFAULT_DUE[ReadinessItem(item)]
    return dt.date(year.first_year + 1, month, day)


def due_dates(department_id: int | None, year: SchoolYear) -> dict[str, dt.date]:
    """Each item's due date for the department's schools in ``year``."""
    dates = {item.value: default_due(year, item) for item in ITEMS}
    if department_id is not None:
        set_by = ReadinessDue.objects.filter(
            department_id=department_id, school_year=year
        ).values_list("item", "due_on")
        dates.update(dict(set_by))
    return dates


def _all_due_dates(schools: list[School], year) -> dict[int | None, dict]:
    """Due dates per department of the schools, in one query."""
    departments = {s.department_id for s in schools}
    found: dict[int | None, dict] = {
        d: {i.value: default_due(year, i) for i in ITEMS} for d in departments
    }
    rows = ReadinessDue.objects.filter(
        department_id__in=[d for d in departments if d is not None], school_year=year
    ).values_list("department_id", "item", "due_on")
    for department_id, item, due_on in rows:
        found[department_id][item] = due_on
    return found


def table(schools: QuerySet[School], year: SchoolYear) -> list[SchoolReadiness]:
    """Every school × every item, in the schools' name order."""
    listed = list(schools.order_by("name", "code"))
    today = timezone.localdate()
    dues = _all_due_dates(listed, year)
    reports: dict[tuple[int, str], ReadinessReport] = {
        (r.school_id, r.item): r
        for r in ReadinessReport.objects.filter(
            school__in=[s.pk for s in listed], school_year=year
        )
    }
    computed = readiness(School.objects.filter(pk__in=[s.pk for s in listed]), year)
    return [
        SchoolReadiness(
            school,
            [
                Cell(
                    i.value,
                    dues[school.department_id][i.value],
                    reports.get((school.pk, i.value)),
                    today,
                )
                for i in ITEMS
            ],
            computed.get(school.pk, Readiness()),
        )
        for school in listed
    ]


def summaries(
    rows: list[SchoolReadiness], unit_of: dict[int, object]
) -> list[tuple[object, Summary]]:
    """The rows summed per unit (``unit_of``: school id → unit, or absent)."""
    by_unit: dict[object, Summary] = {}
    for row in rows:
        by_unit.setdefault(unit_of.get(row.school.pk), Summary()).add(row)
    return sorted(by_unit.items(), key=lambda kv: getattr(kv[0], "code", "~") or "~")
