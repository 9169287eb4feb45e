"""Assessment sheets of a class: one per subject, one of whole-record data.

A subject sheet (Circular 27 / 22) has, per student and term, the marks of the
subject; a term left blank is not imported, a term partly filled is a problem
(domain.md §4.1: a missing assessment is an error, not a zero). A record sheet
has the primary qualities and competencies, or the lower-secondary conduct,
absences and summer results, and the comments; a blank cell keeps what is
stored. The student must be in the sheet's class (stored, or on the file's
students sheet), and a signed or locked record is never changed.
"""

from __future__ import annotations

import copy
from typing import Any

from django.utils.translation import gettext as _

from hocbaso.assessment import COMPETENCIES, QUALITIES, Form, curriculum
from hocbaso.imports import cells, exporting, sheets
from hocbaso.imports.planning import (
    ClassKey,
    Context,
    RowChange,
    check_columns,
    in_chunks,
    locked_record_ids,
    protected_message,
    protection_of,
    read_row,
)
from hocbaso.imports.reading import RawRow, RawSheet
from hocbaso.records.models import (
    SchoolClass,
    SubjectAssessment,
    YearlyRecord,
    is_in_pilot,
)

RECORD_DEFAULTS: dict[str, Any] = {
    "qualities": {},
    "competencies": {},
    "comments": {},
    "conduct": {},
    "absences": None,
    "retest": None,
    "summer_conduct": "",
    "class_recognition": False,
    "class_recognition_note": "",
    "supplementary_assessed": False,
    "homeroom_comment": "",
    "ad_hoc_commendations": "",
    **exporting.FORM_DEFAULTS,
}
_PLAIN_FIELDS = (
    *exporting.FORM_DEFAULTS,
    "absences",
    "summer_conduct",
    "class_recognition_note",
    "supplementary_assessed",
    "homeroom_comment",
    "ad_hoc_commendations",
)


class _Class:
    """The stored records of the classes the sheets name, and their subject rows."""

    def __init__(self, classes: list[SchoolClass]) -> None:
        ids = [c.pk for c in classes if c.pk]
        self.records: dict[tuple[str, str], YearlyRecord] = {}
        for chunk in in_chunks(ids):
            for r in YearlyRecord.objects.filter(
                school_class_id__in=chunk
            ).select_related("transcript__student", "school_year"):
                key = (r.transcript.student.student_code, r.school_year.name)
                self.records[key] = r
        record_ids = [r.pk for r in self.records.values()]
        self.rows: dict[tuple[int, str, str], SubjectAssessment] = {}
        for chunk in in_chunks(record_ids):
            for a in SubjectAssessment.objects.filter(record_id__in=chunk):
                self.rows[(a.record_id, a.subject_code, a.term)] = a
        self.locked = locked_record_ids(record_ids)


def plan_marks(
    ctx: Context, subject_sheets: list[RawSheet], record_sheets: list[RawSheet]
) -> None:
    targets = []
    for sheet in [*subject_sheets, *record_sheets]:
        school_class = _class_of(ctx, sheet)
        if school_class is not None:
            targets.append((sheet, school_class))
    if not targets:
        return
    stored = _Class([c for _s, c in targets])
    seen: dict[tuple, tuple[str, int]] = {}
    for sheet, school_class in targets:
        if sheet.kind == sheets.SUBJECT:
            _plan_subject_sheet(ctx, stored, seen, sheet, school_class)
        else:
            _plan_record_sheet(ctx, stored, seen, sheet, school_class)


def _class_of(ctx: Context, sheet: RawSheet) -> SchoolClass | None:
    year, name = sheet.meta.get("year", ""), sheet.meta.get("class", "")
    school_class = ctx.classes.get((year, name))
    if school_class is None:
        ctx.add(
            sheet,
            None,
            "",
            _("Unknown class %(name)s in school year %(year)s; use a template.")
            % {"name": name or "?", "year": year or "?"},
        )
        return None
    if not ctx.access.may_import_class(school_class.pk):
        ctx.add(sheet, None, "", _("You may import only your own classes."), name)
        return None
    if not is_in_pilot(school_class.grade):
        ctx.add(
            sheet,
            None,
            "",
            _("Grade %(grade)s is not in the digital transcript pilot.")
            % {"grade": school_class.grade},
        )
        return None
    return school_class


