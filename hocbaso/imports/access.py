"""Who may import into which school, and which classes of it.

- the school's clerk, principal or deputy principal: the whole school (classes,
  students, every class's assessments);
- a homeroom teacher: the students and assessments of their own classes;
- a superuser, or the command line (no user): any school.

Only appointments of active school years count, as everywhere (records.scope).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from hocbaso.imports.errors import ImportNotAllowedError
from hocbaso.records.models import Appointment, Role, School, SchoolYear

WHOLE_SCHOOL_ROLES = (Role.CLERK, Role.PRINCIPAL, Role.DEPUTY_PRINCIPAL)
IMPORT_ROLES = (*WHOLE_SCHOOL_ROLES, Role.HOMEROOM_TEACHER)


@dataclass(frozen=True)
class Access:
    """What a user may import into one school."""

    whole_school: bool
    class_ids: frozenset[int] = frozenset()

    def may_import_class(self, class_id: int | None) -> bool:
        return self.whole_school or (
            class_id is not None and class_id in self.class_ids
        )


def _appointments(user) -> QuerySet[Appointment]:
    return Appointment.objects.filter(
        person__user=user,
        role__in=IMPORT_ROLES,
        school_year__in=SchoolYear.objects.active(),
    )


def schools_for(user) -> QuerySet[School]:
    """The schools ``user`` may import into."""
    if user is None or user.is_superuser:
        return School.objects.all()
    if not user.is_authenticated or not user.is_active:
        return School.objects.none()
    return School.objects.filter(pk__in=_appointments(user).values("school"))


def access_of(user, school: School) -> Access:
    """The user's access to ``school``; raises ``ImportNotAllowedError`` if none."""
    if user is None or user.is_superuser:
        return Access(whole_school=True)
    rows = []
    if user.is_authenticated and user.is_active:
        rows = list(
            _appointments(user)
            .filter(school=school)
            .values_list("role", "school_class_id")
        )
    if any(role in WHOLE_SCHOOL_ROLES for role, _class in rows):
        return Access(whole_school=True)
    classes = frozenset(c for role, c in rows if role == Role.HOMEROOM_TEACHER and c)
    if not classes:
        raise ImportNotAllowedError(
            _(
                "You may not import into %(school)s: only its clerk, principal, "
                "deputy principal or homeroom teachers may."
            )
            % {"school": school.name}
        )
    return Access(whole_school=False, class_ids=classes)
