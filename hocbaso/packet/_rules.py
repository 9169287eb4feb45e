"""Checks on a snapshot before it is packed, each problem named by its field.

The XSD schema enforces the same shapes on the XML; these checks run first so that a
clerk reads "student.personal_id: ..." rather than a schema message.
"""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal
from typing import Any

from hocbaso.assessment.curriculum import COMPETENCIES, QUALITIES
from hocbaso.packet.snapshot import (
    Mark,
    PrimaryResults,
    RecordSnapshot,
    SecondaryResults,
    Sex,
)

LOOKUP_CODE = re.compile(r"[0-9a-f]{32}")
PERSONAL_ID = re.compile(r"[0-9]{12}")
SCHOOL_YEAR = re.compile(r"([0-9]{4})-([0-9]{4})")
SUBJECT_CODE = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,19}")
# XML 1.0 §2.2 Char, less the surrogates Python strings may still carry.
_XML_ILLEGAL = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

SUBJECT_LEVELS = frozenset({"T", "H", "C", "M"})
RATING_LEVELS = frozenset({"T", "Đ", "C"})
PRIMARY_RESULTS = frozenset({"HTXS", "HTT", "HT", "CHT"})
PRIMARY_TITLES = frozenset({"HSXS", "HSTB"})
SECONDARY_LEVELS = frozenset({"T", "K", "Đ", "CĐ"})
SECONDARY_TITLES = frozenset({"HSXS", "HSG"})
COMMENT_MARKS = frozenset({"Đ", "CĐ", "M"})
MAX_HEIGHT_CM = 250
MAX_WEIGHT_KG = 200
PRIMARY_GRADES = range(1, 6)
SECONDARY_GRADES = range(6, 10)


def check_snapshot(snapshot: RecordSnapshot) -> list[str]:
    """Every problem of the snapshot, one sentence each, naming the field."""
    problems = list(_check_texts(snapshot, "record"))
    problems += _check_identity(snapshot)
    if isinstance(snapshot.results, PrimaryResults):
        problems += _check_primary(snapshot.results, snapshot.grade)
    else:
        problems += _check_secondary(snapshot.results, snapshot.grade)
    for name in ("absences_excused", "absences_unexcused", "absences_total"):
        value = getattr(snapshot, name)
        if value is not None and (not isinstance(value, int) or value < 0):
            problems.append(f"record.{name}: {value!r} must be a whole number ≥ 0")
    problems += _check_body(snapshot)
    return problems


def _check_body(s: RecordSnapshot) -> list[str]:
    """Height and weight: positive, one decimal, within what a pupil can measure."""
    problems = []
    for name, upper in (("height_cm", MAX_HEIGHT_CM), ("weight_kg", MAX_WEIGHT_KG)):
        value = getattr(s, name)
        if value is not None and not (
            isinstance(value, Decimal)
            and value.is_finite()
            and 1 <= value <= upper
            and value == value.quantize(Decimal("0.1"))
        ):
            problems.append(
                f"record.{name}: {value!r} must be 1-{upper} with at most one decimal"
            )
    return problems


def _check_texts(obj: Any, path: str) -> list[str]:
    """Every string must be non-empty XML text; recurse into nested dataclasses."""
    problems: list[str] = []
    if dataclasses.is_dataclass(obj):
        for f in dataclasses.fields(obj):
            problems += _check_texts(getattr(obj, f.name), f"{path}.{f.name}")
    elif isinstance(obj, tuple):
        for i, item in enumerate(obj):
            problems += _check_texts(item, f"{path}[{i}]")
    elif isinstance(obj, str):
        if not obj.strip():
            problems.append(f"{path}: must not be empty")
        elif _XML_ILLEGAL.search(obj):
            problems.append(f"{path}: contains a character XML cannot carry")
    return problems


def _check_identity(s: RecordSnapshot) -> list[str]:
    problems = []
    if not LOOKUP_CODE.fullmatch(s.lookup_code):
        problems.append("record.lookup_code: must be 32 lowercase hex digits")
    people = [
        ("student", s.student.personal_id),
        ("homeroom_teacher", s.homeroom_teacher.personal_id),
        ("leader", s.leader.personal_id),
    ]
    for path, value in people:
        if not PERSONAL_ID.fullmatch(value):
            problems.append(f"{path}.personal_id: {value!r} must be 12 digits")
    if len(s.student.student_code) > 20:
        problems.append("student.student_code: at most 20 characters")
    if s.student.sex not in tuple(Sex):
        problems.append(f"student.sex: {s.student.sex!r} must be 0, 1 or 2")
    for path, year in [("record.school_year", s.school_year)] + [
        (f"record.history[{i}].school_year", row.school_year)
        for i, row in enumerate(s.history)
    ]:
        problems += _check_school_year(path, year)
    return problems


