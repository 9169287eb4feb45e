"""Who sees which dashboard (domain.md §9, R14, R20).

- A department officer sees the department, every unit of it and every school.
- A management-unit officer sees their units and the schools of their units.
- A principal, deputy or clerk sees their own school.
- Teachers and everyone else see no dashboard.

Built on ``hocbaso.records.scope`` (appointments of active school years), and
narrower than it: a teacher's scope holds their school, their dashboard does not.
Anything outside a user's dashboards answers 404, as if it did not exist.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from hocbaso.records.models import (
    Appointment,
    Department,
    ManagementUnit,
    Role,
    School,
    SchoolYear,
)
from hocbaso.records.scope import scope_of

SCHOOL_LEADERSHIP = (Role.PRINCIPAL, Role.DEPUTY_PRINCIPAL, Role.CLERK)


@dataclass(frozen=True)
class Viewer:
    """The dashboards a user may open, as lazy querysets."""

    user: object
    everything: bool
    departments: QuerySet[Department]
    units: QuerySet[ManagementUnit]
    schools: QuerySet[School]

    @property
    def is_empty(self) -> bool:
        return not (
            self.everything or self.departments.exists() or self.schools.exists()
        )

    def department(self, code: str) -> Department:
        return _one(self.departments, code)

    def unit(self, code: str) -> ManagementUnit:
        return _one(self.units, code)

    def school(self, code: str) -> School:
        return _one(self.schools, code)

    def may_see_unit(self, unit: ManagementUnit) -> bool:
        return self.units.filter(pk=unit.pk).exists()

    def officer_of(self, unit: ManagementUnit) -> bool:
        """Whether the user reports for ``unit`` (its officer this year)."""
        return _appointments(self.user).filter(
            role=Role.UNIT_OFFICER, unit=unit
        ).exists() or bool(getattr(self.user, "is_superuser", False))


def _one(queryset, code: str):
    found = queryset.filter(code=code).first()
    if found is None:
        raise Http404(code)
    return found


def _appointments(user) -> QuerySet[Appointment]:
    return Appointment.objects.filter(
        person__user=user, school_year__in=SchoolYear.objects.active()
    )


def viewer_of(user) -> Viewer:
    scope = scope_of(user)
    if scope.everything:
        return Viewer(
            user,
            True,
            Department.objects.all(),
            ManagementUnit.objects.all(),
            School.objects.all(),
        )
    led = _appointments(user).filter(role__in=SCHOOL_LEADERSHIP).values("school")
    schools = scope.schools.filter(
        Q(department__in=scope.departments)
        | Q(unit_periods__unit__in=scope.units)
        | Q(pk__in=led)
    )
    return Viewer(
        user,
        False,
        scope.departments,
        scope.units,
        School.objects.filter(pk__in=schools.values("pk")),
    )
