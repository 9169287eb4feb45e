"""Pages for the registry's actions a school takes: revoke a submission, and a
transfer's request, release and acknowledgement.

Each page calls the registry's public action (hocbaso.registry.actions) exactly as
the JSON API does, with the logged-in user as the actor: the registry decides who
may (docs/registry.md) and its refusal is shown as it words it. Revoking cannot
be undone, so the page asks for a reason and an explicit confirmation.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from hocbaso.records.models import YearlyRecord
from hocbaso.records.scope import filter_for
from hocbaso.registry import actions
from hocbaso.registry.errors import RegistryError
from hocbaso.registry.models import Submission, Transfer
from hocbaso.school import clock
from hocbaso.school.access import leader_appointment


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"), max_length=1000, widget=forms.Textarea
    )
    confirm = forms.BooleanField(
        label=gettext_lazy(
            "I understand that the submission is withdrawn and cannot be restored"
        )
    )


class TransferRequestForm(forms.Form):
    student_code = forms.CharField(label=gettext_lazy("Student code"), max_length=20)
    level = forms.ChoiceField(
        label=gettext_lazy("School level"),
        choices=[
            ("primary", gettext_lazy("Primary")),
            ("secondary", gettext_lazy("Lower secondary")),
        ],
    )
    note = forms.CharField(label=gettext_lazy("Note"), max_length=1000, required=False)


def _actor(request):
    return actions.Actor.of_user(request.user)


@login_required
def revoke_page(request: HttpRequest, pk: int) -> HttpResponse:
    records = filter_for(
        request.user, YearlyRecord.objects.select_related("school", "school_year")
    )
    record = get_object_or_404(
        records.select_related("transcript__student", "school_class"), pk=pk
    )
    leader_appointment(request, record.school_year_id, record.school_id)
    submission = Submission.objects.filter(
        record=record, state=Submission.State.ACCEPTED
    ).first()
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and submission is not None and form.is_valid():
        try:
            actions.revoke(
                submission.public_id,
                school=record.school,
                actor=_actor(request),
                reason=form.cleaned_data["reason"],
                clock=clock.registry_clock(),
            )
        except RegistryError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The submission is revoked."))
            return redirect("school:record", pk=record.pk)
    return render(
        request,
        "school/revoke.html",
        {"record": record, "submission": submission, "form": form},
    )


@login_required
def transfers_page(request: HttpRequest, school_year: int, school: int):
    appointment = leader_appointment(request, school_year, school)
    form = TransferRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            transfer = actions.request_transfer(
                **form.cleaned_data,
                to_school=appointment.school,
                actor=_actor(request),
                clock=clock.registry_clock(),
                discreet=True,
            )
        except RegistryError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("The request %(id)s is recorded; the sending school releases it.")
                % {"id": transfer.public_id},
            )
            return redirect("school:transfers", school_year, school)
    rows = Transfer.objects.filter(
        from_school=appointment.school
    ) | Transfer.objects.filter(to_school=appointment.school)
    return render(
        request,
        "school/transfers.html",
        {
            "school": appointment.school,
            "year": appointment.school_year,
            "form": form,
            "transfers": rows.select_related(
                "from_school", "to_school", "transcript__student"
            ).order_by("-requested_at"),
        },
    )


@login_required
@require_POST
def transfer_step(request, school_year: int, school: int, transfer_id: str, step: str):
    appointment = leader_appointment(request, school_year, school)
    call = {
        "release": actions.release_transfer,
        "acknowledge": actions.acknowledge_transfer,
    }.get(step)
    if call is None:
        raise Http404
    try:
        call(
            transfer_id,
            school=appointment.school,
            actor=_actor(request),
            clock=clock.registry_clock(),
        )
    except RegistryError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("The transcript is released to the receiving school.")
            if step == "release"
            else _("Acknowledged: your school manages the transcript from now on."),
        )
    return redirect("school:transfers", school_year, school)
