"""The assessment interchange format (domain.md §10): one student-year in, results out.

``assess`` takes the parsed JSON of one student-year and returns the output
object, or raises ``AssessmentInputError`` listing every problem of the input.
Averages are written as strings with a dot ("8.1"); exempt subjects as "M".
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from hocbaso.assessment import decisions
from hocbaso.assessment._plain import assess_plain
from hocbaso.assessment._values import code_of, object_of, show
from hocbaso.assessment.averages import round_average
from hocbaso.assessment.curriculum import Level
from hocbaso.assessment.errors import Problems
from hocbaso.assessment.learning import Mark
from hocbaso.assessment.primary import PrimaryOutcome, assess_primary
from hocbaso.assessment.primary_input import primary_year_from_dict
from hocbaso.assessment.secondary import SecondaryOutcome, assess_secondary
from hocbaso.assessment.secondary_input import secondary_year_from_dict
from hocbaso.assessment.subjects import SubjectResult


def assess(data: Mapping[str, Any]) -> dict[str, Any]:
    """Assess one student-year given in the §10 interchange format.

    ``data`` is parsed JSON with "level" "primary" or "secondary". Returns, for
    primary, ``{"result", "completed", "title"}``; for lower secondary,
    ``{"subjects", "learning", "conduct", "promotion", "title"}``.

    Raises ``AssessmentInputError`` whose ``problems`` list every problem of
    the input, whatever JSON-shaped value ``data`` is.
    """
    plain = assess_plain(data)
    if plain is not None:
        return plain
    level = level_of(data)
    if level is Level.PRIMARY:
        return primary_outcome_to_dict(assess_primary(primary_year_from_dict(data)))
    return secondary_outcome_to_dict(assess_secondary(secondary_year_from_dict(data)))


def level_of(data: object) -> Level:
    """The school level a student-year declares in its "level" field."""
    problems = Problems()
    top = object_of(data, "input", problems)
    if top is None:
        raise problems.error()
    value = top.get("level")
    level = code_of(value, Level)
    if value is None:
        problems.add("level", "SCHOOL_LEVEL_MISSING", "required, primary or secondary")
    elif level is None:
        problems.add(
            "level",
            "SCHOOL_LEVEL_INVALID",
            "%(value)s must be primary or secondary",
            value=show(value),
        )
    if level is None:
        raise problems.error()
    return level


def primary_outcome_to_dict(outcome: PrimaryOutcome) -> dict[str, Any]:
    """The primary output object: ``{"result", "completed", "title"}``."""
    return {
        "result": outcome.result.value,
        "completed": outcome.completed,
        "title": None if outcome.title is None else outcome.title.value,
    }


def secondary_outcome_to_dict(outcome: SecondaryOutcome) -> dict[str, Any]:
    """The lower-secondary output object of §10."""
    return {
        "subjects": {r.code: _subject_to_dict(r) for r in outcome.subjects},
        "learning": {
            "hk1": outcome.learning.hk1.value,
            "hk2": outcome.learning.hk2.value,
            "year": outcome.learning.year.value,
        },
        "conduct": {"year": outcome.conduct.value},
        "promotion": outcome.promotion.value,
        "title": None if outcome.title is None else outcome.title.value,
    }


def _subject_to_dict(result: SubjectResult) -> dict[str, str] | str:
    if result.exempt and not decisions.EXEMPT_REPORTED_EACH_TERM:
        return decisions.EXEMPT_CODE
    out = {
        "hk1": mark_text(result.hk1),
        "hk2": mark_text(result.hk2),
        "year": mark_text(result.year),
    }
    if result.retest is not None:
        out["retest"] = mark_text(result.retest)
    return out


def mark_text(mark: Mark | None) -> str:
    """A result as the output writes it: "8.1", "Đ", or "M" when exempt."""
    if mark is None:
        return decisions.EXEMPT_CODE
    if isinstance(mark, Decimal):
        return str(round_average(mark))
    return mark.value
