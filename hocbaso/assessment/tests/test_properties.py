"""Properties of the rules, checked with hypothesis.

Circular 22/2021, Art. 9 (averages, learning level) and Circular 27/2020, Art. 9.
"""

from __future__ import annotations

import copy
import json
import math
from decimal import Decimal
from fractions import Fraction
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from hocbaso.assessment import (
    AssessmentInputError,
    Comment,
    Rank,
    ScoredTerm,
    assess,
    learning_result,
    round_average,
    term_average,
    year_average,
)
from hocbaso.assessment.tests.builders import SECONDARY_SCORED, primary, secondary

FAST = settings(max_examples=100, deadline=None)
SLOW = settings(max_examples=40, deadline=None)

# Scores with one decimal, crowded around the thresholds of Art. 9.
THRESHOLDS = ["3.4", "3.5", "4.9", "5.0", "6.4", "6.5", "7.9", "8.0", "8.9", "9.0"]
scores = st.one_of(
    st.sampled_from([Decimal(t) for t in THRESHOLDS]),
    st.integers(0, 100).map(lambda tenths: Decimal(tenths) / 10),
)
one_decimal = st.integers(0, 100).map(lambda tenths: Decimal(tenths) / 10)

TITLE_RANK = {None: 0, "HSG": 1, "HSXS": 2}
PROMOTION_RANK = {
    "repeat": 0,
    "retest_and_summer_training": 1,
    "retest": 2,
    "summer_training": 2,
    "promoted": 3,
}


def _half_up_oracle(value: Fraction) -> Fraction:
    return Fraction(math.floor(value * 10 + Fraction(1, 2)), 10)


@FAST
@given(st.integers(0, 10**6), st.sampled_from([10, 100, 1000, 10**4]))
def test_rounding_is_half_up_to_one_decimal(numerator: int, denominator: int) -> None:
    value = Decimal(numerator) / Decimal(denominator)
    rounded = round_average(value)
    assert Fraction(rounded) == _half_up_oracle(Fraction(numerator, denominator))
    assert rounded.as_tuple().exponent == -1


@FAST
@given(st.lists(one_decimal, min_size=2, max_size=4), one_decimal, one_decimal)
def test_a_term_average_is_the_exact_formula_rounded_half_up(
    regular: list[Decimal], midterm: Decimal, final: Decimal
) -> None:
    exact = sum(map(Fraction, regular)) + 2 * Fraction(midterm) + 3 * Fraction(final)
    exact /= len(regular) + 5
    average = term_average(ScoredTerm(tuple(regular), midterm, final))
    assert Fraction(average) == _half_up_oracle(exact)


@FAST
@given(one_decimal, one_decimal)
def test_the_year_average_lies_between_the_term_averages(
    hk1: Decimal, hk2: Decimal
) -> None:
    assert min(hk1, hk2) <= year_average(hk1, hk2) <= max(hk1, hk2)


def _marks(values: list[Decimal], comments: list[bool]) -> dict[str, Any]:
    result: dict[str, Any] = {f"S{i}": v for i, v in enumerate(values)}
    for i, ok in enumerate(comments):
        result[f"C{i}"] = Comment.D if ok else Comment.CD
    return result


@FAST
@given(
    st.lists(scores, min_size=8, max_size=9),
    st.lists(st.booleans(), min_size=5, max_size=5),
    st.data(),
)
def test_raising_one_score_never_lowers_the_learning_level(
    values: list[Decimal], comments: list[bool], data: st.DataObject
) -> None:
    index = data.draw(st.integers(0, len(values) - 1))
    raised = data.draw(scores.filter(lambda s: s >= values[index]))
    before = learning_result(_marks(values, comments))
    values[index] = raised
    after = learning_result(_marks(values, comments))
    assert after.at_least(before)


def _secondary_year(draw: st.DrawFn) -> dict[str, Any]:
    data = secondary(
        conduct=(draw(st.sampled_from(list(Rank))), draw(st.sampled_from(list(Rank)))),
        absences=draw(st.integers(0, 50)),
    )
    for code in SECONDARY_SCORED:
        for term in ("hk1", "hk2"):
            marks = data["subjects"][code][term]
            marks["tx"] = [str(draw(scores)) for _ in marks["tx"]]
            marks["gk"], marks["ck"] = str(draw(scores)), str(draw(scores))
    for code in ("GDTC", "AN"):
        data["subjects"][code]["hk2"]["ck"] = draw(st.sampled_from(["Đ", "CĐ"]))
    return data


