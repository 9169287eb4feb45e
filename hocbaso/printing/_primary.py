"""One primary school year as the form prints it (Circular 27/2020, Appendix 1).

Sections (docs/forms.md §2.5): header with height, weight and absences; 1. subjects
and activities (level, end-of-year test score, comment); 2. qualities;
3. competencies, general and specific; 4. year result;
5. commendations, with contests and certificates; 6. completion of the grade
programme; the homeroom teacher's comment; date line and signatures.
"""

from __future__ import annotations

from typing import Any

from hocbaso.assessment.curriculum import (
    GENERAL_COMPETENCIES,
    QUALITIES,
    SPECIFIC_COMPETENCIES,
)
from hocbaso.packet import PrimaryResults, Rating, RecordSnapshot
from hocbaso.printing import _format as F
from hocbaso.printing._model import Marks, homeroom_block, leader_block
from hocbaso.printing.errors import RenderError

LAST_GRADE = 5
NOT_ASSESSED = "Không đánh giá"
# Tin học và Công nghệ (grades 3-5) is one subject with one level, score and
# comment, but the form gives its two parts a row each (forms.md §2.5): both rows
# print, the values once in cells spanning them.
TWO_PART_SUBJECTS = {
    "THCN": ("Tin học và Công nghệ (Tin học)", "Tin học và Công nghệ (Công nghệ)"),
}


def year_page(page: RecordSnapshot, marks: Marks) -> dict[str, Any]:
    """The data of one primary year's page."""
    results = page.results
    if not isinstance(results, PrimaryResults):
        raise RenderError("a lower-secondary record cannot print on the primary form")
    return {
        "student": page.student.full_name,
        "class": page.class_name,
        "school": page.school.name,
        "year": page.school_year,
        "absences": _absences(page),
        "height": F.measure_text(page.height_cm, "cm"),
        "weight": F.measure_text(page.weight_kg, "kg"),
        "subjects": _subject_rows(results, page.disability_not_assessed),
        "qualities": _ratings(results.qualities, QUALITIES),
        "general": _ratings(results.competencies, GENERAL_COMPETENCIES),
        "specific": _ratings(results.competencies, SPECIFIC_COMPETENCIES),
        "result": F.words(F.PRIMARY_RESULT_WORDS, results.result),
        "commendations": _commendations(page, results),
        "completion": _completion(page.grade, results),
        "comment": F.text(page.homeroom_comment),
        "date": F.date_line(page.issuance),
        "homeroom": homeroom_block(page, marks),
        "leader": leader_block(page, marks),
    }


def _subject_rows(
    results: PrimaryResults, disability: bool | None
) -> list[dict[str, Any]]:
    """The rows of table 1. Each has "rows", the rows its value cells span: 1, or
    2 then 0 for a subject the form prints in two parts (the second row has only
    its name, its values being those of the row above)."""
    rows = []
    for subject in results.subjects:
        values = {
            "level": _level(subject.level, disability),
            "score": F.score_text(subject.test_score),
            "comment": F.text(subject.comment),
        }
        parts = TWO_PART_SUBJECTS.get(subject.code)
        if parts is None:
            rows.append({"name": subject.name, **values, "rows": 1})
            continue
        rows.append({"name": parts[0], **values, "rows": len(parts)})
        blank = dict.fromkeys(values, "")
        rows += [{"name": part, **blank, "rows": 0} for part in parts[1:]]
    return rows


def _level(level: str, disability: bool | None) -> str:
    """A subject a pupil with disabilities is not assessed in is marked so, not "M"
    (Circular 27, Art. 10; docs/decisions.md)."""
    return NOT_ASSESSED if level == "M" and disability else level


def _absences(page: RecordSnapshot) -> dict[str, str]:
    return {
        "excused": F.text(page.absences_excused),
        "unexcused": F.text(page.absences_unexcused),
        "total": F.text(page.absences_total),
    }


def _ratings(ratings: tuple[Rating, ...], names: dict[str, str]) -> dict[str, Any]:
    """Rows of one block and its merged comment cell (forms.md §2.5: the vendor
    gathers the rows' comments into one cell); distinct comments in row order."""
    chosen = [r for r in ratings if r.code in names]
    comments: list[str] = []
    for rating in chosen:
        if rating.comment and rating.comment not in comments:
            comments.append(rating.comment)
    return {
        "rows": [{"name": names[r.code], "level": r.level} for r in chosen],
        "comment": " ".join(comments),
    }


def _commendations(page: RecordSnapshot, results: PrimaryResults) -> list[str]:
    lines = []
    if results.title:
        lines.append(F.words(F.PRIMARY_TITLE_WORDS, results.title))
    lines += [c for c in (page.commendation, page.adhoc_commendation) if c]
    if page.contests:
        lines.append(f"Kết quả tham gia các cuộc thi: {page.contests}")
    lines += [f"Chứng chỉ: {line}" for line in F.certificate_lines(page)]
    return lines


def _completion(grade: int, results: PrimaryResults) -> list[str]:
    """Circular 27 Art. 11-12 (domain.md §3.4): grade 5 completes primary school;
    a student who has not completed is promoted or kept back by the principal."""
    if results.completed:
        if grade == LAST_GRADE:
            return ["Hoàn thành chương trình tiểu học"]
        return [f"Hoàn thành chương trình lớp {grade}"]
    lines = [f"Chưa hoàn thành chương trình lớp {grade}"]
    if results.promoted is True:
        lines.append("Được lên lớp")
    elif results.promoted is False:
        lines.append("Ở lại lớp")
    return lines
