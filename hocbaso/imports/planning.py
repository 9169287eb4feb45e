"""Checking every row of a workbook against the records, and planning the changes.

``plan_import`` reads the sheets in a fixed order (classes, students, then the
assessment sheets of each class), so that one file may add a class, enrol its
students and bring their marks. Every problem of every row is collected; the
plan is returned only when there is none. Nothing is written here: the plan
holds unsaved objects and the fields to change, with what stays unchanged
counted, so that a second import of the same file writes nothing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from hocbaso.imports import cells, sheets
from hocbaso.imports.access import Access
from hocbaso.imports.errors import InvalidRowsError, Problem
from hocbaso.imports.reading import RawRow, RawSheet
from hocbaso.records.models import (
    Enrollment,
    RecordStatus,
    School,
    SchoolClass,
    SchoolYear,
    Student,
    SubjectAssessment,
    YearlyRecord,
    level_of_grade,
)
from hocbaso.registry.models import Submission

PROTECTED = (RecordStatus.SIGNING, RecordStatus.ISSUED, RecordStatus.SUBMITTED)
_CHUNK = 500

ClassKey = tuple[str, str]  # (school year name, class name)
RecordKey = tuple[str, str]  # (student code, school year name)


@dataclass
class PlannedRecord:
    """A yearly record to create (with its transcript, if that is new too)."""

    student_code: str
    class_key: ClassKey
    grade: int


@dataclass
class RowChange:
    """A subject row to write: (record, subject, term) → data and comment."""

    record_key: RecordKey
    subject_code: str
    term: str
    data: dict[str, Any]
    comment: str | None  # None keeps the stored comment
    existing: SubjectAssessment | None = None


@dataclass
class Plan:
    """What an import will write; built by ``plan_import``."""

    school: School
    classes: list[SchoolClass] = field(default_factory=list)
    new_students: list[Student] = field(default_factory=list)
    changed_students: list[Student] = field(default_factory=list)
    new_enrollments: list[tuple[str, ClassKey, dict[str, Any]]] = field(
        default_factory=list
    )
    changed_enrollments: list[Enrollment] = field(default_factory=list)
    new_records: list[PlannedRecord] = field(default_factory=list)
    rows: list[RowChange] = field(default_factory=list)
    record_fields: list[tuple[RecordKey, dict[str, Any]]] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)

    def count(self, entity: str, outcome: str, n: int = 1) -> None:
        self.counts[f"{entity}_{outcome}"] += n


class Context:
    """The records a workbook touches, loaded in a few queries, and the problems."""

    def __init__(self, school: School, access: Access, user) -> None:
        self.school, self.access, self.user = school, access, user
        self.problems: list[Problem] = []
        self.plan = Plan(school)
        self.years = {y.name: y for y in SchoolYear.objects.all()}
        self.classes: dict[ClassKey, SchoolClass] = {
            (c.school_year.name, c.name): c
            for c in SchoolClass.objects.filter(school=school).select_related(
                "school_year"
            )
        }
        self.planned_classes: set[ClassKey] = set()
        # Filled by the students sheets: who is (or will be) in which class.
        self.members: dict[RecordKey, ClassKey] = {}
        self.names: dict[str, str] = {}

    def add(self, sheet: RawSheet, row: RawRow | None, key: str, message, value=None):
        self.problems.append(sheet.problem(row, key, str(message), value))

    def year(self, sheet: RawSheet, row: RawRow | None, key: str, name: str):
        year = self.years.get(name)
        if year is None:
            self.add(sheet, row, key, _("Unknown school year."), name)
        return year


def plan_import(sheets_: list[RawSheet], school: School, access: Access, user) -> Plan:
    """Check every row of ``sheets_``; the plan, or ``InvalidRowsError`` listing all."""
    from hocbaso.imports import marks, students

    ctx = Context(school, access, user)
    order = (sheets.CLASSES, sheets.STUDENTS, sheets.SUBJECT, sheets.RECORD)
    ordered = sorted(sheets_, key=lambda s: order.index(s.kind))
    for sheet in ordered:
        _check_school(ctx, sheet)
    by_kind = {kind: [s for s in ordered if s.kind == kind] for kind in order}
    for sheet in by_kind[sheets.CLASSES]:
        plan_classes(ctx, sheet)
    students.plan_students(ctx, by_kind[sheets.STUDENTS])
    marks.plan_marks(ctx, by_kind[sheets.SUBJECT], by_kind[sheets.RECORD])
    if ctx.problems:
        raise InvalidRowsError(ctx.problems)
    return ctx.plan


def _check_school(ctx: Context, sheet: RawSheet) -> None:
    code = sheet.meta.get("school")
    if code and code != ctx.school.code:
        ctx.add(
            sheet,
            None,
            "",
            _("This sheet belongs to school %(code)s, not to %(school)s.")
            % {"code": code, "school": ctx.school.code},
        )


def read_row(
    ctx: Context, sheet: RawSheet, row: RawRow, columns: tuple[sheets.Column, ...]
) -> dict[str, Any] | None:
    """The typed values of a row's cells (blank cells left out); None on a problem."""
    values: dict[str, Any] = {}
    good = True
    for column in columns:
        raw = row.values.get(column.key)
        if cells.is_blank(raw):
            if column.required:
                ctx.add(sheet, row, column.key, _("Required."))
                good = False
            continue
        try:
            values[column.key] = column.read(raw)
        except cells.CellError as exc:
            ctx.add(sheet, row, column.key, exc.args[0], raw)
            good = False
    return values if good else None


