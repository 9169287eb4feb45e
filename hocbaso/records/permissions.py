"""Who may do what: model permissions per role, and who appoints whom.

Scope (which rows) is scope.py's business; this module decides what a role
may do with the rows it sees.

The administration site opens to the department's administrators only
(``hocbaso.web.admin``); the groups below give them, and a superuser, the
model permissions they use there. Other roles keep view-only groups so that a
login made before this rule still works nowhere it should not.

Appointments are made by the level above (docs/security.md, "Who may do
what"), in the school year the appointer holds the appointing role, for a year
whose appointments still count (``SchoolYear.objects.active``):

- a department administrator appoints the department's officers, the officers
  of its management units and the principals and deputies of its schools;
- a principal appoints the school's clerks and teachers;
- only a superuser (the system's operator) appoints department administrators;
- nobody appoints themselves, and nobody else appoints anyone.

``appointment_problems`` answers for one appointment with stable codes; the
pages, the admin's form and the audited actions (appointing.py) all ask it.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.translation import gettext

from hocbaso.records.models import (
    SCHOOL_ROLES,
    Appointment,
    Role,
    SchoolYear,
    SignatureStep,
)

APP_LABEL = "records"

# Models every role may view.
VIEWABLE_MODELS = (
    "department",
    "managementunit",
    "school",
    "schoolunitperiod",
    "schoolyear",
    "schoolclass",
    "person",
    "appointment",
    "certificate",
    "student",
    "enrollment",
    "transcript",
    "yearlyrecord",
    "subjectassessment",
    "signaturestep",
    "recordpacket",
    "staffevent",
)
# Models the department's administrators maintain (add and change) in the admin;
# certificates are registered on their page only (appointing.register).
ADMINISTERED_MODELS = (
    "schoolclass",
    "person",
    "appointment",
    "student",
    "enrollment",
    "transcript",
    "yearlyrecord",
    "subjectassessment",
)
EDITING_ROLES = frozenset({Role.DEPARTMENT_ADMIN})

# role → the roles its holder appoints, below it.
GRANTS: dict[str, frozenset[str]] = {
    Role.DEPARTMENT_ADMIN: frozenset(
        {
            Role.DEPARTMENT_OFFICER,
            Role.UNIT_OFFICER,
            Role.PRINCIPAL,
            Role.DEPUTY_PRINCIPAL,
        }
    ),
    Role.PRINCIPAL: frozenset(
        {Role.CLERK, Role.HOMEROOM_TEACHER, Role.SUBJECT_TEACHER}
    ),
}

APPOINT_SELF = "APPOINT_SELF"
APPOINT_ROLE_NOT_GRANTED = "APPOINT_ROLE_NOT_GRANTED"
APPOINT_OUTSIDE_SCOPE = "APPOINT_OUTSIDE_SCOPE"
APPOINT_YEAR_CLOSED = "APPOINT_YEAR_CLOSED"
APPOINT_HAS_SIGNATURES = "APPOINT_HAS_SIGNATURES"

_MESSAGES = {
    APPOINT_SELF: "Nobody appoints themselves: an appointment is made by the "
    "level above.",
    APPOINT_ROLE_NOT_GRANTED: "Your appointments do not let you appoint a %(role)s.",
    APPOINT_OUTSIDE_SCOPE: "You may not appoint a %(role)s at %(where)s in "
    "%(year)s: it is outside your appointments.",
    APPOINT_YEAR_CLOSED: "The school year %(year)s is over: its appointments "
    "no longer change.",
    APPOINT_HAS_SIGNATURES: "%(name)s has signed records as %(role)s in "
    "%(year)s: the appointment stays, or their signatures would no longer count.",
}


def describe(code: str, params: dict[str, str]) -> str:
    """The translated sentence of one of this module's codes."""
    return gettext(_MESSAGES[code]) % params


def group_name(role: str) -> str:
    """The stable name of a role's group, such as ``hocbaso:clerk``."""
    return f"hocbaso:{Role(role).value}"


def codenames_for(role: str) -> set[str]:
    codenames = {f"view_{model}" for model in VIEWABLE_MODELS}
    if Role(role) in EDITING_ROLES:
        codenames |= {
            f"{action}_{model}"
            for model in ADMINISTERED_MODELS
            for action in ("add", "change")
        }
    return codenames


def role_group(role: str) -> Group:
    """The role's group, created or brought up to date with ``codenames_for``."""
    group, _created = Group.objects.get_or_create(name=group_name(role))
    permissions = Permission.objects.filter(
        content_type__app_label=APP_LABEL, codename__in=codenames_for(role)
    )
    group.permissions.set(permissions)
    return group


