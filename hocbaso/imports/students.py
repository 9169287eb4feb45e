"""Students sheets: students, their enrollment in a class, transcript and record.

Per row (domain.md §5, §6): the student code identifies the student for life;
the personal id must agree with the birth date and sex and belong to no other
student; the class must exist (or be on the file's classes sheet) in that
school year and grade. A new student gets the transcript of the school's level
and the year's record (pilot grades only); a known one is updated where the
row differs, unless a record of that year is signed or locked. Blank optional
cells keep what is stored.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.utils.translation import gettext as _

from hocbaso.imports import cells, sheets
from hocbaso.imports.planning import (
    Context,
    PlannedRecord,
    check_columns,
    in_chunks,
    locked_record_ids,
    protected_message,
    protection_of,
    read_row,
)
from hocbaso.imports.reading import RawRow, RawSheet
from hocbaso.records.models import (
    Enrollment,
    RecordStatus,
    Student,
    Transcript,
    YearlyRecord,
    is_in_pilot,
)
from hocbaso.records.models.locks import LOCKED_IDENTITY_FIELDS
from hocbaso.records.models.people import personal_id_errors
from hocbaso.records.scope import filter_for

UNSENT_SIGNED = (RecordStatus.SIGNING, RecordStatus.ISSUED)
IDENTITY = (
    "personal_id",
    "full_name",
    "date_of_birth",
    "sex",
    "ethnicity",
    "nationality",
    "place_of_birth",
    "home_town",
    "current_address",
    "father_name",
    "father_occupation",
    "mother_name",
    "mother_occupation",
    "guardian_name",
    "guardian_occupation",
    "policy_category",
)
_ENROLLMENT_FIELDS = ("start_date", "kind", "source_school_name", "register_number")


class _Known:
    """The stored students a students sheet names, with their records."""

    def __init__(self, codes: list[str], pids: list[str]) -> None:
        self.by_code: dict[str, Student] = {}
        self.by_pid: dict[str, Student] = {}
        for chunk in in_chunks(codes):
            for s in Student.objects.filter(student_code__in=chunk):
                self.by_code[s.student_code] = s
        for chunk in in_chunks(pids):
            for s in Student.objects.filter(personal_id__in=chunk):
                self.by_pid[s.personal_id] = s
        ids = [s.pk for s in self.by_code.values()]
        self.transcripts: dict[tuple[int, str], Transcript] = {}
        self.records: dict[tuple[int, str], YearlyRecord] = {}
        self.enrollments: dict[int, list[Enrollment]] = defaultdict(list)
        for chunk in in_chunks(ids):
            for t in Transcript.objects.filter(student_id__in=chunk).select_related(
                "school"
            ):
                self.transcripts[(t.student_id, t.level)] = t
            for r in YearlyRecord.objects.filter(
                transcript__student_id__in=chunk
            ).select_related("school_year", "school_class", "transcript"):
                self.records[(r.transcript.student_id, r.school_year.name)] = r
            for e in Enrollment.objects.filter(student_id__in=chunk).select_related(
                "school_class__school_year", "school_class__school"
            ):
                self.enrollments[e.student_id].append(e)
        self.locked = locked_record_ids([r.pk for r in self.records.values()])


def plan_students(ctx: Context, sheets_: list[RawSheet]) -> None:
    rows: list[tuple[RawSheet, RawRow, dict[str, Any]]] = []
    seen: dict[tuple[str, str], tuple[str, int]] = {}
    for sheet in sheets_:
        if not check_columns(ctx, sheet, sheets.STUDENT_COLUMNS):
            continue
        for row in sheet.rows:
            # Duplicates are found on the raw cells, so a row with another
            # problem still shows its twin.
            unique = _is_first(ctx, seen, sheet, row)
            values = read_row(ctx, sheet, row, sheets.STUDENT_COLUMNS)
            if values is not None and unique:
                rows.append((sheet, row, values))
    known = _Known(
        [v["student_code"] for _s, _r, v in rows],
        [v["personal_id"] for _s, _r, v in rows],
    )
    for sheet, row, values in rows:
        _plan_row(ctx, known, sheet, row, values)


def _is_first(ctx: Context, seen, sheet: RawSheet, row: RawRow) -> bool:
    """Whether no earlier row has this row's student code or personal id."""
    first_time = True
    for key in ("student_code", "personal_id"):
        raw = row.values.get(key)
        if cells.is_blank(raw):
            continue
        try:
            value = cells.personal_id(raw) if key == "personal_id" else cells.code(raw)
        except cells.CellError:
            continue
        first = seen.get((key, value))
        if first is None:
            seen[(key, value)] = (sheet.title, row.number)
            continue
        ctx.add(
            sheet,
            row,
            key,
            _("Duplicate: already on sheet %(sheet)s, row %(row)s.")
            % {"sheet": first[0], "row": first[1]},
            raw,
        )
        first_time = False
    return first_time


