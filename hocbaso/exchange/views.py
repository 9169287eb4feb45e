"""The department's sync-history page: every batch sent to the national
repository, its state and receipt, and a button to send one again."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hocbaso.exchange import delivery, procedures, signed
from hocbaso.exchange.errors import ExchangeError
from hocbaso.exchange.forms import ProcedureForm
from hocbaso.exchange.models import OutboundBatch, Peer
from hocbaso.records.models import Appointment, Department, Role, SchoolYear
from hocbaso.registry.actors import Actor, is_department_officer
from hocbaso.season import progress
from hocbaso.season.models import Job


def _check_staff(request) -> None:
    """Department officers of this installation's department, and superusers."""
    if request.user.is_superuser:
        return
    try:
        code = signed.identity_code()
    except ExchangeError:
        raise PermissionDenied from None
    department = Department.objects.filter(code=code).first()
    actor = Actor.of_user(request.user)
    if department is None or not is_department_officer(
        actor, department.pk, timezone.localdate()
    ):
        raise PermissionDenied


@login_required
def history(request):
    _check_staff(request)
    batches = OutboundBatch.objects.order_by("-created_at", "-sequence")[:500]
    # The latest delivery task's progress (docs/exchange.md, "Delivery").
    latest = Job.objects.filter(kind=Job.Kind.DELIVERY).order_by("-created_at", "-pk")
    delivery_job = latest.first()
    context = {
        "batches": batches,
        "delivery": delivery_job,
        "delivery_percent": progress.percent(delivery_job) if delivery_job else 0,
    }
    return render(request, "exchange/history.html", context)


@login_required
@require_POST
def resend(request, batch_id: str):
    _check_staff(request)
    try:
        batch = delivery.mark_for_resend(batch_id)
        delivery.deliver(
            destination=batch.destination, policy=delivery.Policy(attempts=1)
        )
    except ExchangeError as exc:
        messages.error(request, str(exc))
        return redirect("exchange:history")
    batch.refresh_from_db()
    if batch.state == "sent":
        messages.success(
            request,
            _("Batch %(id)s was sent again and acknowledged.") % {"id": batch_id},
        )
    else:
        messages.error(
            request,
            _("Batch %(id)s could not be delivered: %(error)s")
            % {"id": batch_id, "error": batch.last_error},
        )
    return redirect("exchange:history")


_RECEIVING_ROLES = (Role.PRINCIPAL, Role.DEPUTY_PRINCIPAL, Role.CLERK)


def _staff_school(request):
    """The school whose principal, deputy or clerk the user is this year."""
    today = timezone.localdate()
    appointment = (
        Appointment.objects.filter(
            person__user=request.user,
            role__in=_RECEIVING_ROLES,
            school__isnull=False,
            school_year__in=SchoolYear.objects.active(today),
        )
        .select_related("school")
        .first()
    )
    if appointment is None:
        raise PermissionDenied
    return appointment.school


@login_required
def procedure(request):
    """A receiving school reads a transcript with the parent's share code and
    gets its form filled from the signed records."""
    school = _staff_school(request)
    holders = [("", _("This department"))] + [
        (p.code, p.name or p.code)
        for p in Peer.objects.filter(kind=Peer.Kind.DEPARTMENT)
    ]
    form = ProcedureForm(request.POST or None, holders=holders)
    filled = None
    if request.method == "POST" and form.is_valid():
        purpose = str(dict(ProcedureForm.PROCEDURES)[form.cleaned_data["procedure"]])
        try:
            reading = procedures.read_shared(
                request,
                code=form.cleaned_data["share_code"],
                organisation=school.name,
                purpose=purpose,
                holder=form.cleaned_data["holder"],
            )
            filled = procedures.prefill(reading)
        except ExchangeError as exc:
            form.add_error("share_code", str(exc))
    return render(
        request,
        "exchange/procedure.html",
        {"form": form, "school": school, "filled": filled},
    )