def check_columns(
    ctx: Context, sheet: RawSheet, columns: tuple[sheets.Column, ...]
) -> bool:
    """Report unknown and missing required columns; whether rows can be read."""
    known = {c.key for c in columns}
    good = True
    for key in sorted(set(sheet.columns) - known):
        ctx.add(sheet, None, key, _("Unknown column for this sheet."), key)
        good = False
    for column in columns:
        if column.required and column.key not in sheet.columns:
            ctx.problems.append(
                sheet.problem(
                    None,
                    "",
                    _("The column “%(header)s” (%(key)s) is missing.")
                    % {"header": column.header, "key": column.key},
                )
            )
            good = False
    return good


def plan_classes(ctx: Context, sheet: RawSheet) -> None:
    """Classes sheet: new classes of the school; an existing one must agree."""
    if not check_columns(ctx, sheet, sheets.CLASS_COLUMNS):
        return
    seen: dict[ClassKey, int] = {}
    for row in sheet.rows:
        values = read_row(ctx, sheet, row, sheets.CLASS_COLUMNS)
        if values is None:
            continue
        key = (values["school_year"], values["class_name"])
        year = ctx.year(sheet, row, "school_year", key[0])
        grade = values["grade"]
        if key in seen:
            ctx.add(
                sheet,
                row,
                "class_name",
                _("This class is already on row %(row)s.") % {"row": seen[key]},
                key[1],
            )
            continue
        seen[key] = row.number
        if level_of_grade(grade) != ctx.school.level:
            ctx.add(
                sheet,
                row,
                "grade",
                _("Grade %(grade)s is not taught at this school's level.")
                % {"grade": grade},
                grade,
            )
            continue
        existing = ctx.classes.get(key)
        if existing is not None:
            if existing.grade != grade:
                ctx.add(
                    sheet,
                    row,
                    "grade",
                    _("Class %(name)s exists in grade %(grade)s.")
                    % {"name": key[1], "grade": existing.grade},
                    grade,
                )
            else:
                ctx.plan.count("classes", "unchanged")
            continue
        if not ctx.access.whole_school:
            ctx.add(
                sheet,
                row,
                "class_name",
                _("Only the clerk or the principal adds classes."),
                key[1],
            )
        elif year is not None:
            new = SchoolClass(
                school=ctx.school, school_year=year, grade=grade, name=key[1]
            )
            ctx.classes[key] = new
            ctx.planned_classes.add(key)
            ctx.plan.classes.append(new)
            ctx.plan.count("classes", "created")


def in_chunks(values: list, size: int = _CHUNK):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def locked_record_ids(record_ids: list[int]) -> set[int]:
    """Records locked in the registry (the record's lock or its submission's)."""
    out: set[int] = set()
    for chunk in in_chunks(record_ids):
        out.update(
            Submission.objects.filter(
                record_id__in=chunk, locked_at__isnull=False
            ).values_list("record_id", flat=True)
        )
        out.update(
            YearlyRecord.objects.filter(
                pk__in=chunk, locked_at__isnull=False
            ).values_list("pk", flat=True)
        )
    return out


def protection_of(record: YearlyRecord, locked: set[int]) -> str | None:
    """Why an import may not change ``record``, or None."""
    if record.pk in locked:
        return _("locked in the registry")
    if record.status in PROTECTED:
        return _("signed (%(status)s)") % {"status": record.get_status_display()}
    return None


def protected_message(name: str, code: str, year: str, why: str) -> str:
    if why == _("locked in the registry"):
        return locked_message(name, code, year)
    return _(
        "The record of %(name)s (%(code)s) for %(year)s is %(why)s: an import "
        "never changes it. Corrections go through the school's correction page."
    ) % {"name": name, "code": code, "year": year, "why": why}


def locked_message(name: str, code: str, year: str) -> str:
    return _(
        "The record of %(name)s (%(code)s) for %(year)s is locked in the registry: "
        "it can no longer change, nor can the student's identity it carries. After "
        "the lock, a correction follows the legal correction procedure."
    ) % {"name": name, "code": code, "year": year}
