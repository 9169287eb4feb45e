"""Who acts on the registry, and what each may do (domain.md §2, §9, R12-R14).

An action receives an ``Actor``: a staff login, a school's API token (the API layer
authenticates the token and names its school), or the system itself (the scheduler
that locks at the deadline, a management command). Staff act through their
appointments in the school years active on the day of the action:

- a school's principal, deputy or clerk submits, replaces, revokes and takes part in
  transfers for that school; its principal or deputy may lock it early;
- a management-unit officer locks and reports for the unit;
- a department officer locks and reports for every school and unit of the
  department, but never sends or corrects a school's records (R19).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from hocbaso.records.models import (
    Appointment,
    Department,
    ManagementUnit,
    Role,
    School,
    SchoolYear,
)
from hocbaso.records.scope import schools_visible_to
from hocbaso.registry.errors import NotAllowedError

SUBMITTING_ROLES = (Role.PRINCIPAL, Role.DEPUTY_PRINCIPAL, Role.CLERK)
LOCKING_ROLES = (Role.PRINCIPAL, Role.DEPUTY_PRINCIPAL)


@dataclass(frozen=True)
class Actor:
    """A staff login, a school's API token, or the system."""

    user: Any = None
    school: School | None = None
    label: str = ""
    is_system: bool = False

    @classmethod
    def of_user(cls, user: Any) -> Actor:
        return cls(user=user, label=f"user:{user.get_username()}")

    @classmethod
    def of_school_token(cls, school: School, token_label: str) -> Actor:
        """A school system calling the API with one of the school's tokens."""
        return cls(school=school, label=f"token:{school.code}:{token_label}")

    @classmethod
    def system(cls, label: str = "system") -> Actor:
        return cls(label=f"system:{label}", is_system=True)

    @property
    def user_id(self) -> int | None:
        return getattr(self.user, "pk", None)

    def _is_superuser(self) -> bool:
        user = self.user
        return bool(user is not None and user.is_active and user.is_superuser)

    def _appointments(self, on_date: dt.date):
        user = self.user
        if user is None or not user.is_active:
            return Appointment.objects.none()
        return Appointment.objects.filter(
            person__user=user, school_year__in=SchoolYear.objects.active(on_date)
        )


def _refuse(what: str) -> NotAllowedError:
    return NotAllowedError(_("You may not %(what)s.") % {"what": what})


def check_school(
    actor: Actor,
    school: School,
    on_date: dt.date,
    roles=SUBMITTING_ROLES,
    *,
    department_too: bool = False,
) -> None:
    """Refuse unless the actor acts for ``school`` in one of ``roles``.

    With ``department_too`` an officer of the school's department may act as well
    (locking); what a school sends or corrects only its own staff sends (R19).
    """
    if actor.is_system or actor._is_superuser():
        return
    if actor.school is not None:
        if actor.school.pk == school.pk:
            return
    elif actor._appointments(on_date).filter(school=school, role__in=roles).exists():
        return
    if department_too and is_department_officer(actor, school.department_id, on_date):
        return
    raise _refuse(_("act for %(school)s") % {"school": school.name})


def is_department_officer(actor: Actor, department_id: int, on_date: dt.date) -> bool:
    return (
        actor._appointments(on_date)
        .filter(role=Role.DEPARTMENT_OFFICER, department_id=department_id)
        .exists()
    )


def check_unit(
    actor: Actor,
    unit: ManagementUnit,
    on_date: dt.date,
    *,
    department_too: bool = False,
) -> None:
    """Refuse unless the actor is an officer of ``unit`` (or of its department)."""
    if actor.is_system or actor._is_superuser():
        return
    is_officer = (
        actor._appointments(on_date).filter(role=Role.UNIT_OFFICER, unit=unit).exists()
    )
    if is_officer or (
        department_too and is_department_officer(actor, unit.department_id, on_date)
    ):
        return
    raise _refuse(_("act for %(unit)s") % {"unit": unit.name})


def check_department(actor: Actor, department: Department, on_date: dt.date) -> None:
    if actor.is_system or actor._is_superuser():
        return
    if is_department_officer(actor, department.pk, on_date):
        return
    raise _refuse(_("act for %(department)s") % {"department": department.name})


def check_whole_registry(actor: Actor) -> None:
    """Only the system (the scheduler, a command) or a superuser acts on everything."""
    if actor.is_system or actor._is_superuser():
        return
    raise _refuse(_("act for the whole registry"))


def may_see(actor: Actor, school: School) -> bool:
    """Whether the actor may read the school's registry rows (domain.md §9)."""
    if actor.is_system or actor._is_superuser():
        return True
    if actor.school is not None:
        return actor.school.pk == school.pk
    if actor.user is None:
        return False
    return schools_visible_to(actor.user).filter(pk=school.pk).exists()
