"""The mark book of a class and term (sổ điểm): pupils × subjects, read-only.

Rows are the pupils in class-list order (STT, student code, full name, date of
birth); columns are the subjects of the grade's curriculum by name, each with the
term's raw assessments as the schools' systems (vnEdu, SMAS) show them:

- primary (Circular 27/2020, Art. 6-7): the subject's level T/H/C and, for tested
  subjects, the end-of-term test score;
- lower secondary (Circular 22/2021, Art. 7-9): the regular marks TX1…TXn, the
  mid-term GK and end-of-term CK, and the term average (ĐTBmhk), or Đ/CĐ for the
  subjects assessed by comment; term II adds the year (CN).

Marks are the stored raw rows (``SubjectAssessment.data``, the interchange shape of
records/models/assessments.py) and the stored results of the last computation; the
book computes nothing. Scores are written with one decimal and a comma, as the
printed forms write them, so a right-aligned column lines up on the decimal.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from hocbaso.assessment import Form, SubjectSpec, curriculum
from hocbaso.records.models import SchoolClass, SchoolLevel, Term, YearlyRecord
from hocbaso.school.review import current, in_class_list_order

TERMS = (Term.HK1.value, Term.HK2.value)


@dataclass(frozen=True)
class Cell:
    text: str = ""
    numeric: bool = False


@dataclass
class Group:
    """A subject (or the summary) and the headings of its columns."""

    code: str
    name: str
    headings: list[str]


@dataclass
class Line:
    number: int
    code: str
    name: str
    born: dt.date
    record_id: int
    cells: list[Cell] = field(default_factory=list)


@dataclass
class MarkBook:
    term: str
    level: str
    groups: list[Group]
    lines: list[Line]
    legend: list[tuple[str, str]]


def mark_book(school_class: SchoolClass, term: str) -> MarkBook:
    """The class's mark book for ``term`` ("hk1" or "hk2")."""
    records = in_class_list_order(
        current(YearlyRecord.objects.filter(school_class=school_class))
        .select_related("transcript__student")
        .prefetch_related("assessments")
    )
    specs = _subjects(school_class, records)
    primary = school_class.level == SchoolLevel.PRIMARY
    groups = [_group(spec, term, primary) for spec in specs]
    groups.append(_summary_group(term, primary))
    lines = []
    for number, record in enumerate(records, start=1):
        student = record.transcript.student
        line = Line(
            number, student.student_code, student.full_name, _born(student), record.pk
        )
        raw = {(a.subject_code, a.term): a.data for a in record.assessments.all()}
        for spec in specs:
            line.cells += _subject_cells(spec, term, primary, raw, record.results)
        line.cells += _summary_cells(record, term, primary)
        lines.append(line)
    return MarkBook(term, school_class.level, groups, lines, legend(primary))


def _born(student) -> dt.date:
    return student.date_of_birth


def _subjects(school_class: SchoolClass, records) -> list[SubjectSpec]:
    """The grade's subjects in the form's order, then any other code in the data."""
    specs = list(curriculum(school_class.level, school_class.grade))
    known = {s.code for s in specs}
    extra = sorted(
        {a.subject_code for r in records for a in r.assessments.all()} - known
    )
    return specs + [SubjectSpec(code, code, Form.SCORE) for code in extra]


# --- headings --------------------------------------------------------------------


def _group(spec: SubjectSpec, term: str, primary: bool) -> Group:
    if primary:
        headings = [_("Level")] + ([_("Test")] if spec.has_test else [])
    else:
        headings = [f"TX{i}" for i in range(1, spec.regular_count + 1)]
        headings += ["GK", "CK", _("Term")]
        if term == Term.HK2:
            headings.append(_("Year"))
    return Group(spec.code, spec.name, headings)


def _summary_group(term: str, primary: bool) -> Group:
    if primary:
        headings = [_("Result"), _("Title")] if term == Term.HK2 else []
    else:
        headings = [_("Learning"), _("Conduct")]
        if term == Term.HK2:
            headings += [_("Year learning"), _("Year conduct"), _("Title")]
    return Group("", _("Term summary") if term == Term.HK1 else _("Year"), headings)


# --- cells -----------------------------------------------------------------------


