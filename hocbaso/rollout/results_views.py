"""The results statistics pages of the department and the units (docs/rollout.md).

``?year=2025-2026&round=main&by=school``: the round may be left empty (every
record of the year) and ``by`` is ``school``, ``grade`` or ``class``. The schools
are those of the viewer's scope (``access.viewer_of``); anything else is 404.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hocbaso.records.models import Round, SchoolYear
from hocbaso.registry import rounds
from hocbaso.rollout import export, results
from hocbaso.rollout.access import viewer_of
from hocbaso.rollout.views import BadPeriod, _bad, _xlsx, default_year

BY_CHOICES = (
    ("school", gettext_lazy("By school")),
    ("grade", gettext_lazy("By school and grade")),
    ("class", gettext_lazy("By class")),
)
ROUND_CHOICES = (("", gettext_lazy("Every record of the year")), *Round.choices)


class ResultsForm(forms.Form):
    year = forms.ModelChoiceField(
        queryset=SchoolYear.objects.all(), to_field_name="name", required=False
    )
    round = forms.ChoiceField(choices=ROUND_CHOICES, required=False)
    by = forms.ChoiceField(choices=BY_CHOICES, required=False)


def _choice(request: HttpRequest) -> tuple[SchoolYear, str, str]:
    form = ResultsForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        raise BadPeriod(
            "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items())
        )
    data = form.cleaned_data if form.is_bound else {}
    year = data.get("year") or default_year()
    if year is None:
        raise BadPeriod(_("No school year has been set up yet."))
    return year, data.get("round") or "", data.get("by") or "school"


def _page(request, title: str, schools_of, name: str, code: str, export_only: bool):
    try:
        year, round_name, by = _choice(request)
    except BadPeriod as error:
        return _bad(error)
    if export_only:
        with translation.override("vi"):
            stats = results.statistics(
                schools_of(year, round_name), year, round_name, by
            )
            data = export.results_workbook(title, stats)
        return _xlsx(data, f"ket-qua-{code}-{year.name}-{round_name or 'ca-nam'}")
    stats = results.statistics(schools_of(year, round_name), year, round_name, by)
    query = f"?year={year.name}&round={round_name}&by={by}"
    return render(
        request,
        "rollout/results.html",
        {
            "title": title,
            "stats": stats,
            "tables": _tables(stats),
            "years": SchoolYear.objects.order_by("-start_date"),
            "rounds": ROUND_CHOICES,
            "bys": BY_CHOICES,
            "dashboard_url": reverse(f"rollout:{name}", args=[code])
            + f"?year={year.name}&round={round_name or 'main'}",
            "export_url": reverse(f"rollout:{name}_results_export", args=[code])
            + query,
        },
    )


def _tables(stats: results.Statistics) -> list[dict]:
    return [
        {
            "level": level,
            "title": results.LEVEL_TITLES[level],
            "groups": _groups(stats.columns[level]),
            "columns": stats.columns[level],
            "rows": [(row, _cells(row, stats.columns[level])) for row in rows],
        }
        for level, rows in stats.levels.items()
    ]


def _cells(row: results.StatRow, columns: list[results.Column]) -> list[tuple]:
    return [
        (column.key, count, None if share is None else 100 * share)
        for column, (count, share) in zip(columns, row.cells(columns), strict=True)
    ]


def _groups(columns: list[results.Column]) -> list[tuple[str, int]]:
    """Runs of columns under one heading: (heading, span)."""
    groups: list[tuple[str, int]] = []
    for column in columns:
        if groups and groups[-1][0] == str(column.group):
            groups[-1] = (groups[-1][0], groups[-1][1] + 1)
        else:
            groups.append((str(column.group), 1))
    return groups


def _department(request, code: str, export_only: bool = False):
    viewer = viewer_of(request.user)
    department = viewer.department(code)
    schools = viewer.schools.filter(department=department)
    return _page(
        request,
        department.name,
        lambda year, round_name: schools,
        "department",
        department.code,
        export_only,
    )


def _unit(request, code: str, export_only: bool = False):
    viewer = viewer_of(request.user)
    unit = viewer.unit(code)

    def schools_of(year, round_name):
        # The schools the unit managed on the round's lock date (the main
        # round's when every record of the year is counted).
        managed = rounds.schools_of_unit(unit, year, round_name or Round.MAIN)
        return viewer.schools.filter(pk__in=managed.values("pk"))

    return _page(request, unit.name, schools_of, "unit", unit.code, export_only)


@login_required
def department_results(request, code):
    return _department(request, code)


@login_required
def department_results_export(request, code):
    return _department(request, code, export_only=True)


@login_required
def unit_results(request, code):
    return _unit(request, code)


@login_required
def unit_results_export(request, code):
    return _unit(request, code, export_only=True)
