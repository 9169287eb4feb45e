"""The stored values of a class, as the cells of its assessment template.

A class template lists what the records already hold, so a teacher downloads,
corrects a few cells and uploads the file again: every cell written here reads
back as the stored value, so an untouched template imports as unchanged.
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal
from typing import Any

from hocbaso.imports import cells, sheets
from hocbaso.records.models import SchoolClass, YearlyRecord

# The form's fields (sheets.FORM_COLUMNS) and what a record without them holds.
FORM_DEFAULTS: dict[str, Any] = {
    "absences_excused": None,
    "absences_unexcused": None,
    "height_cm": None,
    "weight_kg": None,
    "disability_not_assessed": False,
    "foreign_language": "",
    "certificates": "",
    "contests": "",
}


def class_rows(school_class: SchoolClass) -> tuple[list[dict], dict[str, list[dict]]]:
    """The record sheet's rows and each subject sheet's rows, in name order."""
    records = (
        YearlyRecord.objects.filter(school_class=school_class)
        .select_related("transcript__student")
        .prefetch_related("assessments")
        .order_by("transcript__student__full_name", "pk")
    )
    record_rows: list[dict] = []
    subject_rows: dict[str, list[dict]] = {}
    codes = [s.code for s in _specs(school_class)]
    for record in records:
        student = record.transcript.student
        who = {"student_code": student.student_code, "full_name": student.full_name}
        record_rows.append({**who, **_record_cells(record), **_form_cells(record)})
        by_subject: dict[str, dict] = {code: dict(who) for code in codes}
        for row in record.assessments.all():
            if row.subject_code in by_subject:
                by_subject[row.subject_code].update(_row_cells(row))
        for code in codes:
            subject_rows.setdefault(code, []).append(by_subject[code])
    return record_rows, subject_rows


def _specs(school_class: SchoolClass):
    from hocbaso.assessment import curriculum

    return curriculum(school_class.level, school_class.grade)


def _number(value: Any) -> Any:
    """A stored score ("7.5", "8", 9) as the number a cell holds."""
    if isinstance(value, str):
        try:
            number = Decimal(value)
        except ArithmeticError:
            return value
        return int(number) if number == number.to_integral_value() else float(number)
    return value


def _row_cells(row) -> dict[str, Any]:
    data = row.data if isinstance(row.data, dict) else {}
    if data.get("exempt"):
        return {"exempt": "x"}
    term = row.term
    cells: dict[str, Any] = {}
    if "level" in data:
        cells[f"{term}_level"] = data["level"]
        if data.get("score") is not None:
            cells[f"{term}_score"] = _number(data["score"])
    else:
        for n, mark in enumerate(data.get("tx") or [], start=1):
            cells[f"{term}_tx{n}"] = _number(mark)
        cells[f"{term}_gk"] = _number(data.get("gk"))
        cells[f"{term}_ck"] = _number(data.get("ck"))
    if row.comment:
        cells[f"{term}_comment"] = row.comment
    return cells


def _record_cells(record: YearlyRecord) -> dict[str, Any]:
    cells: dict[str, Any] = {}
    comments = record.comments or {}
    for prefix, field in (("q", "qualities"), ("c", "competencies")):
        for code, level in (getattr(record, field) or {}).items():
            cells[f"{prefix}_{code}"] = level
        for code, note in (comments.get(field) or {}).items():
            cells[f"{prefix}_{code}_comment"] = note
    for term in sheets.TERMS:
        if (record.conduct or {}).get(term):
            cells[f"conduct_{term}"] = record.conduct[term]
    if record.absences is not None:
        cells["absences"] = record.absences
    if record.retest:
        cells["retest"] = "; ".join(
            f"{code}={mark}" for code, mark in sorted(record.retest.items())
        )
    for flag in ("class_recognition", "supplementary_assessed"):
        if getattr(record, flag):
            cells[flag] = "x"
    for name in (
        "summer_conduct",
        "class_recognition_note",
        "homeroom_comment",
        "ad_hoc_commendations",
    ):
        if getattr(record, name):
            cells[name] = getattr(record, name)
    return cells


def form_values(record: YearlyRecord) -> dict[str, Any]:
    """The form's fields of ``record`` as their columns read them back: text in NFC
    with single spaces, certificates one a line."""
    values = {name: getattr(record, name) for name in FORM_DEFAULTS}
    for name in ("foreign_language", "contests"):
        values[name] = cells.text(values[name], 10_000)
    lines = unicodedata.normalize("NFC", values["certificates"]).splitlines()
    values["certificates"] = "\n".join(
        line for line in (" ".join(part.split()) for part in lines) if line
    )
    return values


def _form_cells(record: YearlyRecord) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in form_values(record).items():
        if isinstance(value, Decimal):
            out[name] = _number(str(value))
        elif value is True:
            out[name] = "x"
        elif value not in (None, "", False):
            out[name] = value
    return out