def _subject_cells(spec, term, primary, raw, results) -> list[Cell]:
    data = raw.get((spec.code, term)) or {}
    if primary:
        cells = [_code(data.get("level"))]
        if spec.has_test:
            cells.append(_score(data.get("score"), whole=True))
        return _exempt(cells, data)
    regular = list(data.get("tx") or [])
    count = max(spec.regular_count, 0)
    cells = [_mark(regular[i] if i < len(regular) else None) for i in range(count)]
    cells += [_mark(data.get("gk")), _mark(data.get("ck"))]
    result = ((results or {}).get("subjects") or {}).get(spec.code)
    cells.append(_result(result, term))
    if term == Term.HK2:
        cells.append(_result(result, "year"))
    return _exempt(cells, data)


def _exempt(cells: list[Cell], data: dict[str, Any]) -> list[Cell]:
    """An exempt subject shows M once, in its first column."""
    if isinstance(data, dict) and data.get("exempt"):
        return [Cell("M")] + [Cell() for _cell in cells[1:]]
    return cells


def _result(result: Any, key: str) -> Cell:
    if result == "M":
        return Cell("M")
    if isinstance(result, dict):
        return _mark(result.get(key))
    return Cell()


def _summary_cells(record: YearlyRecord, term: str, primary: bool) -> list[Cell]:
    results = record.results or {}
    if primary:
        if term != Term.HK2:
            return []
        return [_code(results.get("result")), _code(results.get("title"))]
    learning = results.get("learning") or {}
    cells = [_code(learning.get(term)), _code((record.conduct or {}).get(term))]
    if term == Term.HK2:
        cells += [
            _code(learning.get("year")),
            _code((results.get("conduct") or {}).get("year")),
            _code(results.get("title")),
        ]
    return cells


def _code(value: Any) -> Cell:
    return Cell(value if isinstance(value, str) else "")


def _mark(value: Any) -> Cell:
    """A score as "8,0" (numeric, aligned) or a comment mark as written (Đ, CĐ)."""
    if isinstance(value, str) and not _is_number(value):
        return Cell(value)
    return _score(value)


def _score(value: Any, whole: bool = False) -> Cell:
    if value is None or isinstance(value, bool) or not _is_number(value):
        return Cell()
    number = Decimal(str(value))
    text = f"{number:.0f}" if whole and number == number.to_integral() else None
    return Cell(text or f"{number:.1f}".replace(".", ","), numeric=True)


def _is_number(value: Any) -> bool:
    try:
        return Decimal(str(value)).is_finite()
    except (InvalidOperation, ValueError):
        return False


# --- the legend ------------------------------------------------------------------


def legend(primary: bool) -> list[tuple[str, str]]:
    """Every code the book can show, with what it means (Circulars 27 and 22)."""
    if primary:
        return [
            ("T", _("Level of a subject: completed well (Hoàn thành tốt)")),
            ("H", _("Level of a subject: completed (Hoàn thành)")),
            ("C", _("Level of a subject: not completed (Chưa hoàn thành)")),
            (_("Test"), _("End-of-term test score, a whole number from 1 to 10")),
            ("HTXS", _("Year result: completed excellently")),
            ("HTT", _("Year result: completed well")),
            ("HT", _("Year result: completed")),
            ("CHT", _("Year result: not completed")),
            ("HSXS", _("Title: excellent pupil")),
            ("HSTB", _("Title: exemplary pupil, completed learning and training well")),
            ("M", _("Exempt from the subject")),
        ]
    return [
        ("TX1…TX4", _("Regular assessments of the term")),
        ("GK", _("Mid-term assessment")),
        ("CK", _("End-of-term assessment")),
        (_("Term"), _("Term average of the subject, or its term result")),
        (_("Year"), _("Year average of the subject, or its year result")),
        ("T", _("Learning or conduct: good (Tốt)")),
        ("K", _("Learning or conduct: fair (Khá)")),
        ("Đ", _("Passed (Đạt): a subject by comment, learning or conduct")),
        (
            "CĐ",
            _("Not passed (Chưa đạt): a subject by comment, learning or conduct"),
        ),
        ("HSXS", _("Title: excellent student")),
        ("HSG", _("Title: good student")),
        ("M", _("Exempt from the subject")),
    ]
