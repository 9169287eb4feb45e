"""Who sees what: the scope of a staff user (domain.md §9, R14).

- School staff (teachers, principal, deputy, clerk) see the schools of their
  appointments.
- A management-unit officer sees the schools the unit managed at some time
  during the school year of the appointment (until its supplementary report
  deadline, so a district officer can still report a school that moved to a
  ward on 1/7).
- A department officer sees every school of the department.
- A superuser sees everything; anyone else sees nothing.

Only appointments of *active* school years count (``SchoolYear.objects.active``),
so a teacher who left keeps no access to the old school.

Every scoped model is reached from the schools through a path registered in
``SCOPE_PATHS``; ``filter_for`` applies it. Other apps register their models
with ``register_scope``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.db.models import Q

from hocbaso.records.models import (
    DEPARTMENT_ROLES,
    SCHOOL_ROLES,
    Appointment,
    Certificate,
    Department,
    Enrollment,
    ManagementUnit,
    Person,
    RecordPacket,
    Role,
    School,
    SchoolClass,
    SchoolUnitPeriod,
    SchoolYear,
    SignatureStep,
    StaffEvent,
    Student,
    SubjectAssessment,
    Transcript,
    YearlyRecord,
)

_CACHE_ATTRIBUTE = "_hocbaso_scope"


@dataclass(frozen=True)
class Scope:
    """The organisations a user may see, as lazy querysets (subqueries)."""

    everything: bool
    schools: models.QuerySet[School]
    # Units and departments the user works *for* (officers), not merely those
    # above a school they see.
    units: models.QuerySet[ManagementUnit]
    departments: models.QuerySet[Department]


def scope_of(user, on_date: dt.date | None = None) -> Scope:
    """The user's scope today, or on ``on_date``.

    Today's scope is computed once per user object (one per request).
    """
    if on_date is not None:
        return _compute_scope(user, on_date)
    cached = getattr(user, _CACHE_ATTRIBUTE, None)
    if cached is None:
        cached = _compute_scope(user, None)
        if user is not None:
            setattr(user, _CACHE_ATTRIBUTE, cached)
    return cached


def _compute_scope(user, on_date: dt.date | None) -> Scope:
    if user is None or not user.is_authenticated or not user.is_active:
        return Scope(False, School.objects.none(), _no_units(), _no_departments())
    if user.is_superuser:
        return Scope(
            True,
            School.objects.all(),
            ManagementUnit.objects.all(),
            Department.objects.all(),
        )
    appointments = list(
        Appointment.objects.filter(
            person__user=user, school_year__in=SchoolYear.objects.active(on_date)
        ).select_related("school_year")
    )
    department_ids = {
        a.department_id for a in appointments if a.role in DEPARTMENT_ROLES
    }
    unit_ids = {a.unit_id for a in appointments if a.role == Role.UNIT_OFFICER}
    school_q = Q(pk__in={a.school_id for a in appointments if a.role in SCHOOL_ROLES})
    school_q |= Q(department_id__in=department_ids)
    periods = _unit_periods_during(
        a for a in appointments if a.role == Role.UNIT_OFFICER
    )
    if periods is not None:
        school_q |= Q(pk__in=SchoolUnitPeriod.objects.filter(periods).values("school"))
    return Scope(
        everything=False,
        schools=School.objects.filter(school_q),
        units=ManagementUnit.objects.filter(
            Q(pk__in=unit_ids) | Q(department_id__in=department_ids)
        ),
        departments=Department.objects.filter(pk__in=department_ids),
    )


def _unit_periods_during(unit_appointments) -> Q | None:
    """Periods of each unit that overlap its appointment's school year."""
    condition = None
    for appointment in unit_appointments:
        year = appointment.school_year
        overlaps = (
            Q(unit_id=appointment.unit_id)
            & Q(valid_from__lte=year.supplementary_report_date)
            & (Q(valid_to__isnull=True) | Q(valid_to__gt=year.start_date))
        )
        condition = overlaps if condition is None else condition | overlaps
    return condition


