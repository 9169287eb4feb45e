"""A yearly record's raw content as the demo writes it: the homeroom teacher's
comments, the raw assessment rows of each subject and term with the teachers'
comments, and writing those rows in one go (docs/domain.md §7; the rows' shape is
that of ``records.SubjectAssessment``).
"""

from __future__ import annotations

import json
from typing import Any

from django.db import connection
from django.utils import timezone

from hocbaso.demo import comments
from hocbaso.records.models import (
    SubjectAssessment,
    Term,
    YearlyRecord,
)

COMMENTS = {
    "excellent": "Học tập xuất sắc, chăm ngoan, là tấm gương cho các bạn.",
    "good": "Chăm chỉ, tiếp thu bài tốt, tích cực tham gia hoạt động.",
    "fair": "Có ý thức học tập, cần mạnh dạn phát biểu hơn.",
    "pass": "Hoàn thành nhiệm vụ học tập, cần cố gắng hơn ở một số môn.",
    "weak": "Cần chăm chỉ hơn, gia đình phối hợp kèm cặp thêm.",
    "failing": "Cần cố gắng nhiều, nhà trường và gia đình cùng hỗ trợ.",
    "fail": "Cần cố gắng nhiều, nhà trường và gia đình cùng hỗ trợ.",
}


# One raw assessment row before it is written: subject code, term, data,
# entered by (person pk), source school (pk), the teacher's comment. Plain
# tuples, because the full district has over a million of them.
Row = tuple[str, str, Any, int | None, int | None, str]


def _json(data: Any) -> Any:
    """Decimals as strings, the way the interchange format allows them."""
    return json.loads(json.dumps(data, default=str))


def _fill_raw(record: YearlyRecord, data: dict[str, Any]) -> None:
    if data["level"] == "primary":
        record.qualities = data["qualities"]
        record.competencies = data["competencies"]
        record.class_recognition = bool(data.get("class_recognition"))
    else:
        record.conduct = data.get("conduct") or {}
        record.absences = data.get("absences")
        record.retest = data.get("retest")
        record.summer_conduct = data.get("summer_conduct") or ""


def subject_terms(primary: bool, subject: dict[str, Any]) -> dict[Term, Any]:
    """A subject of the interchange year as the rows of each term store it.

    Primary: the end-of-year values, repeated at the end of term I (the same level,
    tests where the subject has one) unless the pupil is exempt; lower secondary:
    each term's values, or the exemption in both terms."""
    if primary:
        terms = {Term.HK2: subject}
        if "exempt" not in subject:
            terms[Term.HK1] = subject
        return terms
    if "exempt" in subject:
        return {Term.HK1: subject, Term.HK2: subject}
    return {Term(term): value for term, value in subject.items()}


def _comment(code: str, term: Term, value: dict[str, Any], level: str) -> str:
    """Primary: the end-of-year comment (the term I row repeats its levels, not
    its words); lower secondary: each term's."""
    if level == "primary":
        return comments.primary_subject(code, value) if term == Term.HK2 else ""
    return comments.secondary_term(value)


def _insert_rows(rows: list[tuple[int, Row]]) -> None:
    """Insert raw assessment rows with one executemany, bypassing model instances.

    The ORM's bulk_create costs about 100 µs a row in Python; the full district
    has 1.5 million rows.
    """
    table = SubjectAssessment._meta.db_table
    now = timezone.now()
    sql = (
        f"INSERT INTO {table} (record_id, subject_code, term, data, comment, "  # noqa: S608
        "entered_by_id, source_school_id, updated_at) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
    )
    params = [
        (record_pk, code, term, json.dumps(data), comment, teacher, source, now)
        for record_pk, (code, term, data, teacher, source, comment) in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
