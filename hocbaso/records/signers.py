"""Who signs the records of a class, from the appointments of its school year.

domain.md §2, §6: subject teachers of each subject (lower secondary only), the
homeroom teacher, and for the school the principal, or a deputy signing on the
principal's behalf with the title the form prints.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hocbaso.records.models import (
    Appointment,
    Person,
    Role,
    School,
    SchoolClass,
    SchoolLevel,
    SchoolYear,
)

# Titles as the form prints them (domain.md §6; forms.md §2.6).
PRINCIPAL_TITLE = "HIỆU TRƯỞNG"
DEPUTY_TITLE = "KT. HIỆU TRƯỞNG / PHÓ HIỆU TRƯỞNG"


@dataclass(frozen=True)
class ClassSigners:
    """Who signs the records of one class, from the appointments of its year."""

    homeroom: Person | None
    leader: Person | None
    leader_title: str
    subject_teachers: dict[str, Person] = field(default_factory=dict)


def leader_title(person: Person, school: School, year: SchoolYear) -> str | None:
    """The form's title for person signing for school, or None if they may not."""
    roles = set(
        Appointment.objects.filter(
            person=person, school=school, school_year=year
        ).values_list("role", flat=True)
    )
    if Role.PRINCIPAL in roles:
        return PRINCIPAL_TITLE
    if Role.DEPUTY_PRINCIPAL in roles:
        return DEPUTY_TITLE
    return None


def signers_of(school_class: SchoolClass, leader: Person | None = None) -> ClassSigners:
    """The class's signers; the leader defaults to the principal, else a deputy."""
    appointments = Appointment.objects.filter(
        school=school_class.school, school_year=school_class.school_year_id
    ).select_related("person")
    homeroom, teachers, leaders = None, {}, {}
    for a in appointments.order_by("pk"):
        if a.role == Role.HOMEROOM_TEACHER and a.school_class_id == school_class.pk:
            homeroom = a.person
        elif a.role == Role.SUBJECT_TEACHER and a.school_class_id == school_class.pk:
            teachers.setdefault(a.subject_code, a.person)
        elif a.role in (Role.PRINCIPAL, Role.DEPUTY_PRINCIPAL):
            leaders.setdefault(a.role, a.person)
    if leader is None:
        leader = leaders.get(Role.PRINCIPAL) or leaders.get(Role.DEPUTY_PRINCIPAL)
    title = PRINCIPAL_TITLE
    if leader is not None and leader != leaders.get(Role.PRINCIPAL):
        title = DEPUTY_TITLE
    if school_class.level == SchoolLevel.PRIMARY:
        teachers = {}  # subject teachers sign at lower secondary only (domain.md §2)
    return ClassSigners(homeroom, leader, title, teachers)
