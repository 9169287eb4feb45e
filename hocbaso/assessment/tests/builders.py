"""Valid student-years in the interchange format, to vary in tests."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from hocbaso.assessment import COMPETENCIES, QUALITIES, Comment, Form, curriculum

SECONDARY_SCORED = ("NV", "TOAN", "NN1", "GDCD", "LSDL", "KHTN", "CN", "TIN")
SECONDARY_COMMENT = ("GDTC", "AN", "MT", "HDTN", "GDDP")


def primary(
    grade: int = 4,
    level: str = "T",
    score: int = 10,
    rating: str = "T",
    **changes: Any,
) -> dict[str, Any]:
    """A primary student-year: every compulsory subject at ``level`` and
    ``score``, every quality and competency at ``rating``."""
    subjects: dict[str, Any] = {}
    for spec in curriculum("primary", grade):
        if spec.optional:
            continue
        subjects[spec.code] = {"level": level}
        if spec.has_test:
            subjects[spec.code]["score"] = score
    data: dict[str, Any] = {
        "level": "primary",
        "grade": grade,
        "subjects": subjects,
        "qualities": dict.fromkeys(QUALITIES, rating),
        "competencies": dict.fromkeys(COMPETENCIES, rating),
        "class_recognition": False,
    }
    data.update(changes)
    return data


def term(value: Any, regular: int) -> dict[str, Any]:
    """One term with every assessment at ``value``."""
    return {"tx": [value] * regular, "gk": value, "ck": value}


def both_terms(value: Any, regular: int) -> dict[str, Any]:
    return {"hk1": term(value, regular), "hk2": term(value, regular)}


def secondary(
    grade: int = 7,
    scores: dict[str, Any] | None = None,
    comments: dict[str, str] | None = None,
    conduct: tuple[str, str] = ("T", "T"),
    absences: int = 0,
    **changes: Any,
) -> dict[str, Any]:
    """A lower-secondary student-year.

    Each scored subject has every assessment at its value in ``scores``
    (default "8.0"), so its term and year averages are that value; each
    comment subject is at its value in ``comments`` (default "Đ").
    """
    scores = scores or {}
    comments = comments or {}
    subjects: dict[str, Any] = {}
    for spec in curriculum("secondary", grade):
        if spec.optional:
            continue
        if spec.form is Form.SCORE:
            value: Any = scores.get(spec.code, "8.0")
        else:
            value = comments.get(spec.code, "Đ")
        subjects[spec.code] = both_terms(value, spec.regular_count)
    data: dict[str, Any] = {
        "level": "secondary",
        "grade": grade,
        "subjects": subjects,
        "conduct": {"hk1": conduct[0], "hk2": conduct[1]},
        "absences": absences,
    }
    data.update(changes)
    return data


def with_averages(*averages: str, **changes: Any) -> dict[str, Any]:
    """A secondary year whose scored subjects have these year averages, in
    the order NV, TOAN, NN1, GDCD, LSDL, KHTN, CN, TIN."""
    return secondary(
        scores=dict(zip(SECONDARY_SCORED, averages, strict=True)), **changes
    )


def edited(data: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    """A deep copy of ``data`` with the value at ``path`` replaced."""
    result = copy.deepcopy(data)
    target = result
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return result


def without(data: dict[str, Any], path: tuple[Any, ...]) -> dict[str, Any]:
    """A deep copy of ``data`` with the key at ``path`` removed."""
    result = copy.deepcopy(data)
    target = result
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]
    return result


def marks(*scores: str, comments: tuple[str, ...] = ()) -> dict[str, Any]:
    """Learning-level input: scored subjects S1… and comment subjects C1…."""
    result: dict[str, Any] = {
        f"S{i}": Decimal(score) for i, score in enumerate(scores, start=1)
    }
    for i, comment in enumerate(comments, start=1):
        result[f"C{i}"] = Comment(comment)
    return result
