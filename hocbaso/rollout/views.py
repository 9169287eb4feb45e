"""Pages of the rollout dashboards: thin views over ``dashboards`` and ``export``.

Every page takes ``?year=2025-2026&round=main`` (defaults: the school year
running today and the round whose report is due next) and has an Excel twin
under ``export/``. What a user may open is ``access.viewer_of``'s business;
anything else answers 404.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hocbaso.records.models import (
    Round,
    School,
    SchoolClass,
    SchoolUnitPeriod,
    SchoolYear,
)
from hocbaso.registry import actions
from hocbaso.registry.actors import Actor
from hocbaso.registry.errors import RegistryError
from hocbaso.rollout import dashboards, export
from hocbaso.rollout.access import viewer_of
from hocbaso.rollout.charts import Group, Series, bar_chart
from hocbaso.rollout.difficulty_views import counts
from hocbaso.rollout.figures import FIELDS, LABELS, YEAR_FIELDS
from hocbaso.rollout.models import Difficulty
from hocbaso.rollout.students import class_students


class PeriodForm(forms.Form):
    year = forms.ModelChoiceField(
        queryset=SchoolYear.objects.all(), to_field_name="name", required=False
    )
    round = forms.ChoiceField(choices=Round.choices, required=False)


def default_year() -> SchoolYear | None:
    today = timezone.localdate()
    years = SchoolYear.objects.order_by("-start_date")
    return years.filter(start_date__lte=today).first() or years.first()


def default_round(year: SchoolYear) -> str:
    """The round whose unit report is due next; the main round once both passed."""
    now = timezone.now()
    if now >= year.deadline("main_report_date") and now < year.deadline(
        "supplementary_report_date"
    ):
        return Round.SUPPLEMENTARY.value
    return Round.MAIN.value


class BadPeriod(Exception):
    pass


def _period(request: HttpRequest) -> tuple[SchoolYear, str]:
    form = PeriodForm(request.GET or request.POST or None)
    if form.is_bound and not form.is_valid():
        problems = "; ".join(
            f"{name}: {' '.join(errors)}" for name, errors in form.errors.items()
        )
        raise BadPeriod(problems)
    data = form.cleaned_data if form.is_bound else {}
    year = data.get("year") or default_year()
    if year is None:
        raise BadPeriod(_("No school year has been set up yet."))
    return year, data.get("round") or default_round(year)


def _bad(error: BadPeriod) -> HttpResponse:
    message = _("The school year or round is not valid: %(problems)s") % {
        "problems": str(error)
    }
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


def _xlsx(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=export.XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


@login_required
def home(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request.user)
    if viewer.is_empty:
        raise PermissionDenied(_("You have no rollout dashboard."))
    departments = list(viewer.departments)
    units = list(viewer.units) if not departments else []
    schools = list(viewer.schools) if not (departments or units) else []
    choices = departments or units or schools
    if len(choices) == 1:
        page = (
            "rollout:department"
            if departments
            else "rollout:unit"
            if units
            else "rollout:school"
        )
        url = reverse(page, args=[choices[0].code])
        query = request.GET.urlencode()
        return redirect(f"{url}?{query}" if query else url)
    return render(
        request,
        "rollout/home.html",
        {"departments": departments, "units": units, "schools": schools},
    )


def _page(request, viewer, build, *, export_name: str, export_only: bool, duties):
    try:
        year, round_name = _period(request)
    except BadPeriod as error:
        return _bad(error)
    if export_only:
        with translation.override("vi"):
            dashboard = build(year, round_name)
            data = export.dashboard_workbook(dashboard)
        return _xlsx(data, f"{export_name}-{year.name}-{round_name}")
    dashboard = build(year, round_name)
    context = _context(request, viewer, dashboard)
    context["duties"] = _duties(viewer, *duties, dashboard.year)
    return render(request, "rollout/dashboard.html", context)


def _duties(viewer, schools, readiness_url: str, year: SchoolYear) -> dict:
    """The links to readiness and difficulties, with the open difficulties counted."""
    visible = Difficulty.objects.filter(school__in=viewer.schools).filter(
        school__in=schools
    )
    return {
        "readiness_url": f"{readiness_url}?year={year.name}",
        "difficulties": counts(visible),
    }


def _context(request, viewer, dashboard: dashboards.Dashboard) -> dict:
    return {
        "dashboard": dashboard,
        "years": SchoolYear.objects.order_by("-start_date"),
        "rounds": Round.choices,
        "columns": [(f.name, LABELS[f.name]) for f in FIELDS],
        "round_columns": ROUND_COLUMNS,
        "progress_chart": _progress_chart(dashboard),
        "readiness_chart": _readiness_chart(dashboard),
        "export_url": request.path.rstrip("/")
        + "/export/?"
        + f"year={dashboard.year.name}&round={dashboard.round}",
        "may_report": dashboard.unit is not None and viewer.officer_of(dashboard.unit),
        "results_url": _results_url(request, dashboard),
    }


def _results_url(request, dashboard: dashboards.Dashboard) -> str:
    if dashboard.level not in ("department", "unit"):
        return ""
    return (
        request.path.rstrip("/")
        + f"/results/?year={dashboard.year.name}&round={dashboard.round}"
    )


PROGRESS_SERIES = ("sealed", "accepted", "locked")
# The figures that belong to a round (students and records made do not).
ROUND_COLUMNS = tuple(f.name for f in FIELDS if f.name not in YEAR_FIELDS)


def _progress_chart(dashboard: dashboards.Dashboard):
    if not dashboard.rows:
        return ""
    series = [Series(name, str(LABELS[name])) for name in PROGRESS_SERIES]
    groups = [
        Group(
            row.name,
            tuple(
                (getattr(row.figures, s), row.figures.to_send) for s in PROGRESS_SERIES
            ),
        )
        for row in dashboard.rows
    ]
    totals = dashboard.totals
    description = _(
        "%(round)s: of %(records)s records to send (%(unplaced)s not yet in a "
        "round, %(unrecorded)s not yet made), %(sealed)s sealed, %(accepted)s "
        "accepted and %(locked)s locked. The table below gives every figure."
    ) % {
        "round": dashboard.round_label,
        "records": totals.to_send,
        "unplaced": totals.unassigned,
        "unrecorded": totals.unrecorded,
        "sealed": totals.sealed,
        "accepted": totals.accepted,
        "locked": totals.locked,
    }
    return bar_chart(_("Progress of the round"), description, series, groups)


def _readiness_chart(dashboard: dashboards.Dashboard):
    rows = [r for r in dashboard.rows if r.readiness is not None]
    if not rows:
        return ""
    total = dashboard.readiness_total
    description = _(
        "%(certified)s of %(staff)s signing staff hold a valid registered "
        "certificate. The table below gives every figure."
    ) % {"certified": total.certified, "staff": total.staff}
    series = [Series("certified", _("With a valid certificate"))]
    groups = [
        Group(r.name, ((r.readiness.certified, r.readiness.staff),)) for r in rows
    ]
    return bar_chart(_("Signing staff with certificates"), description, series, groups)


def _department(request, code: str, export_only: bool = False):
    viewer = viewer_of(request.user)
    department = viewer.department(code)
    return _page(
        request,
        viewer,
        lambda y, r: dashboards.department_dashboard(viewer, department, y, r),
        export_name=f"so-{department.code}",
        export_only=export_only,
        duties=(
            School.objects.filter(department=department),
            reverse("rollout:department_readiness", args=[department.code]),
        ),
    )


def _unit(request, code: str, export_only: bool = False):
    viewer = viewer_of(request.user)
    unit = viewer.unit(code)
    return _page(
        request,
        viewer,
        lambda y, r: dashboards.unit_dashboard(viewer, unit, y, r),
        export_name=f"donvi-{unit.code}",
        export_only=export_only,
        duties=(
            SchoolUnitPeriod.objects.filter(unit=unit).values("school"),
            reverse("rollout:unit_readiness", args=[unit.code]),
        ),
    )


def _school(request, code: str, export_only: bool = False):
    viewer = viewer_of(request.user)
    school = viewer.school(code)
    return _page(
        request,
        viewer,
        lambda y, r: dashboards.school_dashboard(viewer, school, y, r),
        export_name=f"truong-{school.code}",
        export_only=export_only,
        duties=(
            [school.pk],
            reverse("rollout:school_readiness", args=[school.code]),
        ),
    )


def _class(request, code: str, class_id: int, export_only: bool = False):
    viewer = viewer_of(request.user)
    school = viewer.school(code)
    school_class = get_object_or_404(
        SchoolClass.objects.select_related("school", "school_year"),
        pk=class_id,
        school=school,
    )
    try:
        _year, round_name = _period(request)
    except BadPeriod as error:
        return _bad(error)
    if export_only:
        with translation.override("vi"):
            students = class_students(school_class)
            data = export.class_workbook(
                school_class, students, str(Round(round_name).label)
            )
        return _xlsx(data, f"lop-{school.code}-{school_class.name}")
    year = school_class.school_year
    crumbs = dashboards.school_crumbs(viewer, school, year, round_name)
    crumbs.append(
        (
            school.name,
            reverse("rollout:school", args=[school.code])
            + f"?year={year.name}&round={round_name}",
        )
    )
    crumbs.append((school_class.name, ""))
    return render(
        request,
        "rollout/class.html",
        {
            "school_class": school_class,
            "students": class_students(school_class),
            "crumbs": crumbs,
            "round": round_name,
            "export_url": request.path.rstrip("/")
            + f"/export/?year={school_class.school_year.name}&round={round_name}",
        },
    )


@login_required
def department(request, code):
    return _department(request, code)


@login_required
def department_export(request, code):
    return _department(request, code, export_only=True)


@login_required
def unit(request, code):
    return _unit(request, code)


@login_required
def unit_export(request, code):
    return _unit(request, code, export_only=True)


@login_required
def school(request, code):
    return _school(request, code)


@login_required
def school_export(request, code):
    return _school(request, code, export_only=True)


@login_required
def school_class(request, code, class_id):
    return _class(request, code, class_id)


@login_required
def class_export(request, code, class_id):
    return _class(request, code, class_id, export_only=True)


@login_required
@require_POST
def unit_report(request, code):
    """The unit's officer submits the round's report to the department (R13)."""
    viewer = viewer_of(request.user)
    unit = viewer.unit(code)
    try:
        year, round_name = _period(request)
    except BadPeriod as error:
        return _bad(error)
    back = reverse("rollout:unit", args=[unit.code]) + (
        f"?year={year.name}&round={round_name}"
    )
    if request.POST.get("confirm") != "yes" and viewer.officer_of(unit):
        # Sending cannot be undone: the first POST only asks again, with the
        # figures the report will carry (a page, so it works without script).
        dashboard = dashboards.unit_dashboard(viewer, unit, year, round_name)
        return render(
            request,
            "rollout/report_confirm.html",
            {"dashboard": dashboard, "back": back},
        )
    try:
        report = actions.submit_unit_report(
            unit, year, round_name, actor=Actor.of_user(request.user)
        )
    except RegistryError as error:
        messages.error(request, str(error))
        return redirect(back)
    sent = timezone.localtime(report.submitted_at).strftime("%d/%m/%Y %H:%M")
    if report.late:
        text = _("The report was submitted at %(time)s, after the deadline.")
    else:
        text = _("The report was submitted at %(time)s, on time.")
    messages.success(request, text % {"time": sent})
    return redirect(back)
