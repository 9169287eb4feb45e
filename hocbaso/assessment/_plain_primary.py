"""The fast path of ``assess`` for a primary student-year written plainly.

What ``_plain`` does for lower secondary (see there): every subject and rating
exactly a code, test scores whole numbers, no exempt subject and no field
outside the format; anything else returns None and takes the full path. The
result is read from ``primary._RESULT_TABLE`` (Circular 27, Art. 9).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hocbaso.assessment import primary
from hocbaso.assessment._values import test_score_of
from hocbaso.assessment.codes import PrimaryResult, QualityLevel, SubjectLevel
from hocbaso.assessment.curriculum import COMPETENCIES, QUALITIES, Level, curriculum
from hocbaso.assessment.primary_input import FIELDS

_SUBJECT_LEVELS = {level.value: level for level in SubjectLevel}
_QUALITY_LEVELS = {level.value: level for level in QualityLevel}
_SUBJECT_FIELDS = frozenset({"level", "score"})

# Per grade: (code, has test) in curriculum order, the codes, the compulsory codes.
_PRIMARY_PLANS = {
    grade: (
        tuple((s.code, s.has_test) for s in specs),
        frozenset(s.code for s in specs),
        frozenset(s.code for s in specs if not s.optional),
    )
    for grade in range(1, 6)
    for specs in [curriculum(Level.PRIMARY, grade)]
}


def assess_plain_primary(top: dict[Any, Any]) -> dict[str, Any] | None:
    """``assess(top)`` for a plainly written primary student-year, else None."""
    grade, recognition = top.get("grade"), top.get("class_recognition", False)
    if (
        type(grade) is not int
        or grade not in _PRIMARY_PLANS
        or not top.keys() <= FIELDS
        or (recognition is not None and type(recognition) is not bool)
    ):
        return None
    subjects = top.get("subjects")
    plan, codes, compulsory = _PRIMARY_PLANS[grade]
    if type(subjects) is not dict or not compulsory <= subjects.keys() <= codes:
        return None
    levels = _primary_levels(plan, subjects)
    ratings = _ratings(top.get("qualities"), QUALITIES)
    competencies = _ratings(top.get("competencies"), COMPETENCIES)
    if levels is None or ratings is None or competencies is None:
        return None
    result = _year_result(*levels, ratings | competencies)
    title = primary.primary_title(result, bool(recognition))
    return {
        "result": result.value,
        "completed": primary.is_completed(result),
        "title": None if title is None else title.value,
    }


def _primary_levels(
    plan: tuple[tuple[str, bool], ...], subjects: dict[Any, Any]
) -> tuple[set[SubjectLevel], int] | None:
    """The subject levels seen and the lowest test score (11 when none)."""
    seen: set[SubjectLevel] = set()
    lowest = 11
    for code, has_test in plan:
        if code not in subjects:
            continue
        value = subjects[code]
        if type(value) is not dict or not value.keys() <= _SUBJECT_FIELDS:
            return None
        raw_level, raw_score = value.get("level"), value.get("score")
        level = _SUBJECT_LEVELS.get(raw_level) if type(raw_level) is str else None
        if level is None:
            return None
        seen.add(level)
        if not has_test:
            if raw_score is not None:
                return None
            continue
        score = test_score_of(raw_score)
        if score is None:
            return None
        lowest = min(lowest, score)
    return seen, lowest


def _ratings(value: object, names: Mapping[str, str]) -> set[QualityLevel] | None:
    """The levels of one group of ratings, every one of them rated plainly."""
    if type(value) is not dict or value.keys() != names.keys():
        return None
    seen = set()
    for raw in value.values():
        level = _QUALITY_LEVELS.get(raw) if type(raw) is str else None
        if level is None:
            return None
        seen.add(level)
    return seen


def _year_result(
    levels: set[SubjectLevel], lowest: int, ratings: set[QualityLevel]
) -> PrimaryResult:
    """Circular 27, Art. 9: the first row of the table the student meets."""
    for result, subject_levels, rating_levels, lowest_score in primary._RESULT_TABLE:
        if (
            levels <= subject_levels
            and ratings <= rating_levels
            and lowest >= lowest_score
        ):
            return result
    return PrimaryResult.CHT