def _check_school_year(path: str, value: str) -> list[str]:
    match = SCHOOL_YEAR.fullmatch(value)
    if match is None or int(match.group(2)) != int(match.group(1)) + 1:
        return [f"{path}: {value!r} must be two consecutive years, YYYY-YYYY"]
    return []


def _check_choice(path: str, value: object, allowed: frozenset[str]) -> list[str]:
    if value in allowed:
        return []
    return [f"{path}: {value!r} must be one of {', '.join(sorted(allowed))}"]


def _check_primary(results: PrimaryResults, grade: int) -> list[str]:
    problems = (
        []
        if grade in PRIMARY_GRADES
        else [f"record.grade: {grade} is not a primary grade"]
    )
    problems += _check_subject_codes([s.code for s in results.subjects])
    for s in results.subjects:
        problems += _check_choice(f"subject {s.code}.level", s.level, SUBJECT_LEVELS)
        score = s.test_score
        if score is not None and not (
            isinstance(score, Decimal)
            and score.is_finite()
            and score == score.to_integral_value()
            and 1 <= score <= 10
        ):
            problems.append(
                f"subject {s.code}.test_score: {score} must be a whole number 1-10"
            )
    problems += _check_ratings("quality", results.qualities, set(QUALITIES))
    problems += _check_ratings("competency", results.competencies, set(COMPETENCIES))
    problems += _check_choice("results.result", results.result, PRIMARY_RESULTS)
    problems += _check_completion(results)
    if results.title is not None:
        problems += _check_choice("results.title", results.title, PRIMARY_TITLES)
    return problems


def _check_completion(results: PrimaryResults) -> list[str]:
    """Circular 27, Art. 11-12: completion follows the result; a pupil who completed
    goes up, one who did not goes up or stays only by the principal's decision."""
    problems = []
    if results.completed != (results.result != "CHT"):
        problems.append(
            f"results.completed: {results.completed} contradicts the result"
            f" {results.result!r}"
        )
    if results.completed and results.promoted is False:
        problems.append("results.promoted: a pupil who completed the grade goes up")
    return problems


def _check_ratings(kind: str, ratings: tuple[Any, ...], codes: set[str]) -> list[str]:
    given = [r.code for r in ratings]
    problems = []
    if sorted(given) != sorted(codes):
        problems.append(f"{kind} codes {given} must be exactly {sorted(codes)}")
    for r in ratings:
        problems += _check_choice(f"{kind} {r.code}.level", r.level, RATING_LEVELS)
    return problems


def _check_subject_codes(codes: list[str]) -> list[str]:
    problems = [
        f"subject code {c!r} is not a short code of letters and digits"
        for c in codes
        if not SUBJECT_CODE.fullmatch(c)
    ]
    if len(set(codes)) != len(codes):
        problems.append(f"subject codes {codes} must be unique")
    return problems


def is_valid_mark(value: Mark) -> bool:
    """A lower-secondary mark: Đ, CĐ, M, or a score 0-10 with at most one decimal."""
    if isinstance(value, str):
        return value in COMMENT_MARKS
    return (
        isinstance(value, Decimal)
        and value.is_finite()
        and 0 <= value <= 10
        and value == value.quantize(Decimal("0.1"))
    )


def _check_secondary(results: SecondaryResults, grade: int) -> list[str]:
    problems = (
        []
        if grade in SECONDARY_GRADES
        else [f"record.grade: {grade} is not a lower-secondary grade"]
    )
    problems += _check_subject_codes([s.code for s in results.subjects])
    for s in results.subjects:
        marks = {"term1": s.term1, "term2": s.term2, "year": s.year, "retest": s.retest}
        for name, mark in marks.items():
            if mark is not None and not is_valid_mark(mark):
                problems.append(
                    f"subject {s.code}.{name}: {mark!r} must be 0-10 (one decimal),"
                    " Đ, CĐ or M"
                )
        if s.teacher is not None and not PERSONAL_ID.fullmatch(s.teacher.personal_id):
            problems.append(f"subject {s.code}.teacher.personal_id: must be 12 digits")
    for name in (
        "learning_term1",
        "learning_term2",
        "learning_year",
        "conduct_term1",
        "conduct_term2",
        "conduct_year",
        "retest_learning",
        "summer_conduct",
    ):
        value = getattr(results, name)
        if value is not None:
            problems += _check_choice(f"results.{name}", value, SECONDARY_LEVELS)
    if results.title is not None:
        problems += _check_choice("results.title", results.title, SECONDARY_TITLES)
    return problems