@transaction.atomic
def grant_role_permissions(user, role: str) -> Group:
    """Make ``user`` a staff login with the model permissions of ``role``.

    Scope still comes from the user's appointments (scope.py): the group only
    says what the role may do, the appointment says where.
    """
    group = role_group(role)
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    user.groups.add(group)
    return group


def sync_role_groups() -> list[Group]:
    """Create or update the group of every role (idempotent)."""
    return [role_group(role) for role in Role]


# --- who appoints whom ---------------------------------------------------------


def holds(user, *roles: str) -> bool:
    """Whether ``user`` holds one of ``roles`` in a school year that counts today."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and Appointment.objects.filter(
            person__user=user,
            role__in=roles,
            school_year__in=SchoolYear.objects.active(),
        ).exists()
    )


# Who may export a whole school's soft copies (its pupils' transcripts at once):
# the school's leaders and clerks and the officers above it, not its teachers,
# whose work is their own classes (docs/security.md, "Who may do what").
EXPORTING_ROLES = frozenset(
    {
        Role.PRINCIPAL,
        Role.DEPUTY_PRINCIPAL,
        Role.CLERK,
        Role.UNIT_OFFICER,
        Role.DEPARTMENT_OFFICER,
        Role.DEPARTMENT_ADMIN,
    }
)


def may_export_schools(user) -> bool:
    """Whether ``user`` may start a school's bulk soft-copy export."""
    return bool(user.is_superuser or holds(user, *EXPORTING_ROLES))


def is_department_admin(user) -> bool:
    """A superuser, or a department administrator this year: the admin site's users."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return bool(user.is_superuser or holds(user, Role.DEPARTMENT_ADMIN))


def grantable_roles(user) -> set[str]:
    """The roles ``user`` may appoint somewhere (the pages' choices)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return set()
    if user.is_superuser:
        return set(Role.values)
    held = _granting_appointments(user)
    return {role for a in held for role in GRANTS[a.role]}


def _granting_appointments(user) -> list[Appointment]:
    return list(
        Appointment.objects.filter(
            person__user=user,
            role__in=list(GRANTS),
            school_year__in=SchoolYear.objects.active(),
        ).select_related("school_year")
    )


def appointment_problems(user, appointment: Appointment) -> list[tuple[str, dict]]:
    """(code, parameters) for each reason ``user`` may not make ``appointment``.

    The same answer serves to add, to change (asked for the row before and
    after) and to remove an appointment.
    """
    params = _params(appointment)
    person = appointment.person if appointment.person_id else None
    if person is not None and person.user_id and person.user_id == user.pk:
        return [(APPOINT_SELF, params)]
    if not SchoolYear.objects.active().filter(pk=appointment.school_year_id).exists():
        return [(APPOINT_YEAR_CLOSED, params)]
    if user.is_superuser and user.is_active:
        return []
    granting = [
        a for a in _granting_appointments(user) if appointment.role in GRANTS[a.role]
    ]
    if not granting:
        return [(APPOINT_ROLE_NOT_GRANTED, params)]
    if not any(_covers(a, appointment) for a in granting):
        return [(APPOINT_OUTSIDE_SCOPE, params)]
    return []


def removal_problems(user, appointment: Appointment) -> list[tuple[str, dict]]:
    """appointment_problems, and: a role someone has signed in stays theirs."""
    problems = appointment_problems(user, appointment)
    if problems:
        return problems
    if appointment.role not in SCHOOL_ROLES:
        return []  # only school staff sign records
    signed = SignatureStep.objects.filter(
        person=appointment.person_id,
        record__school_year=appointment.school_year_id,
        record__school=appointment.school_id,
    )
    if signed.exists():
        return [(APPOINT_HAS_SIGNATURES, _params(appointment))]
    return []


def _covers(granting: Appointment, appointment: Appointment) -> bool:
    """The granting appointment's organisation holds the appointment's, that year."""
    if granting.school_year_id != appointment.school_year_id:
        return False
    if granting.role == Role.PRINCIPAL:
        return (
            bool(appointment.school_id) and appointment.school_id == granting.school_id
        )
    department = granting.department_id
    if appointment.department_id:
        return appointment.department_id == department
    if appointment.unit_id:
        return appointment.unit.department_id == department
    if appointment.school_id:
        return appointment.school.department_id == department
    return False


def _params(appointment: Appointment) -> dict[str, str]:
    where = appointment.school or appointment.unit or appointment.department
    return {
        "role": str(Role(appointment.role).label).lower()
        if appointment.role in Role.values
        else appointment.role,
        "where": str(where) if where is not None else "-",
        "year": str(appointment.school_year) if appointment.school_year_id else "-",
        "name": str(appointment.person) if appointment.person_id else "-",
    }
