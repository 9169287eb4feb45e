"""The downloadable templates, built at request time from the same column lists
the import reads (``sheets.py``), so a template always matches the code.

- ``students_workbook(school, year)``: instructions, the school's classes of the
  year (more may be added), and an empty students sheet;
- ``class_workbook(school_class)``: instructions, one sheet per subject of the
  class's grade (optional subjects included) and one sheet of whole-record data,
  each listing the class's students with what their records already hold
  (``exporting.py``), so a downloaded template imports back unchanged.

Rows 1-2 (identity and machine keys) are hidden and locked, row 3 is the
header in Vietnamese; the sheet is protected without a password so that the
hidden rows are not changed by accident, while the data columns stay open.
Drop-down lists and number ranges guide the entry; the import checks
everything again anyway.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from hocbaso.assessment import curriculum
from hocbaso.formulas import keep_as_text
from hocbaso.imports import exporting, sheets
from hocbaso.records.models import (
    School,
    SchoolClass,
    SchoolLevel,
    SchoolYear,
)

EXTRA_ROWS = 300
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_OPEN = Protection(locked=False)
_BAD_TITLE = str.maketrans({c: " " for c in "[]:*?/\\"})
_RANGES = {
    "score": ("decimal", 0, 10),
    "test_score": ("whole", 1, 10),
    "whole": ("whole", 0, 400),
    "days": ("whole", 0, 366),
    "height": ("decimal", 1, 250),
    "weight": ("decimal", 1, 200),
}


def students_workbook(school: School, year: SchoolYear) -> bytes:
    with translation.override("vi"):
        book = Workbook()
        _instructions(book.active, _students_help())
        meta = {"school": school.code, "year": year.name}
        classes = book.create_sheet(_("Classes"))
        rows = [
            {"class_name": c.name, "grade": c.grade, "school_year": year.name}
            for c in SchoolClass.objects.filter(school=school, school_year=year)
        ]
        write_sheet(classes, sheets.CLASSES, meta, sheets.CLASS_COLUMNS, rows)
        students = book.create_sheet(_("Students"))
        write_sheet(students, sheets.STUDENTS, meta, sheets.STUDENT_COLUMNS, [])
        return to_bytes(book)


def class_workbook(school_class: SchoolClass) -> bytes:
    with translation.override("vi"):
        return to_bytes(class_book(school_class))


def class_book(school_class: SchoolClass) -> Workbook:
    """The assessment template of a class, as an openpyxl workbook (still Vietnamese
    only while ``translation.override("vi")`` is active)."""
    book = Workbook()
    _instructions(book.active, _class_help(school_class))
    year = school_class.school_year.name
    meta = {
        "school": school_class.school.code,
        "year": year,
        "class": school_class.name,
    }
    record_rows, subject_rows = exporting.class_rows(school_class)
    for spec in curriculum(school_class.level, school_class.grade):
        title = f"{spec.code} - {spec.name}".translate(_BAD_TITLE)[:31]
        sheet = book.create_sheet(title)
        write_sheet(
            sheet,
            sheets.SUBJECT,
            {**meta, "subject": spec.code},
            sheets.subject_columns(spec),
            subject_rows.get(spec.code, []),
        )
    if school_class.level == SchoolLevel.PRIMARY:
        title = _("Qualities, competencies")
    else:
        title = _("Conduct, absences")
    write_sheet(
        book.create_sheet(title[:31]),
        sheets.RECORD,
        meta,
        sheets.record_columns(school_class.level),
        record_rows,
    )
    return book


def to_bytes(book: Workbook) -> bytes:
    """The workbook's file, every cell that a spreadsheet would run kept as text."""
    keep_as_text(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def write_sheet(
    ws: Worksheet,
    kind: str,
    meta: dict[str, str],
    columns: Iterable[sheets.Column],
    rows: list[dict[str, Any]],
) -> None:
    """Write a template sheet: hidden identity and keys, header, ``rows``."""
    columns = tuple(columns)
    ws.append([sheets.MARKER, kind, sheets.VERSION, *_pairs(meta)])
    ws.append([c.key for c in columns])
    ws.append([str(c.header) for c in columns])
    for values in rows:
        ws.append([values.get(c.key) for c in columns])
    last = sheets.FIRST_DATA_ROW + len(rows) + EXTRA_ROWS
    for number, column in enumerate(columns, start=1):
        _style_column(ws, number, column, last)
    ws.row_dimensions[sheets.META_ROW].hidden = True
    ws.row_dimensions[sheets.KEY_ROW].hidden = True
    ws.row_dimensions[sheets.HEADER_ROW].height = 48
    frozen = 3 if kind in (sheets.SUBJECT, sheets.RECORD) else 2
    ws.freeze_panes = f"{get_column_letter(frozen)}{sheets.FIRST_DATA_ROW}"
    _protect(ws)


def _pairs(meta: dict[str, str]) -> list[str]:
    return [item for pair in meta.items() for item in pair]


def _style_column(ws: Worksheet, number: int, column: sheets.Column, last: int) -> None:
    letter = get_column_letter(number)
    ws.column_dimensions[letter].width = column.width
    ws.column_dimensions[letter].protection = _OPEN
    header = ws.cell(sheets.HEADER_ROW, number)
    header.font = Font(bold=True, color="C00000" if column.required else "000000")
    header.fill = _HEADER_FILL
    header.alignment = Alignment(wrap_text=True, vertical="center")
    for row in range(sheets.FIRST_DATA_ROW, ws.max_row + 1):
        cell = ws.cell(row, number)
        cell.protection = _OPEN
        if column.as_text:
            cell.number_format = "@"
    if column.as_text:
        ws.column_dimensions[letter].number_format = "@"
    cells_range = f"{letter}{sheets.FIRST_DATA_ROW}:{letter}{last}"
    validation = _validation(column)
    if validation is not None:
        ws.add_data_validation(validation)
        validation.add(cells_range)


def _validation(column: sheets.Column) -> DataValidation | None:
    if column.choices:
        listed = ",".join(column.choices)
        return DataValidation(
            type="list",
            formula1=f'"{listed}"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=_("Not in the list"),
            error=_("Choose one of: %(codes)s") % {"codes": listed},
        )
    if column.validation in _RANGES:
        kind, low, high = _RANGES[column.validation]
        return DataValidation(
            type=kind,
            operator="between",
            formula1=str(low),
            formula2=str(high),
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=_("Out of range"),
            error=_("A number from %(low)s to %(high)s") % {"low": low, "high": high},
        )
    if column.validation == "date":
        return DataValidation(
            type="date",
            operator="greaterThan",
            formula1="1",
            allow_blank=True,
            showErrorMessage=True,
            error=_("A date, dd/mm/yyyy"),
        )
    return None


def _protect(ws: Worksheet) -> None:
    # No password: the protection only keeps the hidden rows and the header
    # from being changed by accident. Rows may be inserted, sorted, filtered.
    protection = ws.protection
    protection.sheet = True
    for name in (
        "formatCells",
        "formatColumns",
        "formatRows",
        "insertRows",
        "deleteRows",
        "sort",
        "autoFilter",
    ):
        setattr(protection, name, False)


def _instructions(ws: Worksheet, lines: list[str]) -> None:
    ws.title = _("Instructions")
    ws.append([sheets.MARKER, sheets.INSTRUCTIONS, sheets.VERSION])
    ws.row_dimensions[1].hidden = True
    ws.append([_("How to fill in this workbook")])
    ws["A2"].font = Font(bold=True, size=14)
    for line in lines:
        ws.append([line])
    ws.column_dimensions["A"].width = 120
    for row in ws.iter_rows(min_row=3):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")


def _common_help() -> list[str]:
    return [
        _(
            "Do not rename the hidden rows 1 and 2 or change them: the import finds "
            "the sheet and its columns through them. Columns may be hidden or moved."
        ),
        _(
            "Type values only: formulas, macros and links to other files are "
            "refused. Save as Excel Workbook (.xlsx)."
        ),
        _("Headers in red are required. A blank cell never erases what is stored."),
        _(
            "The import checks every row first and lists every problem (sheet, row, "
            "column, value, what is wrong); nothing is imported until the whole file "
            "is correct. Importing the same file again changes nothing."
        ),
        _(
            "Records already signed or locked are never changed by an import: "
            "correct them through the school's correction page."
        ),
    ]


def _students_help() -> list[str]:
    return [
        _(
            "Classes sheet: the classes of the school year. Add a row for a new "
            "class (name, grade, school year such as 2025-2026)."
        ),
        _(
            "Students sheet: one row per student. The student code is the "
            "education database code and never changes. The personal "
            "identification number has 12 digits and must agree with the date of "
            "birth and the sex. Dates are written dd/mm/yyyy. Sex: Nam, Nữ."
        ),
        _(
            "The class must be on the classes sheet or already exist. A student "
            "new to the school gets a transcript and a yearly record (pilot grades)."
        ),
        *_common_help(),
    ]


def _class_help(school_class: SchoolClass) -> list[str]:
    if school_class.level == SchoolLevel.PRIMARY:
        level = [
            _(
                "Primary (Circular 27/2020): each subject is rated T, H or C; the "
                "tested subjects also have a test score, a whole number from 1 to "
                "10. The end-of-year columns go into the transcript."
            ),
            _(
                "Qualities and competencies are rated T, Đ or C. Mark x for a "
                "student recognised by the class."
            ),
        ]
    else:
        level = [
            _(
                "Lower secondary (Circular 22/2021): scores from 0 to 10 with at most "
                "one decimal (7,5 or 7.5); comment-only subjects Đ or CĐ. A term "
                "needs every regular assessment, the mid-term and the end-of-term."
            ),
            _("Conduct per term: T, K, Đ or CĐ. Absences in sessions (half-days)."),
        ]
    return [
        _("Class %(cls)s, school year %(year)s, grade %(grade)s.")
        % {
            "cls": school_class.name,
            "year": school_class.school_year.name,
            "grade": school_class.grade,
        },
        *level,
        _("Mark x in the Exempt column for a student exempt from a subject."),
        _("A term left entirely blank is not imported."),
        *_common_help(),
    ]