def _plan_row(ctx: Context, known: _Known, sheet, row, values) -> None:
    code = values["student_code"]
    year = ctx.year(sheet, row, "school_year", values["school_year"])
    class_key = (values["school_year"], values["class_name"])
    school_class = ctx.classes.get(class_key)
    if school_class is None:
        ctx.add(
            sheet,
            row,
            "class_name",
            _("Unknown class in %(year)s: add it on the classes sheet first.")
            % {"year": values["school_year"]},
            values["class_name"],
        )
        return
    if not ctx.access.may_import_class(school_class.pk):
        ctx.add(
            sheet,
            row,
            "class_name",
            _("You may import only your own classes."),
            values["class_name"],
        )
        return
    if values["grade"] != school_class.grade:
        ctx.add(
            sheet,
            row,
            "grade",
            _("Class %(name)s is in grade %(grade)s.")
            % {"name": school_class.name, "grade": school_class.grade},
            values["grade"],
        )
        return
    if not _good_identity(ctx, known, sheet, row, values):
        return
    if year is None or not _good_enrollment_fields(ctx, sheet, row, values, year):
        return
    student = known.by_code.get(code)
    if student is None:
        _plan_new_student(ctx, values)
    elif not _plan_known_student(ctx, known, sheet, row, values, student):
        return
    if _plan_enrollment(ctx, known, sheet, row, values, student, school_class):
        _plan_record(ctx, known, sheet, row, values, student, school_class)


def _good_identity(ctx, known: _Known, sheet, row, values) -> bool:
    good = True
    for message in personal_id_errors(
        values["personal_id"], values["date_of_birth"], values["sex"]
    ):
        ctx.add(sheet, row, "personal_id", message, values["personal_id"])
        good = False
    other = known.by_pid.get(values["personal_id"])
    if other is not None and other.student_code != values["student_code"]:
        message = _taken_pid(ctx, other)
        ctx.add(sheet, row, "personal_id", message, values["personal_id"])
        good = False
    return good


def _taken_pid(ctx: Context, other: Student) -> str:
    """The code of the student holding the personal id only when the importer may
    see that student: a dry run must not map a personal id to another school's
    pupil (domain.md §9)."""
    if filter_for(ctx.user, Student.objects.filter(pk=other.pk)).exists():
        taken = _("This personal identification number belongs to student %(code)s.")
        return taken % {"code": other.student_code}
    return _(
        "This personal identification number is already registered for a student "
        "of another school: check it against the birth certificate or the citizen "
        "identity card."
    )


def _good_enrollment_fields(ctx, sheet, row, values, year) -> bool:
    good = True
    if values.get("kind") == Enrollment.Kind.TRANSFERRED_IN and not values.get(
        "source_school_name"
    ):
        ctx.add(
            sheet,
            row,
            "source_school_name",
            _("A transfer in needs the school the student came from."),
        )
        good = False
    start = values.get("start_date")
    if start is not None and not year.start_date.replace(month=1, day=1) <= start <= (
        year.end_date
    ):
        ctx.add(
            sheet,
            row,
            "start_date",
            _("The date is outside the school year %(year)s.") % {"year": year.name},
            start,
        )
        good = False
    return good


def _identity_of(values: dict[str, Any]) -> dict[str, Any]:
    return {name: values[name] for name in IDENTITY if name in values}


def _plan_new_student(ctx: Context, values) -> None:
    ctx.plan.new_students.append(
        Student(student_code=values["student_code"], **_identity_of(values))
    )
    ctx.plan.count("students", "created")
    ctx.names[values["student_code"]] = values["full_name"]


