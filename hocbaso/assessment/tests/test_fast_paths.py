"""Well-formed input takes fast paths; anything else the full reading.

Both must give the same results: a value written unusually but validly
(spaces, a tuple, a zero decimal, a str subclass as key) reads as its plain
form, and a bad value is still reported exactly, however often it is read.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from hocbaso.assessment import (
    AssessmentInputError,
    Level,
    assess,
    curriculum,
    secondary_year_from_dict,
)
from hocbaso.assessment.tests.builders import edited, primary, secondary


class _Key(str):
    """A str subclass, as a key: read like the plain key."""


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("subjects", "NV", "hk1", "gk"), " 8.0 "),
        (("subjects", "NV", "hk1", "gk"), 8),
        (("subjects", "NV", "hk1", "gk"), "8.00"),
        (("subjects", "NV", "hk1", "tx"), ("8.0", "8.0", "8.0", "8.0")),
        (("subjects", "GDTC", "hk2", "ck"), " Đ"),
        (("subjects", "GDTC", "hk1"), {_Key("tx"): ["Đ"] * 3, "gk": "Đ", "ck": "Đ"}),
        (("conduct", "hk1"), "T "),
    ],
)
def test_unusual_but_valid_secondary_values_read_as_the_plain_ones(
    path: tuple[str, ...], value: Any
) -> None:
    assert assess(edited(secondary(), path, value)) == assess(secondary())


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("subjects", "TV", "level"), " T"),
        (("subjects", "TV", "score"), "10"),
        (("subjects", "TV", "score"), "10.0"),
        (("subjects", "TV"), {_Key("level"): "T", "score": 10}),
        (("qualities", "YN"), "T\n"),
    ],
)
def test_unusual_but_valid_primary_values_read_as_the_plain_ones(
    path: tuple[str, ...], value: Any
) -> None:
    assert assess(edited(primary(), path, value)) == assess(primary())


def test_scores_stay_decimals_with_the_digits_written() -> None:
    data = edited(secondary(), ("subjects", "NV", "hk1", "gk"), "8.00")
    for _ in range(2):  # read again: same from the caches
        year = secondary_year_from_dict(data)
        nv = next(s for s in year.subjects if s.code == "NV")
        assert repr(nv.hk1.midterm) == "Decimal('8.00')"  # type: ignore[union-attr]
        assert repr(nv.hk1.regular[0]) == "Decimal('8.0')"  # type: ignore[union-attr]
        assert isinstance(nv.hk2.final, Decimal)  # type: ignore[union-attr]


def test_bad_values_are_reported_every_time_they_are_read() -> None:
    data = edited(secondary(), ("subjects", "NV", "hk1", "tx", 1), "10.5")
    data = edited(data, ("subjects", "AN", "hk2", "gk"), "D")
    expected = [
        "NV hk1: regular score 10.5 (#2) must be"
        " a number from 0 to 10 with at most one decimal",
        'AN hk2: mid-term assessment "D" must be Đ or CĐ',
    ]
    for _ in range(3):
        with pytest.raises(AssessmentInputError) as error:
            assess(data)
        assert [str(problem) for problem in error.value.problems] == expected


def test_curriculum_is_built_once_for_text_and_enum_levels() -> None:
    assert curriculum("secondary", 7) is curriculum(Level.SECONDARY, 7)
    assert curriculum("primary", 3) is curriculum(Level.PRIMARY, 3)
