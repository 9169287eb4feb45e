"""The difficulty channel: a school writes, its unit or the department answers.

Each party sees its scope (``access.viewer_of``: the school its own, the unit
its schools, the department all of its schools); anything else answers 404.
Writing is narrower (``parties``): a new difficulty, a reply and closing are
the school's side, an answer the officers' side; the others get 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hocbaso.records.models import School
from hocbaso.rollout import actions
from hocbaso.rollout.access import SCHOOL_LEADERSHIP, _appointments, viewer_of
from hocbaso.rollout.forms import ANSWER, CLOSE, REPLY, DifficultyForm, MessageForm
from hocbaso.rollout.models import Difficulty, Status
from hocbaso.rollout.parties import is_school_side, officer_side

REFUSALS = {
    "DIFFICULTY_CLOSED": gettext_lazy(
        "The difficulty is closed: nothing more can be written to it."
    ),
}


def counts(difficulties: QuerySet[Difficulty]) -> dict[str, int]:
    """How many difficulties in each status, in one query."""
    found = dict(difficulties.order_by().values_list("status").annotate(n=Count("pk")))
    return {s.value: found.get(s.value, 0) for s in Status}


@login_required
def difficulty_list(request) -> HttpResponse:
    viewer = viewer_of(request.user)
    if viewer.is_empty:
        raise PermissionDenied(_("You have no rollout dashboard."))
    visible = Difficulty.objects.filter(school__in=viewer.schools)
    status = request.GET.get("status", "")
    if status and status not in Status.values:
        status = ""
    shown = visible.filter(status=status) if status else visible
    own = School.objects.filter(
        pk__in=_appointments(request.user)
        .filter(role__in=SCHOOL_LEADERSHIP)
        .values("school")
    ).order_by("name")
    return render(
        request,
        "rollout/difficulties.html",
        {
            "difficulties": shown.select_related("school")[:500],
            "counts": counts(visible),
            "status": status,
            "statuses": Status.choices,
            "own_schools": own,
        },
    )


@login_required
def difficulty_new(request, code: str) -> HttpResponse:
    school = viewer_of(request.user).school(code)
    if not is_school_side(request.user, school):
        raise PermissionDenied(_("Only the school's leaders and clerk write for it."))
    form = DifficultyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        difficulty = actions.open_difficulty(request.user, school, **form.cleaned_data)
        return redirect("rollout:difficulty", difficulty.pk)
    status = 400 if form.is_bound else 200
    return render(
        request,
        "rollout/difficulty_new.html",
        {"school": school, "form": form},
        status=status,
    )


@login_required
def difficulty(request, pk: int) -> HttpResponse:
    viewer = viewer_of(request.user)
    found = get_object_or_404(
        Difficulty.objects.filter(school__in=viewer.schools).select_related("school"),
        pk=pk,
    )
    school_side = is_school_side(request.user, found.school)
    side = officer_side(viewer, found.school)
    form = MessageForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            _act(request, found, form.cleaned_data, school_side, side)
            return redirect("rollout:difficulty", found.pk)
    context = {
        "difficulty": found,
        "thread": found.messages.all(),
        "form": form,
        "school_side": school_side and found.status != Status.CLOSED,
        "officer_side": bool(side) and found.status != Status.CLOSED,
    }
    status = 400 if form.is_bound else 200
    return render(request, "rollout/difficulty.html", context, status=status)


def _act(request, found: Difficulty, data: dict, school_side: bool, side) -> None:
    action, text = data["action"], data["text"]
    if action == ANSWER and not side:
        raise PermissionDenied(_("Only the school's unit or department answers."))
    if action in (REPLY, CLOSE) and not school_side:
        raise PermissionDenied(_("Only the school's leaders and clerk write for it."))
    try:
        if action == ANSWER:
            actions.answer(request.user, found, side, text)
        elif action == REPLY:
            actions.reply(request.user, found, text)
        else:
            actions.close(request.user, found)
    except actions.RolloutError as error:
        messages.error(request, str(REFUSALS[error.code]))
        return
    messages.success(request, _("Saved."))