secondary_years = st.composite(_secondary_year)()


def _score_paths(data: dict[str, Any]) -> list[tuple[str, str, str, int | None]]:
    paths: list[tuple[str, str, str, int | None]] = []
    for code in SECONDARY_SCORED:
        for term in ("hk1", "hk2"):
            marks = data["subjects"][code][term]
            paths += [(code, term, "tx", i) for i in range(len(marks["tx"]))]
            paths += [(code, term, "gk", None), (code, term, "ck", None)]
    return paths


def _assert_not_lower(before: dict[str, Any], after: dict[str, Any]) -> None:
    for code in SECONDARY_SCORED:
        for period in ("hk1", "hk2", "year"):
            old = Decimal(before["subjects"][code][period])
            assert Decimal(after["subjects"][code][period]) >= old
    for period in ("hk1", "hk2", "year"):
        old_rank = Rank(before["learning"][period])
        assert Rank(after["learning"][period]).at_least(old_rank)
    assert TITLE_RANK[after["title"]] >= TITLE_RANK[before["title"]]
    assert PROMOTION_RANK[after["promotion"]] >= PROMOTION_RANK[before["promotion"]]


@SLOW
@given(secondary_years, st.data())
def test_raising_one_score_never_lowers_any_result(
    data: dict[str, Any], draw: st.DataObject
) -> None:
    code, term, field, index = draw.draw(st.sampled_from(_score_paths(data)))
    raised = copy.deepcopy(data)
    marks = raised["subjects"][code][term]
    old = Decimal(marks[field] if index is None else marks[field][index])
    new = str(draw.draw(scores.filter(lambda s: s >= old)))
    if index is None:
        marks[field] = new
    else:
        marks[field][index] = new
    _assert_not_lower(assess(data), assess(raised))


@SLOW
@given(secondary_years, st.randoms(use_true_random=False))
def test_a_result_never_depends_on_subject_order(
    data: dict[str, Any], random: Any
) -> None:
    items = list(data["subjects"].items())
    random.shuffle(items)
    shuffled = {**data, "subjects": dict(items)}
    assert json.dumps(assess(shuffled)) == json.dumps(assess(data))


@SLOW
@given(st.randoms(use_true_random=False))
def test_problems_never_depend_on_subject_order(random: Any) -> None:
    data = secondary()
    data["subjects"]["NV"]["hk1"]["tx"] = [1]
    data["subjects"]["TOAN"]["hk2"]["gk"] = 11
    data["subjects"]["XYZ"] = {}
    data["subjects"]["ABC"] = {}
    items = list(data["subjects"].items())
    random.shuffle(items)
    try:
        assess(data)
    except AssessmentInputError as error:
        expected = error.problems
    try:
        assess({**data, "subjects": dict(items)})
    except AssessmentInputError as error:
        assert error.problems == expected


PRIMARY_TESTED = ["TV", "TOAN", "NN1", "LSDL", "KH", "THCN"]
PRIMARY_RANK = {"CHT": 0, "HT": 1, "HTT": 2, "HTXS": 3}


@FAST
@given(
    st.lists(st.integers(1, 10), min_size=6, max_size=6),
    st.sampled_from(PRIMARY_TESTED),
    st.integers(1, 10),
    st.sampled_from(["T", "H"]),
)
def test_raising_a_primary_test_score_never_lowers_the_result(
    values: list[int], code: str, new: int, level: str
) -> None:
    data = primary(level=level)
    for tested, value in zip(PRIMARY_TESTED, values, strict=True):
        data["subjects"][tested]["score"] = value
    raised = copy.deepcopy(data)
    raised["subjects"][code]["score"] = max(new, data["subjects"][code]["score"])
    before, after = assess(data), assess(raised)
    assert PRIMARY_RANK[after["result"]] >= PRIMARY_RANK[before["result"]]
