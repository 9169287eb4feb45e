"""Model permissions per role, as one Django group per role.

Scope (which rows) is scope.py's business; this module decides what a role
may do with the rows it sees. Teachers and officers only view: teachers sign
and enter results through the school workflow, not the admin. Clerks,
principals and deputies also add and change the school-side data. Nobody but
a superuser deletes through the admin: a record that was issued must stay.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from hocbaso.records.models import Role

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
)
# Models the school's own staff maintain (add and change).
SCHOOL_SIDE_MODELS = (
    "schoolclass",
    "person",
    "appointment",
    "certificate",
    "student",
    "enrollment",
    "transcript",
    "yearlyrecord",
    "subjectassessment",
)
EDITING_ROLES = frozenset({Role.PRINCIPAL, Role.DEPUTY_PRINCIPAL, Role.CLERK})


def group_name(role: str) -> str:
    """The stable name of a role's group, such as ``hocbaso:clerk``."""
    return f"hocbaso:{Role(role).value}"


def codenames_for(role: str) -> set[str]:
    codenames = {f"view_{model}" for model in VIEWABLE_MODELS}
    if Role(role) in EDITING_ROLES:
        codenames |= {
            f"{action}_{model}"
            for model in SCHOOL_SIDE_MODELS
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
