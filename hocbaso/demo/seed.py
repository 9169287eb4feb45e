"""Seed a demo district: organisations, staff and logins, students, records.

Steps:
1. organisations: the department, the district office and the wards, schools
   with the dates each unit managed them (``_organisations``);
2. two school years: the last one complete, the current one in progress;
3. classes, and staff with their appointments and logins (``staff.py``);
4. students: last year's cohort is assessed by ``hocbaso.assessment``; whoever
   is promoted moves up a grade, whoever is not repeats it, new pupils fill the
   entry grades, and a few students moved school during last year
   (``cohort.py``);
5. transcripts, yearly records and raw assessments, in bulk.

Everything random comes from one ``random.Random(seed)``, so ``--seed N``
gives the same district every time (lookup codes included: demo codes are not
secrets).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction

from hocbaso.demo import cohort, places, staff
from hocbaso.records.models import (
    Department,
    ManagementUnit,
    School,
    SchoolClass,
    SchoolLevel,
    SchoolUnitPeriod,
    SchoolYear,
)


@dataclass(frozen=True)
class Scale:
    primary_schools: int
    primary_classes: int
    primary_students: int
    secondary_schools: int
    secondary_classes: int
    secondary_students: int


SCALES = {
    # For tests: every kind of school and role, a few hundred students.
    "tiny": Scale(2, 10, 300, 2, 8, 280),
    # Two primary and two lower-secondary schools, about 1,500 students.
    "small": Scale(2, 20, 760, 2, 16, 720),
    # The plan's pilot district (domain.md §1).
    "district": Scale(26, 986, 38011, 25, 732, 25700),
}


@dataclass
class Summary:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    logins: list[staff.Login] = field(default_factory=list)
    start: tuple[str, str, str] | None = None  # staff.People.start


class SeedError(Exception):
    """The database cannot be seeded as asked."""


def current_school_year(today: dt.date) -> str:
    """The school year running on ``today``: it starts in August."""
    first = today.year if today.month >= 8 else today.year - 1
    return f"{first}-{first + 1}"


def seed_district(
    *,
    scale: str = "small",
    seed: int = 1,
    today: dt.date | None = None,
    password: str,
    progress: Callable[[str], None] = lambda message: None,
) -> Summary:
    """Create the demo district in one transaction; refuse a database that has data."""
    if scale not in SCALES:
        raise SeedError(f"unknown scale {scale!r}: choose from {', '.join(SCALES)}")
    if Department.objects.exists():
        raise SeedError("the database already holds organisations (use --reset)")
    started = time.perf_counter()
    rng = random.Random(seed)
    today = today or dt.date.today()
    with transaction.atomic():
        summary = _seed(SCALES[scale], rng, today, password, progress)
    summary.seconds = time.perf_counter() - started
    return summary


def _seed(
    scale: Scale,
    rng: random.Random,
    today: dt.date,
    password: str,
    progress: Callable[[str], None],
) -> Summary:
    progress("organisations")
    department, wards, schools = _organisations(scale)
    current = current_school_year(today)
    first = int(current[:4])
    last_year = SchoolYear.objects.create(name=f"{first - 1}-{first}")
    this_year = SchoolYear.objects.create(name=current)
    years = (last_year, this_year)

    progress("classes")
    classes = _classes(scale, schools, years)
    progress("staff")
    people = staff.create_staff(
        rng, department, wards, schools, classes, years, password=password
    )
    progress("students and records")
    students = {
        SchoolLevel.PRIMARY: scale.primary_students,
        SchoolLevel.SECONDARY: scale.secondary_students,
    }
    counts = cohort.create_students(
        rng, schools, classes, years, people, students, progress
    )
    counts.update(
        schools=len(schools),
        classes=sum(len(c) for c in classes.values()),
        staff=people.count,
    )
    return Summary(counts=counts, logins=people.logins, start=people.start)


def _organisations(
    scale: Scale,
) -> tuple[Department, list[ManagementUnit], list[School]]:
    department = Department.objects.create(**places.DEPARTMENT)
    office = ManagementUnit.objects.create(
        kind=ManagementUnit.Kind.DISTRICT_OFFICE,
        department=department,
        **places.DISTRICT_OFFICE,
    )
    wards = [
        ManagementUnit.objects.create(
            kind=ManagementUnit.Kind.WARD, code=code, name=name, department=department
        )
        for code, name, _short in places.WARDS
    ]
    plans = [
        (SchoolLevel.PRIMARY, "Trường Tiểu học", "2", scale.primary_schools),
        (SchoolLevel.SECONDARY, "Trường THCS", "3", scale.secondary_schools),
    ]
    schools, school_wards = [], []
    for level, prefix, digit, count in plans:
        for i, name in enumerate(places.school_names(prefix, count)):
            ward = i % len(places.WARDS)
            ward_short = places.WARDS[ward][2]
            school_wards.append(wards[ward])
            schools.append(
                School(
                    code=f"019{digit}{i + 1:02d}",
                    name=name,
                    level=level,
                    department=department,
                    address=f"{ward_short}, Thành phố Hà Nội",
                    commune_name=ward_short,
                    province_code="01",
                    province_name="Thành phố Hà Nội",
                )
            )
    School.objects.bulk_create(schools)
    periods = []
    for school, ward in zip(schools, school_wards, strict=True):
        periods += [
            SchoolUnitPeriod(
                school=school,
                unit=office,
                valid_from=places.DISTRICT_PERIOD_START,
                valid_to=places.TWO_TIER_START,
            ),
            SchoolUnitPeriod(
                school=school, unit=ward, valid_from=places.TWO_TIER_START
            ),
        ]
    SchoolUnitPeriod.objects.bulk_create(periods)
    return department, wards, schools


def _grades(level: str) -> range:
    return range(1, 6) if level == SchoolLevel.PRIMARY else range(6, 10)


def _classes(
    scale: Scale, schools: list[School], years: tuple[SchoolYear, SchoolYear]
) -> dict[tuple[int, int], list[SchoolClass]]:
    """Classes of each (school id, year id); both years have the same classes."""
    totals = {
        SchoolLevel.PRIMARY: scale.primary_classes,
        SchoolLevel.SECONDARY: scale.secondary_classes,
    }
    out: dict[tuple[int, int], list[SchoolClass]] = {}
    for level, total in totals.items():
        level_schools = [s for s in schools if s.level == level]
        for school, count in zip(
            level_schools, places.split(total, len(level_schools)), strict=True
        ):
            grades = list(_grades(level))
            for year in years:
                out[(school.pk, year.pk)] = [
                    SchoolClass(
                        school=school,
                        school_year=year,
                        grade=grade,
                        name=f"{grade}A{n + 1}",
                    )
                    for grade, per_grade in zip(
                        grades, places.split(count, len(grades)), strict=True
                    )
                    for n in range(per_grade)
                ]
    SchoolClass.objects.bulk_create([c for cs in out.values() for c in cs])
    return out
