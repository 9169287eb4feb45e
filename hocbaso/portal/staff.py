"""Which transcripts a staff user may see (domain.md §9): those of the schools in
their scope (school, management unit, department: hocbaso.records.scope), and those
their school is receiving in a released transfer (R15)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from hocbaso.records.models import Appointment, Role, SchoolYear, Transcript
from hocbaso.records.scope import filter_for, schools_visible_to
from hocbaso.registry.holdings import transcripts_released_to


def _receiving(user) -> QuerySet:
    """The transcripts released to the user's schools in a transfer (their ids)."""
    return transcripts_released_to(schools_visible_to(user))


def staff_transcripts(user, query: str = "") -> QuerySet[Transcript]:
    """The transcripts the user may see, by student name, optionally searched by
    the student's name or code."""
    visible = filter_for(user, Transcript.objects.all()).values("pk")
    receiving = _receiving(user)
    rows = Transcript.objects.filter(Q(pk__in=visible) | Q(pk__in=receiving))
    if query:
        rows = rows.filter(
            Q(student__full_name__icontains=query)
            | Q(student__student_code__iexact=query)
        )
    return rows.select_related("student", "school").order_by(
        "student__full_name", "student__student_code", "level"
    )


def transcript_for_staff(user, transcript: Transcript) -> bool:
    if filter_for(user, Transcript.objects.filter(pk=transcript.pk)).exists():
        return True
    return Transcript.objects.filter(pk=transcript.pk, pk__in=_receiving(user)).exists()


def is_department_staff(user) -> bool:
    """Officers of a department (in an active school year), or a superuser."""
    if user.is_superuser:
        return True
    return Appointment.objects.filter(
        person__user=user,
        role=Role.DEPARTMENT_OFFICER,
        school_year__in=SchoolYear.objects.active(),
    ).exists()