def _member(ctx, stored: _Class, sheet, row, code: str, school_class, name):
    """The stored record of the student in the class (None if planned); False if not."""
    year = school_class.school_year.name
    key: ClassKey = (year, school_class.name)
    record = stored.records.get((code, year))
    if record is None and ctx.members.get((code, year)) != key:
        ctx.add(
            sheet,
            row,
            "student_code",
            _("This student is not in class %(cls)s in %(year)s.")
            % {"cls": school_class.name, "year": year},
            code,
        )
        return False
    known = ctx.names.get(code) or (record and record.transcript.student.full_name)
    if name and known and name.casefold() != known.casefold():
        ctx.add(
            sheet,
            row,
            "full_name",
            _("Student %(code)s is %(name)s.") % {"code": code, "name": known},
            name,
        )
        return False
    return record


def _refuse_protected(ctx, stored: _Class, sheet, row, record) -> bool:
    """Report a change to a signed or locked record; whether it was one.

    Only a change is refused: re-importing the values a signed record holds
    counts them as unchanged.
    """
    why = record and protection_of(record, stored.locked)
    if why:
        student = record.transcript.student
        ctx.add(
            sheet,
            row,
            "student_code",
            protected_message(
                student.full_name,
                student.student_code,
                record.school_year.name,
                why,
            ),
            student.student_code,
        )
    return bool(why)


def _once(ctx, seen, sheet, row, key: tuple) -> bool:
    first = seen.get(key)
    if first is not None:
        ctx.add(
            sheet,
            row,
            "student_code",
            _("Duplicate: already on sheet %(sheet)s, row %(row)s.")
            % {"sheet": first[0], "row": first[1]},
            key[0],
        )
        return False
    seen[key] = (sheet.title, row.number)
    return True


def _plan_subject_sheet(ctx, stored: _Class, seen, sheet, school_class) -> None:
    code = sheet.meta.get("subject", "")
    specs = {s.code: s for s in curriculum(school_class.level, school_class.grade)}
    spec = specs.get(code)
    if spec is None:
        ctx.add(
            sheet,
            None,
            "",
            _("%(subject)s is not a subject of grade %(grade)s.")
            % {"subject": code or "?", "grade": school_class.grade},
        )
        return
    columns = sheets.subject_columns(spec)
    if not check_columns(ctx, sheet, columns):
        return
    year = school_class.school_year.name
    term_keys = {
        term: [
            c.key
            for c in columns
            if c.key.startswith(f"{term}_") and c.key != f"{term}_comment"
        ]
        for term in sheets.TERMS
    }
    for row in sheet.rows:
        if row.is_blank(tuple(c.key for c in columns[2:])):
            continue  # the template lists the class; nothing entered for this one
        values = read_row(ctx, sheet, row, columns)
        if values is None:
            continue
        student = values["student_code"]
        if not _once(ctx, seen, sheet, row, (student, year, spec.code)):
            continue
        record = _member(
            ctx, stored, sheet, row, student, school_class, values.get("full_name")
        )
        if record is False:
            continue
        terms = _subject_terms(ctx, sheet, row, spec, values, term_keys)
        changes = [
            change
            for term, data, comment in terms
            if (
                change := _row_change(
                    stored, (student, year), record, spec.code, term, data, comment
                )
            )
            is not None
        ]
        ctx.plan.count("assessments", "unchanged", len(terms) - len(changes))
        if changes and not _refuse_protected(ctx, stored, sheet, row, record):
            for change in changes:
                ctx.plan.rows.append(change)
                outcome = "updated" if change.existing else "created"
                ctx.plan.count("assessments", outcome)


def _subject_terms(ctx, sheet, row, spec, values, term_keys):
    """(term, data, comment) of each term given; problems for partial terms."""
    if values.get("exempt"):
        given = sorted(
            k for k in values if k not in ("student_code", "full_name", "exempt")
        )
        if given:
            ctx.add(
                sheet,
                row,
                given[0],
                _("An exempt subject has no assessments."),
                row.values.get(given[0]),
            )
            return []
        terms = ("hk2",) if spec.form is Form.LEVEL else sheets.TERMS
        return [(term, {"exempt": True}, "") for term in terms]
    out = []
    for term, keys in term_keys.items():
        comment = values.get(f"{term}_comment")
        given = [k for k in keys if k in values]
        if not given and comment is None:
            continue
        missing = [k for k in keys if k not in values]
        for key in missing:
            ctx.add(sheet, row, key, _("Required once the term has any mark."))
        if not missing:
            out.append((term, _term_data(spec, term, values), comment))
    return out


def _term_data(spec, term: str, values: dict[str, Any]) -> dict[str, Any]:
    if spec.form is Form.LEVEL:
        data: dict[str, Any] = {"level": values[f"{term}_level"]}
        if spec.has_test:
            data["score"] = values[f"{term}_score"]
        return data
    regular = [values[f"{term}_tx{n}"] for n in range(1, spec.regular_count + 1)]
    return {"tx": regular, "gk": values[f"{term}_gk"], "ck": values[f"{term}_ck"]}


