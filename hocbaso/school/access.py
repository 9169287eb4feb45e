"""Who reaches a class on the school's pages, and the audit of what they read.

A class outside the user's scope answers 404 (its existence is not revealed); a
class they hold no role in answers 403 (docs/school.md, "Pages").
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from hocbaso.portal.audit import record_access
from hocbaso.records.models import Appointment, SchoolClass
from hocbaso.records.scope import filter_for
from hocbaso.school import review


def person_of(request):
    return getattr(request.user, "person", None)


def class_with_roles(request, pk: int) -> tuple[SchoolClass, set[str]]:
    """The class and the user's roles in it; 404 outside the scope, 403 no role."""
    classes = filter_for(
        request.user, SchoolClass.objects.select_related("school", "school_year")
    )
    school_class = get_object_or_404(classes, pk=pk)
    roles = review.roles_in_class(person_of(request), school_class)
    if not roles and not request.user.is_superuser:
        raise PermissionDenied
    return school_class, roles


def audit_records(request, records, purpose: str, school_class: SchoolClass) -> None:
    """One access event for the page view, naming the class and every pupil shown.

    Not one per pupil: a class list read once is one line of the trail. Each
    pupil's transcript is a key of ``detail["shown"]``, so the family of every
    pupil shown still finds the access in their list (hocbaso.portal.audit,
    ``events_about``). A page that shows no record reads no transcript."""
    records = list(records)
    if not records:
        return
    record_access(
        request,
        action="view",
        transcript=None,
        school=school_class.school,
        organisation=school_class.school.name,
        actor_kind="staff",
        purpose=purpose,
        detail={
            "page": purpose,
            "purpose": purpose,
            "class": school_class.pk,
            "records": sorted(r.pk for r in records),
            "shown": {str(r.transcript_id): True for r in records},
        },
    )


def leader_appointment(request, school_year: int, school: int) -> Appointment:
    """The user's principal, deputy or clerk appointment at the school that year,
    else 403 (the school page's rule)."""
    appointment = (
        Appointment.objects.filter(
            person=person_of(request),
            school_id=school,
            school_year_id=school_year,
            role__in=review.LEADER_ROLES,
        )
        .select_related("school", "school_year")
        .first()
    )
    if appointment is None:
        raise PermissionDenied
    return appointment
