"""Rounds, deadlines and scopes (domain.md §7, R10, R13).

Each school year has a main and a supplementary round. A record belongs to the round
its results put it in (``YearlyRecord.round``, computed by hocbaso.records). A
school's round takes submissions, replacements and revocations until it is locked
(``SchoolRoundLock``) or its lock deadline passes: the end of the school year's
``main_lock_date`` or ``supplementary_lock_date`` in Vietnam time.

A management unit answers for the schools it managed on the round's lock date: the
main round of 2024-2025 belongs to the district office even though the wards took
over on 1/7/2025 (domain.md §2).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.translation import pgettext

from hocbaso.records.models import (
    Department,
    ManagementUnit,
    Round,
    School,
    SchoolYear,
    YearlyRecord,
)
from hocbaso.registry.models import SchoolRoundLock

ROUNDS = (Round.MAIN, Round.SUPPLEMENTARY)
Scope = School | ManagementUnit | Department | None


def round_name_in_text(round_name: str) -> str:
    """The round's name as it reads inside a sentence ("the %(round)s round"),
    translated: messages interpolate this, never the stored value "main"."""
    if round_name == Round.MAIN:
        return pgettext("the ... round", "main")
    if round_name == Round.SUPPLEMENTARY:
        return pgettext("the ... round", "supplementary")
    return round_name


def check_round(value: str) -> Round:
    """The Round for ``value``; ValueError for anything else."""
    return Round(value)


def lock_deadline(school_year: SchoolYear, round_name: str) -> dt.datetime:
    """The instant the round's lock deadline passes (aware UTC)."""
    return school_year.deadline(f"{Round(round_name).value}_lock_date")


def report_deadline(school_year: SchoolYear, round_name: str) -> dt.datetime:
    """The instant the unit's report deadline passes (aware UTC)."""
    return school_year.deadline(f"{Round(round_name).value}_report_date")


def lock_date(school_year: SchoolYear, round_name: str) -> dt.date:
    return getattr(school_year, f"{Round(round_name).value}_lock_date")


def school_lock(
    school_id: int, school_year_id: int, round_name: str
) -> SchoolRoundLock | None:
    return SchoolRoundLock.objects.filter(
        school_id=school_id, school_year_id=school_year_id, round=round_name
    ).first()


def schools_of_unit(
    unit: ManagementUnit, school_year: SchoolYear, round_name: str
) -> QuerySet[School]:
    """The schools ``unit`` managed on the round's lock date."""
    day = lock_date(school_year, round_name)
    return School.objects.filter(
        Q(unit_periods__valid_to__isnull=True) | Q(unit_periods__valid_to__gt=day),
        unit_periods__unit=unit,
        unit_periods__valid_from__lte=day,
    ).distinct()


def schools_in(
    scope: Scope, school_year: SchoolYear, round_name: str
) -> QuerySet[School]:
    """The schools of a scope: one school, a unit's, a department's, or all."""
    if scope is None:
        return School.objects.all()
    if isinstance(scope, School):
        return School.objects.filter(pk=scope.pk)
    if isinstance(scope, ManagementUnit):
        return schools_of_unit(scope, school_year, round_name)
    return School.objects.filter(department=scope)


def expected_records(
    schools: QuerySet[School], school_year: SchoolYear, round_name: str
) -> QuerySet[YearlyRecord]:
    """The records a round should receive: pilot grades, that round, those schools."""
    return YearlyRecord.objects.filter(
        school__in=schools,
        school_year=school_year,
        round=round_name,
        grade__in=sorted(settings.HOCBASO_PILOT_GRADES),
    )
