"""The department's rounds, deadlines and locks (``deadline_pages`` says who
sees and does what). Each action is two POSTs: the first shows what it will do
and asks again, the second (``confirm=yes``) does it; no script is needed."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from hocbaso.records.models import Round, SchoolYear
from hocbaso.registry import actions, rounds
from hocbaso.registry.actors import Actor
from hocbaso.registry.errors import RegistryError
from hocbaso.season import deadline_pages as pages

YEARS_SHOWN = 3
SCOPES = [
    ("department", gettext_lazy("the department")),
    ("unit", gettext_lazy("a management unit")),
    ("school", gettext_lazy("a school")),
]


class LockForm(forms.Form):
    year = forms.CharField(max_length=9)
    round = forms.ChoiceField(choices=Round.choices)
    scope = forms.ChoiceField(choices=SCOPES)
    code = forms.CharField(max_length=40)


class MoveForm(forms.Form):
    year = forms.CharField(max_length=9)
    round = forms.ChoiceField(choices=Round.choices)
    date = forms.DateField(input_formats=["%Y-%m-%d", "%d/%m/%Y"])


def _refusal(code: str, params: dict) -> str:
    texts = {
        "PASSED": _("This deadline has passed: it can no longer be moved."),
        "UNCHANGED": _("The new date is the deadline's current date."),
        "IN_THE_PAST": _("The new deadline must be in the future."),
        "AFTER_REPORT": _(
            "The lock deadline cannot be after the round's report deadline "
            "(%(report)s)."
        ),
        "ROUNDS_OUT_OF_ORDER": _(
            "The main round's lock deadline must be before the supplementary one's."
        ),
    }
    if "report" in params:
        params = {"report": _local(params["report"])}
    return texts[code] % params


def _local(moment) -> str:
    """A deadline as read: the last minute of its day, Vietnam time."""
    return timezone.localtime(moment - timezone.timedelta(seconds=1)).strftime(
        "%H:%M %d/%m/%Y"
    )


@login_required
def home(request):
    officer = pages.officer_of(request.user)
    years = SchoolYear.objects.order_by("-name")[:YEARS_SHOWN]
    context = {
        "officer": officer,
        "rows": pages.rounds_of(officer, years),
        "may_move": officer.acts and pages.may_move(officer),
        "scopes": SCOPES,
    }
    return render(request, "season/deadlines/home.html", context)


def _year(name: str) -> SchoolYear:
    found = SchoolYear.objects.filter(name=name).first()
    if found is None:
        raise PermissionDenied
    return found


@login_required
@require_POST
def lock(request):
    officer = pages.acting(request.user)
    form = LockForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a school year, a round and a scope."))
        return redirect("deadlines:home")
    data = form.cleaned_data
    year = _year(data["year"])
    scope = pages.scope_named(officer, data["scope"], data["code"])
    if request.POST.get("confirm") != "yes":
        # Locking cannot be undone: the first POST only shows what it will do.
        open_schools = rounds.schools_in(scope, year, data["round"]).exclude(
            pk__in=pages.locked_schools(year, data["round"])
        )
        context = {
            "form": data,
            "scope": scope,
            "year": year,
            "round_label": Round(data["round"]).label,
            "schools": open_schools.order_by("code"),
        }
        return render(request, "season/deadlines/confirm_lock.html", context)
    try:
        result = actions.lock_round(
            year.name, data["round"], scope=scope, actor=Actor.of_user(request.user)
        )
    except RegistryError as error:
        messages.error(request, str(error))
        return redirect("deadlines:home")
    schools = sum(1 for s in result.schools if not s.already_locked)
    messages.success(
        request,
        _(
            "Locked %(name)s: %(locked)s records in %(schools)s schools, "
            "%(missing)s records missing."
        )
        % {
            "name": scope.name,
            "locked": result.locked,
            "schools": schools,
            "missing": result.missing,
        },
    )
    return redirect("deadlines:home")


@login_required
@require_POST
def move(request):
    officer = pages.acting(request.user)
    if not pages.may_move(officer):
        raise PermissionDenied
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the new date as dd/mm/yyyy."))
        return redirect("deadlines:home")
    data = form.cleaned_data
    year = _year(data["year"])
    try:
        pages.check_move(year, data["round"], data["date"])
        if request.POST.get("confirm") == "yes":
            pages.move_deadline(request.user, year, data["round"], data["date"])
    except pages.MoveRefused as refused:
        messages.error(request, _refusal(refused.code, refused.params))
        return redirect("deadlines:home")
    if request.POST.get("confirm") != "yes":
        context = {
            "form": data,
            "year": year,
            "round_label": Round(data["round"]).label,
            "current": _local(rounds.lock_deadline(year, data["round"])),
        }
        return render(request, "season/deadlines/confirm_move.html", context)
    messages.success(
        request,
        _("The lock deadline of the %(round)s round of %(year)s is now %(date)s.")
        % {
            "round": Round(data["round"]).label,
            "year": year.name,
            "date": data["date"].strftime("%d/%m/%Y"),
        },
    )
    return redirect("deadlines:home")
