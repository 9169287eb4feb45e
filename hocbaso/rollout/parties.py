"""Who writes which duty: the school's side and the officers' side.

Seeing is ``access.viewer_of``'s business (anything outside it answers 404);
writing is narrower (403 for someone who may see but not write):

- the school's side (readiness, a new difficulty, a reply, closing it): the
  principal, a deputy principal or the clerk appointed at that school in an
  active year. Teachers neither see nor write.
- the officers' side (answering a difficulty): a department officer of the
  school's department, or an officer of the unit that manages the school
  *today* (a school moved to a ward on 1/7/2025 is no longer answered by its old
  district office, which may still see the year's records).
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from hocbaso.records.models import School, SchoolUnitPeriod
from hocbaso.rollout.access import SCHOOL_LEADERSHIP, Viewer, _appointments
from hocbaso.rollout.models import Side


def is_school_side(user, school: School) -> bool:
    return (
        _appointments(user).filter(role__in=SCHOOL_LEADERSHIP, school=school).exists()
    )


def officer_side(viewer: Viewer, school: School) -> str | None:
    """The side ``viewer`` answers for at ``school``, or None."""
    if viewer.everything or viewer.departments.filter(pk=school.department_id).exists():
        return Side.DEPARTMENT.value
    today = timezone.localdate()
    managed = SchoolUnitPeriod.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=today),
        school=school,
        unit__in=viewer.units,
        valid_from__lte=today,
    )
    return Side.UNIT.value if managed.exists() else None


def label_of(user) -> str:
    """The name shown beside what the user wrote: their person's, else the login."""
    person = getattr(user, "person", None)
    return getattr(person, "full_name", "") or user.get_username()
