"""The plain path (``_plain``, ``_plain_primary``) answers as the full path does.

``assess`` evaluates plainly written input in tenths and hands anything else to
the full path; here both are run on the same input and must agree, on the
golden corpus and on generated student-years crowded around the thresholds of
Circular 22, Art. 9 and Circular 27, Art. 9.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hocbaso.assessment import (
    COMPETENCIES,
    QUALITIES,
    AssessmentInputError,
    Form,
    assess_primary,
    assess_secondary,
    curriculum,
    primary_outcome_to_dict,
    primary_year_from_dict,
    secondary_outcome_to_dict,
    secondary_year_from_dict,
)
from hocbaso.assessment._plain import assess_plain
from hocbaso.assessment.tests.builders import edited, primary, secondary
from hocbaso.assessment.tests.golden_corpus import load


def full_path(data: Any) -> dict[str, Any]:
    if data["level"] == "primary":
        return primary_outcome_to_dict(assess_primary(primary_year_from_dict(data)))
    return secondary_outcome_to_dict(assess_secondary(secondary_year_from_dict(data)))


def test_the_plain_path_agrees_with_the_full_path_on_the_golden_corpus() -> None:
    taken = 0
    for case in load():
        plain = assess_plain(case["input"])
        if plain is None:
            continue
        taken += 1
        assert "output" in case, case["input"]  # a bad input never passes plainly
        assert plain == full_path(case["input"]) == case["output"]
    assert taken >= 400  # most valid student-years take it


# Scores as JSON carries them, crowded around the thresholds (3.5, 5.0, 6.5, 8.0, 9.0).
TENTHS = st.one_of(
    st.sampled_from([34, 35, 49, 50, 64, 65, 79, 80, 89, 90, 100, 0]),
    st.integers(0, 100),
)
SCORE = TENTHS.flatmap(
    lambda t: st.sampled_from(
        [f"{t // 10}.{t % 10}", f"{t // 10}.{t % 10}0", t / 10]
        + ([str(t // 10), t // 10] if t % 10 == 0 else [])
    )
)
COMMENT = st.sampled_from(["Đ", "Đ", "Đ", "CĐ"])
RANK = st.sampled_from(["T", "K", "Đ", "CĐ"])


@st.composite
def secondary_years(draw: st.DrawFn) -> dict[str, Any]:
    grade = draw(st.integers(6, 9))
    subjects: dict[str, Any] = {}
    for spec in curriculum("secondary", grade):
        if spec.optional and not draw(st.booleans()):
            continue
        mark = SCORE if spec.form is Form.SCORE else COMMENT
        count = spec.regular_count
        term = st.fixed_dictionaries(
            {
                "tx": st.lists(mark, min_size=count, max_size=count),
                "gk": mark,
                "ck": mark,
            }
        )
        subjects[spec.code] = {"hk1": draw(term), "hk2": draw(term)}
    return {
        "level": "secondary",
        "grade": grade,
        "subjects": subjects,
        "conduct": {"hk1": draw(RANK), "hk2": draw(RANK)},
        "absences": draw(st.sampled_from([0, 3, 45, 46])),
    }


@settings(max_examples=300, deadline=None)
@given(secondary_years())
def test_a_plain_secondary_year_gets_the_full_paths_answer(data: Any) -> None:
    plain = assess_plain(data)
    assert plain is not None
    assert plain == full_path(data)


@st.composite
def primary_years(draw: st.DrawFn) -> dict[str, Any]:
    grade = draw(st.integers(1, 5))
    level = st.sampled_from(["T", "T", "H", "C"])
    subjects: dict[str, Any] = {}
    for spec in curriculum("primary", grade):
        if spec.optional and not draw(st.booleans()):
            continue
        subjects[spec.code] = {"level": draw(level)}
        if spec.has_test:
            subjects[spec.code]["score"] = draw(
                st.sampled_from([4, 5, 6, 7, 8, 9, 10, "9", "9.0", 9.0, "10"])
            )
    rating = st.sampled_from(["T", "T", "Đ", "C"])
    return {
        "level": "primary",
        "grade": grade,
        "subjects": subjects,
        "qualities": {code: draw(rating) for code in QUALITIES},
        "competencies": {code: draw(rating) for code in COMPETENCIES},
        "class_recognition": draw(st.sampled_from([True, False, None])),
    }


@settings(max_examples=300, deadline=None)
@given(primary_years())
def test_a_plain_primary_year_gets_the_full_paths_answer(data: Any) -> None:
    plain = assess_plain(data)
    assert plain is not None
    assert plain == full_path(data)


@pytest.mark.parametrize(
    ("data"),
    [
        edited(secondary(), ("subjects", "GDTC"), {"exempt": True}),
        edited(secondary(), ("retest",), {}),
        edited(secondary(), ("summer_conduct",), "K"),
        edited(secondary(), ("subjects", "NV", "hk1", "gk"), "8.05"),
        edited(secondary(), ("subjects", "NV", "hk1", "gk"), True),
        edited(secondary(), ("subjects", "NV", "hk1", "tx"), ("8", "8", "8", "8")),
        edited(secondary(), ("subjects", "GDTC", "hk1", "ck"), "D"),
        edited(secondary(), ("conduct", "hk1"), "t"),
        edited(secondary(), ("absences",), -1),
        edited(secondary(), ("grade",), True),
        edited(secondary(), ("summer_condcut",), "K"),
        edited(primary(), ("subjects", "TV", "score"), 11),
        edited(primary(), ("subjects", "DD", "score"), 9),
        edited(primary(), ("subjects", "TV"), {"exempt": True}),
        edited(primary(), ("qualities", "YN"), "Đ "),
        edited(primary(), ("class_recognition",), 1),
        edited(primary(), ("level",), "Primary"),
    ],
)
def test_anything_unusual_takes_the_full_path(data: Any) -> None:
    assert assess_plain(data) is None
    try:
        full_path(data)
    except AssessmentInputError:
        pass  # the full path reports it; assess raises the same
