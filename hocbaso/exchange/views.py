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

from hocbaso.exchange import delivery, signed
from hocbaso.exchange.errors import ExchangeError
from hocbaso.exchange.models import OutboundBatch
from hocbaso.records.models import Department
from hocbaso.registry.actors import Actor, is_department_officer


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
    return render(request, "exchange/history.html", {"batches": batches})


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
