"""The import page: templates to download, a workbook to upload, what it did.

Open to the staff who may import into at least one school (access.py); every
school, class and year in a request is checked against that access again.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from hocbaso.imports import workbooks
from hocbaso.imports.access import access_of, schools_for
from hocbaso.imports.actions import import_workbook
from hocbaso.imports.errors import (
    ImportNotAllowedError,
    InvalidRowsError,
    SpreadsheetError,
)
from hocbaso.imports.files import check_file
from hocbaso.imports.forms import ImportForm, StudentsTemplateForm
from hocbaso.imports.models import ImportRun
from hocbaso.imports.reading import read_workbook
from hocbaso.records.models import SchoolClass, SchoolYear
from hocbaso.season import importing

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ENTITIES = (
    ("classes", _("Classes")),
    ("students", _("Students")),
    ("enrollments", _("Enrollments")),
    ("records", _("Yearly records")),
    ("assessments", _("Subject assessments (per term)")),
    ("record_data", _("Qualities, conduct, comments")),
)


def _schools(request: HttpRequest):
    schools = schools_for(request.user)
    if not schools.exists():
        raise PermissionDenied
    return schools


@login_required
def home(request: HttpRequest) -> HttpResponse:
    schools = _schools(request)
    context: dict = {}
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES, schools=schools)
        if form.is_valid():
            context |= _run(request, form)
            if "job" in context:
                return redirect("season:job", context["job"].public_id)
    else:
        form = ImportForm(schools=schools)
    years = SchoolYear.objects.active()
    context |= {
        "form": form,
        "template_form": StudentsTemplateForm(schools=schools, years=years),
        "classes": _classes(request.user, schools, years),
        "runs": ImportRun.objects.filter(school__in=schools).select_related("school")[
            :10
        ],
    }
    return render(request, "imports/home.html", context)


def _run(request: HttpRequest, form: ImportForm) -> dict:
    upload = form.cleaned_data["file"]
    data = upload.read()
    large = _rows_if_large(data, upload.name)
    if large:  # too long for a request: a task, and its page (docs/imports.md)
        job = importing.start_import(
            request.user,
            form.cleaned_data["school"],
            data,
            upload.name,
            form.cleaned_data["dry_run"],
            large,
        )
        return {"job": job}
    try:
        report = import_workbook(
            data,
            school=form.cleaned_data["school"],
            user=request.user,
            file_name=upload.name,
            dry_run=form.cleaned_data["dry_run"],
        )
    except InvalidRowsError as exc:
        return {"problems": exc.problems}
    except SpreadsheetError as exc:
        return {"refused": str(exc)}
    return {"report": report, "table": _table(report.counts)}


def _rows_if_large(data: bytes, file_name: str) -> int:
    """The rows of a workbook over the task threshold, else 0 (a file that does
    not read is imported in the request, which refuses and audits it)."""
    try:
        check_file(data, file_name)
        found, _problems = read_workbook(data)
    except SpreadsheetError:
        return 0
    rows = sum(len(sheet.rows) for sheet in found)
    return rows if rows > importing.ROWS_FOR_A_TASK else 0


def _table(counts: dict[str, int]) -> list[tuple[str, int, int, int]]:
    return [
        (
            label,
            counts.get(f"{entity}_created", 0),
            counts.get(f"{entity}_updated", 0),
            counts.get(f"{entity}_unchanged", 0),
        )
        for entity, label in ENTITIES
        if any(k.startswith(f"{entity}_") for k in counts)
    ]


def _classes(user, schools, years):
    classes = SchoolClass.objects.filter(
        school__in=schools, school_year__in=years
    ).select_related("school", "school_year")
    out = []
    for school_class in classes.order_by("school__code", "-school_year__name", "name"):
        try:
            allowed = access_of(user, school_class.school).may_import_class(
                school_class.pk
            )
        except ImportNotAllowedError:
            allowed = False
        if allowed:
            out.append(school_class)
    return out


@login_required
def students_template(request: HttpRequest) -> HttpResponse:
    schools = _schools(request)
    form = StudentsTemplateForm(
        request.GET, schools=schools, years=SchoolYear.objects.all()
    )
    if not form.is_valid():
        raise Http404
    school, year = form.cleaned_data["school"], form.cleaned_data["year"]
    data = workbooks.students_workbook(school, year)
    return _download(data, f"hocsinh-{slugify(school.code)}-{year.name}.xlsx")


@login_required
def class_template(request: HttpRequest, pk: int) -> HttpResponse:
    school_class = get_object_or_404(
        SchoolClass.objects.select_related("school", "school_year"),
        pk=pk,
        school__in=_schools(request),
    )
    try:
        allowed = access_of(request.user, school_class.school).may_import_class(pk)
    except ImportNotAllowedError:
        allowed = False
    if not allowed:
        raise PermissionDenied
    data = workbooks.class_workbook(school_class)
    name = f"danhgia-{slugify(school_class.school.code)}-{slugify(school_class.name)}"
    return _download(data, f"{name}-{school_class.school_year.name}.xlsx")


def _download(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