def _row_change(
    stored, record_key, record, subject, term, data, comment
) -> RowChange | None:
    """The change a subject row brings, or None when it holds the stored values."""
    existing = None if not record else stored.rows.get((record.pk, subject, term))
    if (
        existing is not None
        and cells.same_marks(existing.data, data)
        and (comment is None or existing.comment == comment)
    ):
        return None
    return RowChange(record_key, subject, term, data, comment, existing)


def _plan_record_sheet(ctx, stored: _Class, seen, sheet, school_class) -> None:
    columns = sheets.record_columns(school_class.level)
    if not check_columns(ctx, sheet, columns):
        return
    year = school_class.school_year.name
    for row in sheet.rows:
        if row.is_blank(tuple(c.key for c in columns[2:])):
            continue
        values = read_row(ctx, sheet, row, columns)
        if values is None:
            continue
        student = values["student_code"]
        if not _once(ctx, seen, sheet, row, (student, year, "#record")):
            continue
        record = _member(
            ctx, stored, sheet, row, student, school_class, values.get("full_name")
        )
        if record is False:
            continue
        retest = _retest(ctx, sheet, row, school_class, values.get("retest"))
        if retest is False:
            continue
        current = _current(record)
        wanted = _wanted(ctx, current, values, retest)
        changes = {k: v for k, v in wanted.items() if not _same(k, current[k], v)}
        if not changes:
            ctx.plan.count("record_data", "unchanged")
        elif not _refuse_protected(ctx, stored, sheet, row, record):
            ctx.plan.record_fields.append(((student, year), changes))
            ctx.plan.count("record_data", "updated")


def _current(record: YearlyRecord | None) -> dict[str, Any]:
    if not record:
        return copy.deepcopy(RECORD_DEFAULTS)
    # The form's fields as a template shows them, so that stored text a template
    # would write back normalised counts as unchanged, not as a change.
    current = {name: getattr(record, name) for name in RECORD_DEFAULTS}
    return current | exporting.form_values(record)


def _same(field: str, stored: Any, read: Any) -> bool:
    """Re-test results compare as marks ("6.0" is 6); everything else as stored."""
    return cells.same_marks(stored, read) if field == "retest" else stored == read


def _wanted(ctx, current, values, retest) -> dict[str, Any]:
    wanted = copy.deepcopy(current)
    wanted["comments"] = dict(wanted["comments"] or {})
    for prefix, field, names in (
        ("q", "qualities", QUALITIES),
        ("c", "competencies", COMPETENCIES),
    ):
        levels = dict(wanted[field] or {})
        notes = dict(wanted["comments"].get(field) or {})
        for code in names:
            if f"{prefix}_{code}" in values:
                levels[code] = values[f"{prefix}_{code}"]
            if f"{prefix}_{code}_comment" in values:
                notes[code] = values[f"{prefix}_{code}_comment"]
        wanted[field] = levels
        if notes:
            wanted["comments"][field] = notes
    conduct = dict(wanted["conduct"] or {})
    for term in sheets.TERMS:
        if f"conduct_{term}" in values:
            conduct[term] = values[f"conduct_{term}"]
    wanted["conduct"] = conduct
    for name in _PLAIN_FIELDS:
        if name in values:
            wanted[name] = values[name]
    if "class_recognition" in values:
        wanted["class_recognition"] = values["class_recognition"]
    if retest is not None:
        wanted["retest"] = retest
    return wanted


def _retest(ctx, sheet: RawSheet, row: RawRow, school_class, raw) -> Any:
    """``TOAN=5.5; GDTC=Đ`` as {"TOAN": "5.5", "GDTC": "Đ"}.

    None when blank; False after reporting a problem.
    """
    if raw is None:
        return None
    specs = {s.code: s for s in curriculum(school_class.level, school_class.grade)}
    out: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in raw.replace("\n", ";").split(";"))):
        code, sep, value = part.replace(":", "=").partition("=")
        spec = specs.get(code.strip().upper())
        try:
            if not sep or spec is None:
                raise cells.CellError(
                    _("write each re-test as SUBJECT=result, for example TOAN=5.5")
                )
            if spec.form is Form.SCORE:
                out[spec.code] = cells.score(value)
            else:
                out[spec.code] = cells.choice(value, sheets.COMMENTS)
        except cells.CellError as exc:
            ctx.add(sheet, row, "retest", exc.args[0], part)
            return False
    return out
