"""One lower-secondary school year as the form prints it (Circular 22/2021 form).

Sections (forms.md §3.5, §3.6): header; the subject table (term I, term II, year,
re-assessment, comment and the subject teacher's confirmation); the correction note
and the confirmations; conduct and learning per term and year, absences and the
levels after the summer; promotion; completion (grade 9); certificates, contests and
commendations; the homeroom teacher's comment; the principal's approval.
"""

from __future__ import annotations

from typing import Any

from hocbaso.packet import RecordSnapshot, SecondaryResults, SecondarySubject
from hocbaso.printing import _format as F
from hocbaso.printing._model import Marks, homeroom_block, leader_block
from hocbaso.printing.errors import RenderError

LAST_GRADE = 9
# A digital record has no hand corrections: the count is written "không" as the
# vendors' exports do (forms.md §3.5) [decision].
NO_CORRECTIONS = "không"
# The value written after the promotion line that applies [decision].
APPLIES = "Có"


def year_page(page: RecordSnapshot, marks: Marks) -> dict[str, Any]:
    """The data of one lower-secondary year's page."""
    results = page.results
    if not isinstance(results, SecondaryResults):
        raise RenderError("a primary record cannot print on the lower-secondary form")
    return {
        "student": page.student.full_name,
        "class": page.class_name,
        "school": page.school.name,
        "year": page.school_year,
        "subjects": [_subject(s, marks) for s in results.subjects],
        "corrections": NO_CORRECTIONS,
        "terms": _terms(results),
        "absences": _absences(page),
        "promotion": _promotion(results),
        "completion": _completion(page.grade, results),
        "commendations": _commendations(page, results),
        "certificates": "; ".join(F.certificate_lines(page)),
        "contests": F.text(page.contests),
        "comment": F.text(page.homeroom_comment),
        "date": F.date_line(page.issuance),
        "homeroom": homeroom_block(page, marks),
        "leader": leader_block(page, marks),
    }


def _subject(subject: SecondarySubject, marks: Marks) -> dict[str, Any]:
    teacher = subject.teacher
    return {
        "name": subject.name,
        "term1": F.mark_text(subject.term1),
        "term2": F.mark_text(subject.term2),
        "year": F.mark_text(subject.year),
        "retest": F.mark_text(subject.retest),
        "comment": F.text(subject.comment),
        "teacher": teacher.name if teacher else "",
        "mark": marks.of_teacher(teacher.personal_id, teacher.name)
        if teacher
        else None,
    }


def _terms(results: SecondaryResults) -> list[dict[str, str]]:
    """Conduct and learning per term and for the year; the levels after the summer
    (summer conduct training, re-test) belong to the year's row only."""
    level = F.SECONDARY_LEVEL_WORDS
    return [
        {
            "label": "Học kì I",
            "conduct": F.words(level, results.conduct_term1),
            "learning": F.words(level, results.learning_term1),
        },
        {
            "label": "Học kì II",
            "conduct": F.words(level, results.conduct_term2),
            "learning": F.words(level, results.learning_term2),
        },
        {
            "label": "Cả năm",
            "conduct": F.words(level, results.conduct_year),
            "learning": F.words(level, results.learning_year),
            "summer_conduct": F.words(level, results.summer_conduct),
            "retest_learning": F.words(level, results.retest_learning),
        },
    ]


def _absences(page: RecordSnapshot) -> dict[str, str]:
    """Sessions missed in the year (Circular 22 Art. 12: half-days, excused or not)."""
    excused, unexcused = page.absences_excused, page.absences_unexcused
    total = page.absences_total
    if total is None and (excused is not None or unexcused is not None):
        total = (excused or 0) + (unexcused or 0)
    detail = ""
    if excused is not None or unexcused is not None:
        detail = f"có phép: {excused or 0}, không phép: {unexcused or 0}"
    return {"total": F.text(total), "detail": detail}


def _promotion(results: SecondaryResults) -> dict[str, str]:
    """Which of the three promotion lines applies (Circular 22 Art. 12-14);
    none while the decision is pending."""
    after_summer = results.retest_learning or results.summer_conduct
    lines = {"promoted": "", "after_summer": "", "not_promoted": ""}
    if results.promoted is True:
        lines["after_summer" if after_summer else "promoted"] = APPLIES
    elif results.promoted is False:
        lines["not_promoted"] = APPLIES
    note = results.promotion_note
    if note and note.casefold() not in {"được lên lớp", "không được lên lớp"}:
        lines["note"] = note
    return lines


def _completion(grade: int, results: SecondaryResults) -> str:
    if grade != LAST_GRADE or results.promoted is None:
        return ""
    if results.promoted:
        return "Hoàn thành chương trình trung học cơ sở"
    return "Chưa hoàn thành chương trình trung học cơ sở"


def _commendations(page: RecordSnapshot, results: SecondaryResults) -> str:
    parts = []
    if results.title:
        parts.append(F.words(F.SECONDARY_TITLE_WORDS, results.title))
    parts += [c for c in (page.commendation, page.adhoc_commendation) if c]
    return "; ".join(parts)
