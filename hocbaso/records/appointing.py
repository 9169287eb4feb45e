"""Appointments and certificate registrations: each an atomic action with its audit row.

Who may do what is permissions.py's answer (the level above appoints and
registers); these functions ask it, refuse with the translated sentences, and
write the change and its ``StaffEvent`` together, so nothing is half written and
no change goes unrecorded. The pages (views.py) and the admin both call them.
"""

from __future__ import annotations

from typing import Any

from cryptography import x509
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from hocbaso.records import certificates, permissions
from hocbaso.records.errors import RecordsError
from hocbaso.records.models import (
    Appointment,
    Certificate,
    Person,
    Role,
    School,
    SchoolYear,
    StaffEvent,
    StaffEventType,
)


class RefusedError(RecordsError):
    """The change was refused and nothing was written; ``codes`` are stable."""

    def __init__(self, problems: list[tuple[str, dict[str, Any]]], messages: list[str]):
        self.codes = [code for code, _params in problems]
        self.messages = messages
        super().__init__(" ".join(messages))


def _refuse_appointment(problems) -> None:
    if problems:
        raise RefusedError(
            problems, [permissions.describe(code, p) for code, p in problems]
        )


def staff_event(user, action: StaffEventType, **fields: Any) -> StaffEvent:
    """Write one row of the staff audit trail now (in the caller's transaction)."""
    label = ""
    if user is not None and user.is_authenticated:
        label = user.get_full_name() or user.get_username()
    return StaffEvent.objects.create(
        at=timezone.now(),
        action=action.value,
        actor_user=user if user is not None and user.is_authenticated else None,
        actor_label=label[:200],
        **fields,
    )


def _described(appointment: Appointment) -> dict[str, Any]:
    return {
        "role": appointment.role,
        "school_year": appointment.school_year_id,
        "school": appointment.school_id,
        "unit": appointment.unit_id,
        "department": appointment.department_id,
        "school_class": appointment.school_class_id,
        "subject_code": appointment.subject_code,
    }


@transaction.atomic
def appoint(user, appointment: Appointment) -> Appointment:
    """Save a new appointment by ``user``; raises RefusedError or ValidationError."""
    _refuse_appointment(permissions.appointment_problems(user, appointment))
    appointment.full_clean()
    appointment.save()
    staff_event(
        user,
        StaffEventType.APPOINTMENT_ADD,
        object_type="appointment",
        object_id=str(appointment.pk),
        person=appointment.person,
        school=appointment.school,
        detail=_described(appointment),
    )
    return appointment


@transaction.atomic
def change_appointment(user, appointment: Appointment) -> Appointment:
    """Save a changed appointment: ``user`` must be allowed the row before and after."""
    before = Appointment.objects.select_for_update().get(pk=appointment.pk)
    _refuse_appointment(permissions.removal_problems(user, before))
    _refuse_appointment(permissions.appointment_problems(user, appointment))
    appointment.full_clean()
    appointment.save()
    staff_event(
        user,
        StaffEventType.APPOINTMENT_CHANGE,
        object_type="appointment",
        object_id=str(appointment.pk),
        person=appointment.person,
        school=appointment.school or before.school,
        detail={"before": _described(before), "after": _described(appointment)},
    )
    return appointment


@transaction.atomic
def remove_appointment(user, appointment: Appointment) -> None:
    """Delete an appointment ``user`` may make, unless its holder signed in it."""
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    _refuse_appointment(permissions.removal_problems(user, appointment))
    staff_event(
        user,
        StaffEventType.APPOINTMENT_REMOVE,
        object_type="appointment",
        object_id=str(appointment.pk),
        person=appointment.person,
        school=appointment.school,
        detail=_described(appointment),
    )
    appointment.delete()


# --- certificates ----------------------------------------------------------------


def may_register_for(user, *, person: Person | None, school: School | None) -> bool:
    """Whether ``user`` is the level above ``person`` (or the school's leaders).

    For a person: ``user`` may make one of the person's appointments in a year
    that counts. For a school's seal: ``user`` may appoint its principal.
    """
    active = SchoolYear.objects.active()
    if person is not None:
        held = Appointment.objects.filter(person=person, school_year__in=active)
        return any(
            not permissions.appointment_problems(user, a)
            for a in held.select_related("person", "school", "unit", "department")
        )
    assert school is not None
    return any(
        not permissions.appointment_problems(
            user, Appointment(role=Role.PRINCIPAL, school=school, school_year=year)
        )
        for year in active
    )


@transaction.atomic
def register(
    user,
    certificate: x509.Certificate,
    *,
    person: Person | None = None,
    school: School | None = None,
) -> Certificate:
    """Register ``certificate`` to whoever its subject names; raises RefusedError."""
    if (person is None) == (school is None):
        raise ValueError("register a certificate to a person or to a school")
    if user is not None and person is not None and person.user_id == user.pk:
        _refuse(permissions.APPOINT_SELF, "Nobody registers their own certificate.")
    if not may_register_for(user, person=person, school=school):
        _refuse(
            "REGISTER_NOT_ABOVE",
            "Only the level above registers a certificate: you may not register "
            "one for %(owner)s.",
            owner=str(person or school),
        )
    if certificates.registered_certificate(certificate) is not None:
        _refuse(
            "REGISTER_ALREADY_REGISTERED",
            "This certificate is already registered; a registration is never "
            "moved to someone else.",
        )
    problems = certificates.owner_problems(certificate, person=person, school=school)
    if problems:
        raise RefusedError(
            problems,
            [certificates.describe_owner_problem(c, p) for c, p in problems],
        )
    row = certificates.certificate_row(certificate, person=person, school=school)
    row.full_clean()
    row.save()
    staff_event(
        user,
        StaffEventType.CERTIFICATE_REGISTER,
        object_type="certificate",
        object_id=str(row.pk),
        person=person,
        school=school,
        detail={
            "fingerprint_sha256": row.fingerprint_sha256,
            "subject": row.subject_dn,
        },
    )
    return row


def _refuse(code: str, message: str, **params: str) -> None:
    raise RefusedError([(code, params)], [gettext(message) % params])
