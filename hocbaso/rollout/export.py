"""Each dashboard as an Excel workbook (.xlsx): Vietnamese headings, Vietnam time.

The workbook is the report a unit or the department files: always in
Vietnamese whatever the page's language, dates and times in Vietnam time
(spreadsheets have no time zones, so the local wall-clock time is written and
the heading says so).
"""

from __future__ import annotations

import datetime as dt
from io import BytesIO

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from hocbaso.formulas import keep_as_text
from hocbaso.records.models import Round, SchoolClass
from hocbaso.rollout.dashboards import Dashboard
from hocbaso.rollout.figures import FIELDS, LABELS, YEAR_FIELDS
from hocbaso.rollout.students import StudentRow

DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOLD = Font(bold=True)


def local(moment: dt.datetime | None) -> dt.datetime | None:
    """An aware instant as Vietnam wall-clock time without a zone (for a cell)."""
    if moment is None:
        return None
    return timezone.localtime(moment).replace(tzinfo=None)


def _save(book: Workbook) -> bytes:
    keep_as_text(book)  # names and comments never run as formulas
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _heading(sheet: Worksheet, title: str, dashboard_year: str, round_label: str):
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([_("School year"), dashboard_year])
    sheet.append([_("Round"), round_label])
    sheet.append([_("Made at (Vietnam time)"), local(timezone.now())])
    sheet.cell(row=4, column=2).number_format = DATETIME_FORMAT
    sheet.append([])


def _header_row(sheet: Worksheet, names: list[str]) -> None:
    sheet.append(names)
    for cell in sheet[sheet.max_row]:
        cell.font = BOLD
    for index, name in enumerate(names, start=1):
        width = max(12, min(40, len(name) + 2))
        sheet.column_dimensions[get_column_letter(index)].width = width


def _format_times(sheet: Worksheet, column: int, first_row: int) -> None:
    for row in range(first_row, sheet.max_row + 1):
        sheet.cell(row=row, column=column).number_format = DATETIME_FORMAT


def dashboard_workbook(dashboard: Dashboard) -> bytes:
    """The dashboard's rows (units, schools or classes), totals and deadlines."""
    with translation.override("vi"):
        book = Workbook()
        sheet = book.active
        sheet.title = _("Figures")
        _heading(sheet, dashboard.title, dashboard.year.name, dashboard.round_label)
        if dashboard.unit_rows:
            _figure_table(sheet, _("Management unit"), dashboard.unit_rows)
            sheet.append([])
        if dashboard.level == "school":
            _figure_table(sheet, _("Class"), dashboard.rows, codes=False)
        else:
            _figure_table(sheet, _("School"), dashboard.rows, with_schools=True)
        sheet.append([_("Total"), "", *_values(dashboard.totals)])
        for cell in sheet[sheet.max_row]:
            cell.font = BOLD
        _deadline_sheet(book.create_sheet(_("Deadlines")), dashboard)
        return _save(book)


def _values(figures) -> list[int]:
    return [getattr(figures, f.name) for f in FIELDS]


def _figure_table(
    sheet: Worksheet, what: str, rows, *, with_schools=False, codes=True
) -> None:
    extra = []
    if with_schools:
        extra = [
            _("Signing staff in post"),
            _("With a valid certificate"),
            _("Seal registered"),
            _("Round locked at"),
        ]
    _header_row(
        sheet, [_("Code"), what, *(str(LABELS[f.name]) for f in FIELDS), *extra]
    )
    first = sheet.max_row + 1
    for row in rows:
        cells = [row.key if codes else "", row.name, *_values(row.figures)]
        if with_schools:
            ready = row.readiness
            cells += [
                ready.staff if ready else "",
                ready.certified if ready else "",
                (_("Yes") if ready.seal else _("No")) if ready else "",
                local(row.locked_at),
            ]
        sheet.append(cells)
    if with_schools:
        _format_times(sheet, 3 + len(FIELDS) + 3, first)