def _plan_known_student(ctx, known: _Known, sheet, row, values, student) -> bool:
    changes = {
        name: value
        for name, value in _identity_of(values).items()
        if getattr(student, name) != value
    }
    ctx.names[student.student_code] = values["full_name"]
    if not changes:
        ctx.plan.count("students", "unchanged")
        return True
    # The identity is in every packet: an edit returns the student's signed,
    # unsent records to draft (Student.save), so those refuse it, as does the
    # row's year record once submitted or locked, and a locked record of any year
    # refuses a change of the identity it carries (R11).
    locks_identity = bool(set(changes) & set(LOCKED_IDENTITY_FIELDS))
    blocking = [
        (year, why)
        for (pk, year), record in known.records.items()
        if pk == student.pk
        and (why := protection_of(record, known.locked))
        and (
            year == values["school_year"]
            or record.status in UNSENT_SIGNED
            or (locks_identity and record.pk in known.locked)
        )
    ]
    for year, why in blocking:
        ctx.add(
            sheet,
            row,
            "student_code",
            protected_message(student.full_name, student.student_code, year, why),
            student.student_code,
        )
    if blocking:
        return False
    for name, value in changes.items():
        setattr(student, name, value)
    ctx.plan.changed_students.append(student)
    ctx.plan.count("students", "updated")
    return True


def _plan_enrollment(ctx, known, sheet, row, values, student, school_class) -> bool:
    year_name = values["school_year"]
    given = {k: values[k] for k in _ENROLLMENT_FIELDS if k in values}
    stays = known.enrollments.get(student.pk, []) if student else []
    same_year = [e for e in stays if e.school_class.school_year.name == year_name]
    for enrollment in same_year:
        if enrollment.school_class_id == school_class.pk and school_class.pk:
            changes = {k: v for k, v in given.items() if getattr(enrollment, k) != v}
            for name, value in changes.items():
                setattr(enrollment, name, value)
            if changes:
                ctx.plan.changed_enrollments.append(enrollment)
            ctx.plan.count("enrollments", "updated" if changes else "unchanged")
            return True
    for enrollment in same_year:
        if enrollment.end_date is None:
            where = enrollment.school_class
            ctx.add(
                sheet,
                row,
                "class_name",
                _(
                    "%(name)s is already in class %(cls)s of %(school)s this year: "
                    "a move between classes or schools is made by a transfer."
                )
                % {
                    "name": student.full_name,
                    "cls": where.name,
                    "school": where.school.code,
                },
                values["class_name"],
            )
            return False
    ctx.plan.new_enrollments.append(
        (values["student_code"], (year_name, school_class.name), given)
    )
    ctx.plan.count("enrollments", "created")
    return True


def _plan_record(ctx, known, sheet, row, values, student, school_class) -> None:
    if not is_in_pilot(school_class.grade):
        return  # enrolled only: the grade has no digital transcript yet
    code, year_name = values["student_code"], values["school_year"]
    ctx.members[(code, year_name)] = (year_name, school_class.name)
    if student is not None:
        transcript = known.transcripts.get((student.pk, school_class.level))
        if transcript is not None and transcript.school_id != ctx.school.pk:
            ctx.add(
                sheet,
                row,
                "student_code",
                _(
                    "The transcript of %(name)s is managed by %(school)s: it moves "
                    "here through the transfer procedure."
                )
                % {"name": student.full_name, "school": transcript.school.name},
                code,
            )
            return
        record = known.records.get((student.pk, year_name))
        if record is not None:
            if record.school_class_id != school_class.pk:
                ctx.add(
                    sheet,
                    row,
                    "class_name",
                    _("The %(year)s record of %(name)s is in class %(cls)s.")
                    % {
                        "year": year_name,
                        "name": student.full_name,
                        "cls": record.school_class.name,
                    },
                    values["class_name"],
                )
            else:
                ctx.plan.count("records", "unchanged")
            return
    ctx.plan.new_records.append(
        PlannedRecord(code, (year_name, school_class.name), school_class.grade)
    )
    ctx.plan.count("records", "created")
