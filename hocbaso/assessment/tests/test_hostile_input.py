"""No builtin exception escapes ``assess``, whatever JSON-shaped value it gets."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from hocbaso.assessment import AssessmentInputError, assess
from hocbaso.assessment.tests.builders import primary, secondary

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["T", "Đ", "CĐ", "K", "8.5", "1e5", "NaN", "-0", "٣", " 7 "]),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5),
        st.dictionaries(st.text(max_size=6), inner, max_size=5),
    ),
    max_leaves=20,
)


def _assess_or_input_error(data: Any) -> None:
    try:
        result = assess(data)
    except AssessmentInputError as error:
        assert error.problems
        for problem in error.problems:  # a stable code, a sentence that formats
            assert problem.code.isupper() and str(problem)
    else:
        assert isinstance(result, dict)


@settings(max_examples=100, deadline=None)
@given(json_values)
def test_any_json_value_gives_a_result_or_an_input_error(data: Any) -> None:
    _assess_or_input_error(data)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    paths = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            paths += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            paths += _paths(item, (*prefix, index))
    return paths


def _replaced(data: dict[str, Any], path: tuple[Any, ...], value: Any) -> Any:
    result = copy.deepcopy(data)
    target = result
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return result


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(
        [
            primary(),
            primary(grade=1),
            secondary(),
            secondary(grade=9, retest={"NV": 4}, summer_conduct="CĐ"),
        ]
    ),
    st.data(),
    json_values,
)
def test_any_value_anywhere_in_a_valid_year_gives_a_result_or_an_input_error(
    data: dict[str, Any], draw: st.DataObject, value: Any
) -> None:
    path = draw.draw(st.sampled_from(_paths(data)))
    _assess_or_input_error(_replaced(data, path, value))