def _deadline_sheet(sheet: Worksheet, dashboard: Dashboard) -> None:
    _header_row(sheet, [_("Deadline"), _("Date"), _("Days left"), _("Passed")])
    for deadline in dashboard.deadlines:
        sheet.append(
            [
                deadline.label,
                deadline.day,
                deadline.days_left,
                _("Yes") if deadline.passed else _("No"),
            ]
        )
        sheet.cell(row=sheet.max_row, column=2).number_format = DATE_FORMAT
    sheet.append([])
    names = [f.name for f in FIELDS if f.name not in YEAR_FIELDS]
    sheet.append([_("Round"), *(str(LABELS[n]) for n in names)])
    for cell in sheet[sheet.max_row]:
        cell.font = BOLD
    for label, figures in dashboard.round_totals:
        sheet.append([label, *(getattr(figures, n) for n in names)])
    report = dashboard.report
    if report is not None:
        sheet.append([])
        sheet.append([_("Unit report submitted at"), local(report.submitted_at)])
        sheet.cell(row=sheet.max_row, column=2).number_format = DATETIME_FORMAT
        sheet.append([_("Late"), _("Yes") if report.late else _("No")])


def class_workbook(
    school_class: SchoolClass, students: list[StudentRow], round_label: str
) -> bytes:
    """The class's students and the state of each one's record (no lookup codes)."""
    with translation.override("vi"):
        book = Workbook()
        sheet = book.active
        sheet.title = _("Students")
        title = f"{school_class.name} · {school_class.school.name}"
        _heading(sheet, title, school_class.school_year.name, round_label)
        _header_row(
            sheet,
            [
                _("Student code"),
                _("Full name"),
                _("Record status"),
                _("Round"),
                str(LABELS["teachers"]),
                str(LABELS["principal"]),
                str(LABELS["sealed"]),
                _("Registry"),
            ],
        )
        yes, no = _("Yes"), _("No")
        for s in students:
            sheet.append(
                [
                    s.student_code,
                    s.name,
                    s.status_label,
                    s.round_label,
                    yes if s.teachers else no,
                    yes if s.principal else no,
                    yes if s.sealed else no,
                    s.registry_label,
                ]
            )
        return _save(book)


SHEETS = {"primary": "Tiểu học", "secondary": "THCS"}


def results_workbook(title: str, stats) -> bytes:
    """The results statistics: one sheet per school level, a count and a share
    (of the assessed pupils, formatted as a percentage) under every column."""
    with translation.override("vi"):
        book = Workbook()
        book.remove(book.active)
        round_label = str(Round(stats.round).label) if stats.round else _("Whole year")
        for level, rows in stats.levels.items():
            sheet = book.create_sheet(SHEETS[level])
            _heading(sheet, title, stats.year.name, round_label)
            _results_table(sheet, stats.columns[level], rows)
        if not stats.levels:
            _heading(book.create_sheet(_("Results")), title, stats.year.name, "")
        return _save(book)


def _results_table(sheet: Worksheet, columns, rows) -> None:
    fixed = [_("School code"), _("School"), _("Grade"), _("Class")]
    fixed += [_("Pupils"), _("Assessed")]
    heads = []
    for column in columns:
        heads += [
            f"{column.group}: {column.label}",
            f"{column.group}: {column.label} (%)",
        ]
    _header_row(sheet, [*fixed, *heads])
    for row in rows:
        cells = [row.school_code, row.school_name, row.grade, row.class_name]
        cells += [row.pupils, row.assessed]
        for count, share in row.cells(columns):
            cells += [count, None if share is None else round(share, 4)]
        sheet.append(cells)
        for index in range(len(fixed) + 2, len(cells) + 1, 2):
            sheet.cell(row=sheet.max_row, column=index).number_format = "0.0%"
    for cell in sheet[sheet.max_row]:
        cell.font = BOLD