def _no_units() -> models.QuerySet[ManagementUnit]:
    return ManagementUnit.objects.none()


def _no_departments() -> models.QuerySet[Department]:
    return Department.objects.none()


def schools_visible_to(user, on_date: dt.date | None = None) -> models.QuerySet[School]:
    """The schools whose data the user may see today (or on ``on_date``)."""
    return scope_of(user, on_date).schools


# --- how each model is reached from the scope -----------------------------

ScopeRule = Callable[[Scope, object], Q]


def _through(*paths: str) -> ScopeRule:
    """Rows reached from a visible school through any of ``paths``."""

    def rule(scope: Scope, user) -> Q:
        condition = Q()
        for path in paths:
            condition |= Q(**{f"{path}__in": scope.schools})
        return condition

    return rule


def _appointments_rule(scope: Scope, user) -> Q:
    return (
        Q(school__in=scope.schools)
        | Q(unit__in=scope.units)
        | Q(department__in=scope.departments)
        | Q(person__user=user)
    )


def _people_rule(scope: Scope, user) -> Q:
    visible = Appointment.objects.filter(_appointments_rule(scope, user))
    return Q(pk__in=visible.values("person")) | Q(user=user)


def _certificates_rule(scope: Scope, user) -> Q:
    people = Person.objects.filter(_people_rule(scope, user))
    return Q(school__in=scope.schools) | Q(person__in=people)


def _units_rule(scope: Scope, user) -> Q:
    periods = SchoolUnitPeriod.objects.filter(school__in=scope.schools)
    return Q(pk__in=scope.units) | Q(pk__in=periods.values("unit"))


def _departments_rule(scope: Scope, user) -> Q:
    return Q(pk__in=scope.departments) | Q(pk__in=scope.schools.values("department"))


def _everyone(scope: Scope, user) -> Q:
    return Q()


SCOPE_PATHS: dict[type[models.Model], ScopeRule] = {
    School: _through("pk"),
    SchoolUnitPeriod: _through("school"),
    SchoolClass: _through("school"),
    Enrollment: _through("school_class__school"),
    # A student is seen by every school they were enrolled in and by the
    # school managing their transcript now (R15: management moves with them).
    Student: _through("enrollments__school_class__school", "transcripts__school"),
    Transcript: _through("school", "yearly_records__school"),
    YearlyRecord: _through("school"),
    SubjectAssessment: _through("record__school"),
    SignatureStep: _through("record__school"),
    RecordPacket: _through("record__school"),
    Appointment: _appointments_rule,
    Person: _people_rule,
    Certificate: _certificates_rule,
    ManagementUnit: _units_rule,
    Department: _departments_rule,
    StaffEvent: _through("school"),
    # Not personal data: everyone with a login sees the calendar.
    SchoolYear: _everyone,
}


def register_scope(model: type[models.Model], *paths: str) -> None:
    """Scope another app's model through paths from it to ``School``."""
    SCOPE_PATHS[model] = _through(*paths)


def is_scoped(model: type[models.Model]) -> bool:
    return model in SCOPE_PATHS


def filter_for(user, queryset: models.QuerySet) -> models.QuerySet:
    """``queryset`` narrowed to the rows ``user`` may see.

    Raises ``LookupError`` for a model with no scope rule, so that a new
    model cannot be shown unfiltered by accident.
    """
    model = queryset.model
    if model not in SCOPE_PATHS:
        raise LookupError(f"{model._meta.label} has no scope rule")
    scope = scope_of(user)
    if scope.everything:
        return queryset
    if not user or not user.is_authenticated:
        return queryset.none()
    condition = SCOPE_PATHS[model](scope, user)
    if not condition:
        return queryset
    # A subquery on the primary key keeps multi-path rules free of duplicates.
    return queryset.filter(pk__in=model._default_manager.filter(condition).values("pk"))
