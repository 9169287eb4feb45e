"""Reading a primary student-year from the interchange format (domain.md §10).

Checks, all reported in one pass: the grade; the subjects against the grade's
curriculum (Circular 27, Art. 7); each subject's level T / H / C and its
end-of-year test score, a whole number 1-10, required exactly for the tested
subjects; the 5 qualities and 10 competencies, each T / Đ / C.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hocbaso.assessment import decisions
from hocbaso.assessment._values import (
    check_fields,
    choices,
    code_of,
    curriculum_subjects,
    grade_of,
    is_exempt,
    name,
    object_of,
    plain_object,
    show,
    test_score_of,
)
from hocbaso.assessment.codes import QualityLevel, SubjectLevel
from hocbaso.assessment.curriculum import (
    COMPETENCIES,
    QUALITIES,
    Level,
    SubjectSpec,
    curriculum,
)
from hocbaso.assessment.errors import Problems, Term
from hocbaso.assessment.primary import PrimarySubject, PrimaryYear

FIELDS = frozenset(
    {"level", "grade", "subjects", "qualities", "competencies", "class_recognition"}
)
_SUBJECT_FIELDS = frozenset({"level", "score", "exempt"})
_LEVEL_AND_SCORE = frozenset({"level", "score"})  # a subject's fields but "exempt"
_RATINGS = (("qualities", QUALITIES), ("competencies", COMPETENCIES))


def primary_year_from_dict(data: Mapping[str, Any]) -> PrimaryYear:
    """A validated ``PrimaryYear`` from one student-year in the §10 format.

    Raises ``AssessmentInputError`` listing every problem found.
    """
    problems = Problems()
    top = object_of(data, "input", problems)
    if top is None:
        raise problems.error()
    check_fields(top, FIELDS, "input", problems)
    grade = grade_of(top.get("grade"), 1, 5, Level.PRIMARY.value, problems)
    if grade is None:
        raise problems.error()
    specs = curriculum(Level.PRIMARY, grade)
    subjects = [
        _subject(spec, value, problems)
        for spec, value in curriculum_subjects(
            top.get("subjects"), specs, grade, problems
        )
    ]
    ratings = _ratings(top, problems)
    recognition = _class_recognition(top.get("class_recognition"), problems)
    problems.raise_if_any()
    return PrimaryYear(
        grade=grade,
        subjects=tuple(s for s in subjects if s is not None),
        ratings=ratings,
        class_recognition=recognition,
    )


def _subject(
    spec: SubjectSpec, value: object, problems: Problems
) -> PrimarySubject | None:
    plain = _plain_subject(spec, value)
    if plain is not None:
        return plain
    obj = object_of(value, spec.code, problems)
    if obj is None:
        return None
    if is_exempt(obj, spec.code, problems):
        return PrimarySubject(spec.code, None)
    check_fields(obj, _SUBJECT_FIELDS, spec.code, problems)
    level = _level(obj.get("level"), spec.code, problems)
    score = _test_score(spec, obj.get("score"), problems)
    if level is None:
        return None
    return PrimarySubject(spec.code, level, score)


def _plain_subject(spec: SubjectSpec, value: object) -> PrimarySubject | None:
    """The fast path of ``_subject``: a subject written plainly and validly.

    None when anything is unusual (an exempt flag, an unknown field, a bad or
    missing level or score…): ``_subject`` then reads it again and reports
    every problem.
    """
    obj = plain_object(value, _LEVEL_AND_SCORE)
    if obj is None:
        return None
    level = code_of(obj.get("level"), SubjectLevel)
    if level is None:
        return None
    raw = obj.get("score")
    if not spec.has_test:
        return None if raw is not None else PrimarySubject(spec.code, level, None)
    score = test_score_of(raw)
    return None if score is None else PrimarySubject(spec.code, level, score)


def _level(value: object, where: str, problems: Problems) -> SubjectLevel | None:
    level = code_of(value, SubjectLevel)
    if value is None:
        problems.add(
            where,
            "LEVEL_MISSING",
            "level required, %(choices)s",
            choices=choices(SubjectLevel),
        )
    elif level is None:
        problems.add(
            where,
            "LEVEL_INVALID",
            "level %(value)s must be %(choices)s",
            value=show(value),
            choices=choices(SubjectLevel),
        )
    return level


def _test_score(spec: SubjectSpec, value: object, problems: Problems) -> int | None:
    # Circular 27, Art. 7: tested subjects write their end-of-year test score,
    # a whole number 1-10; the others have none (§3.1 [decision] for optional).
    if not spec.has_test:
        if value is not None:
            problems.add(
                spec.code,
                "SCORE_NOT_TAKEN",
                "takes no test score, %(value)s given",
                value=show(value),
            )
        return None
    score = test_score_of(value)
    if value is None:
        problems.add(
            spec.code,
            "SCORE_MISSING",
            "test score required, a whole number from 1 to 10",
        )
    elif score is None:
        problems.add(
            spec.code,
            "SCORE_INVALID",
            "test score %(value)s must be a whole number from 1 to 10",
            value=show(value),
        )
    return score


def _ratings(top: Mapping[str, Any], problems: Problems) -> dict[str, QualityLevel]:
    # Circular 27, Art. 6-7: the 5 qualities and 10 competencies, T / Đ / C,
    # all rated every year [decision ALL_QUALITIES_AND_COMPETENCIES_EVERY_GRADE].
    required = decisions.ALL_QUALITIES_AND_COMPETENCIES_EVERY_GRADE
    ratings: dict[str, QualityLevel] = {}
    for field, names in _RATINGS:
        if top.get(field) is None:
            if required:
                problems.add(
                    field,
                    "RATINGS_MISSING",
                    "required, the %(count)s %(field)s",
                    count=len(names),
                    field=Term(field),
                )
            continue
        obj = object_of(top[field], field, problems)
        if obj is not None:
            ratings.update(_rating_group(field, names, obj, required, problems))
    return ratings


def _rating_group(
    field: str,
    names: Mapping[str, str],
    obj: Mapping[str, Any],
    required: bool,
    problems: Problems,
) -> dict[str, QualityLevel]:
    for key in sorted(set(obj) - set(names)):
        problems.add(
            field,
            "RATING_UNKNOWN",
            "%(key)s is not one of the %(count)s %(field)s",
            key=name(key),
            count=len(names),
            field=Term(field),
        )
    ratings: dict[str, QualityLevel] = {}
    for code in names:
        value = obj.get(code)
        level = code_of(value, QualityLevel)
        if value is None and required:
            problems.add(
                f"{field} {code}",
                "RATING_MISSING",
                "required, %(choices)s",
                choices=choices(QualityLevel),
            )
        elif value is not None and level is None:
            problems.add(
                f"{field} {code}",
                "RATING_INVALID",
                "%(value)s must be %(choices)s",
                value=show(value),
                choices=choices(QualityLevel),
            )
        if level is not None:
            ratings[code] = level
    return ratings


def _class_recognition(value: object, problems: Problems) -> bool:
    # Circular 27, Art. 11: the class's recognition is a human decision, a flag.
    if value is None:
        return False
    if not isinstance(value, bool):
        problems.add(
            "class_recognition",
            "FLAG_INVALID",
            "must be true or false, got %(value)s",
            value=show(value),
        )
        return False
    return value
