"""The readiness pages: the school declares, the unit and the department follow.

Seeing follows ``access.viewer_of`` (404 outside it); declaring is the
school's side only (``parties.is_school_side``, 403 for the unit or the
department) and only for an active school year: a year whose calendar has
run out is history, not a declaration to correct.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from hocbaso.records.models import School, SchoolYear
from hocbaso.registry import rounds
from hocbaso.rollout import actions, readiness
from hocbaso.rollout.access import viewer_of
from hocbaso.rollout.dashboards import units_on
from hocbaso.rollout.forms import DueForm, ReadinessForm
from hocbaso.rollout.models import ReadinessItem
from hocbaso.rollout.parties import is_school_side
from hocbaso.rollout.views import BadPeriod, _bad, default_year


class YearForm(forms.Form):
    year = forms.ModelChoiceField(
        queryset=SchoolYear.objects.all(), to_field_name="name", required=False
    )


def school_year_of(request) -> SchoolYear:
    """``?year=`` (or the posted year), else the year running today."""
    form = YearForm(request.POST if request.method == "POST" else request.GET)
    if not form.is_valid():
        raise BadPeriod("; ".join(" ".join(e) for e in form.errors.values()))
    year = form.cleaned_data.get("year") or default_year()
    if year is None:
        raise BadPeriod(_("No school year has been set up yet."))
    return year


def _context(year: SchoolYear, **more) -> dict:
    return {
        "year": year,
        "years": SchoolYear.objects.order_by("-start_date"),
        "items": ReadinessItem.choices,
        **more,
    }


def _headers(dues: dict) -> list[tuple[str, str, object]]:
    return [(value, label, dues[value]) for value, label in ReadinessItem.choices]


def _is_active(year: SchoolYear) -> bool:
    return SchoolYear.objects.active().filter(pk=year.pk).exists()


@login_required
def school_readiness(request, code: str) -> HttpResponse:
    viewer = viewer_of(request.user)
    school = viewer.school(code)
    try:
        year = school_year_of(request)
    except BadPeriod as error:
        return _bad(error)
    may_report = is_school_side(request.user, school)
    form = None
    if request.method == "POST":
        if not may_report:
            raise PermissionDenied(_("Only the school's leaders and clerk report it."))
        if not _is_active(year):
            return _bad(
                BadPeriod(_("School year %(year)s is closed.") % {"year": year})
            )
        form = ReadinessForm(request.POST, year=year)
        if form.is_valid():
            data = form.cleaned_data
            actions.report_readiness(
                request.user,
                school,
                year,
                data["item"],
                done=data["done"],
                done_on=data["done_on"],
                note=data["note"],
            )
            messages.success(request, _("Saved."))
            return redirect(f"{request.path}?year={year.name}")
    row = readiness.table(School.objects.filter(pk=school.pk), year)[0]
    crumbs = [(school.name, reverse("rollout:school", args=[school.code]))]
    context = _context(year, school=school, row=row, form=form, crumbs=crumbs)
    context["may_report"] = may_report and _is_active(year)
    status = 400 if form is not None else 200
    return render(request, "rollout/readiness_school.html", context, status=status)


@login_required
def unit_readiness(request, code: str) -> HttpResponse:
    viewer = viewer_of(request.user)
    unit = viewer.unit(code)
    try:
        year = school_year_of(request)
    except BadPeriod as error:
        return _bad(error)
    managed = rounds.schools_of_unit(unit, year, "main").values("pk")
    rows = readiness.table(viewer.schools.filter(pk__in=managed), year)
    dues = readiness.due_dates(unit.department_id, year)
    crumbs = [(unit.name, reverse("rollout:unit", args=[unit.code]))]
    context = _context(year, unit=unit, rows=rows, headers=_headers(dues))
    context["crumbs"] = crumbs
    return render(request, "rollout/readiness_unit.html", context)


@login_required
def department_readiness(request, code: str) -> HttpResponse:
    viewer = viewer_of(request.user)
    department = viewer.department(code)
    try:
        year = school_year_of(request)
    except BadPeriod as error:
        return _bad(error)
    form = None
    if request.method == "POST":
        form = DueForm(request.POST, year=year)
        if form.is_valid():
            data = form.cleaned_data
            actions.set_due(
                request.user, department, year, data["item"], data["due_on"]
            )
            messages.success(request, _("Saved."))
            return redirect(f"{request.path}?year={year.name}")
    rows = readiness.table(viewer.schools.filter(department=department), year)
    unit_of = units_on(department, year.main_lock_date)
    context = _context(
        year,
        department=department,
        crumbs=[(department.name, reverse("rollout:department", args=[code]))],
        summaries=readiness.summaries(rows, unit_of),
        headers=_headers(readiness.due_dates(department.pk, year)),
        form=form,
    )
    status = 400 if form is not None else 200
    return render(request, "rollout/readiness_department.html", context, status=status)
