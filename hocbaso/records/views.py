"""Appointments and certificate registration, by the level above (permissions.py).

Thin views: the form validates the input, ``appointing`` checks who may do it and
writes the change with its audit row. A user who may appoint no one gets 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hocbaso.records import appointing
from hocbaso.records.forms import AppointmentForm, CertificateForm
from hocbaso.records.models import Appointment, Person, School, SchoolYear
from hocbaso.records.permissions import grantable_roles
from hocbaso.records.scope import filter_for


def _appointer(request) -> set[str]:
    roles = grantable_roles(request.user) if request.user.is_staff else set()
    if not roles:
        raise PermissionDenied(_("Your appointments do not let you appoint anyone."))
    return roles


@login_required
def appointments(request):
    roles = _appointer(request)
    form = AppointmentForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _appoint(request, form)
        except (appointing.RefusedError, ValidationError) as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("The appointment was made."))
            return redirect("records:appointments")
    shown = (
        filter_for(request.user, Appointment.objects.all())
        .filter(role__in=roles, school_year__in=SchoolYear.objects.active())
        .select_related("person", "school_year", "school", "unit", "department")
        .select_related("school_class")
    )
    status = 400 if form.errors else 200
    context = {"form": form, "appointments": shown}
    return render(request, "records/appointments.html", context, status=status)


@transaction.atomic
def _appoint(request, form: AppointmentForm) -> None:
    # A new person and their appointment are written together or not at all.
    data = form.cleaned_data
    person, _created = Person.objects.get_or_create(
        personal_id=data["personal_id"], defaults={"full_name": data["full_name"]}
    )
    appointing.appoint(request.user, form.appointment(person))


def _form_errors(form, error) -> None:
    # RefusedError and ValidationError both carry their sentences in ``messages``.
    for message in error.messages:
        form.add_error(None, message)


@login_required
@require_POST
def remove_appointment(request, pk: int):
    _appointer(request)
    appointment = get_object_or_404(
        filter_for(request.user, Appointment.objects.all()), pk=pk
    )
    try:
        appointing.remove_appointment(request.user, appointment)
    except appointing.RefusedError as error:
        messages.error(request, str(error))
        return redirect("records:appointments")
    messages.success(request, _("The appointment was removed."))
    return redirect("records:appointments")


@login_required
def certificates(request):
    _appointer(request)
    form = CertificateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _register(request, form)
        except appointing.RefusedError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("The certificate was registered."))
            return redirect("records:certificates")
    status = 400 if form.errors else 200
    return render(request, "records/certificates.html", {"form": form}, status=status)


def _register(request, form: CertificateForm) -> None:
    owner = form.cleaned_data["owner"].strip()
    person = Person.objects.filter(personal_id=owner).first()
    school = None if person else School.objects.filter(code=owner).first()
    if person is None and school is None:
        raise appointing.RefusedError(
            [("REGISTER_NO_OWNER", {})],
            [_("No person or school with this personal id or code in your scope.")],
        )
    appointing.register(
        request.user, form.cleaned_data["pem"], person=person, school=school
    )
