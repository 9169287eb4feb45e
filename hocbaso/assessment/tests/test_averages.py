"""Averages and comment-subject results: Circular 22/2021, Art. 7 and 9."""

from __future__ import annotations

from decimal import Decimal

import pytest

from hocbaso.assessment import (
    Comment,
    CommentTerm,
    ScoredTerm,
    assess,
    comment_term,
    comment_year,
    round_average,
    subject_year_average,
    term_average,
    year_average,
)
from hocbaso.assessment.tests.builders import edited, secondary

D = Decimal
DAT, CHUA_DAT = Comment.D, Comment.CD


def _term(regular: list[str], midterm: str, final: str) -> ScoredTerm:
    return ScoredTerm(tuple(D(r) for r in regular), D(midterm), D(final))


def test_worked_example_term_average_is_8_1() -> None:
    # domain.md §11, Art. 9.2: (34 + 15 + 24) / 9 = 8.111… → 8.1
    assert term_average(_term(["8", "9", "7", "10"], "7.5", "8")) == D("8.1")


def test_worked_example_year_average_is_7_6() -> None:
    # domain.md §11, Art. 9.2: (8.1 + 14.8) / 3 = 7.633… → 7.6
    assert year_average(D("8.1"), D("7.4")) == D("7.6")


@pytest.mark.parametrize(
    ("value", "rounded"),
    [
        ("8.15", "8.2"),  # half goes up
        ("8.25", "8.3"),  # half goes up, not to the even 8.2
        ("8.149999", "8.1"),
        ("1.15", "1.2"),  # a binary float would give 1.1
        ("9.95", "10.0"),
        ("0.05", "0.1"),
        ("7", "7.0"),
    ],
)
def test_it_rounds_a_half_up(value: str, rounded: str) -> None:
    # domain.md §4.2 [decision AVERAGE_ROUNDING]
    assert str(round_average(D(value))) == rounded


def test_it_rounds_a_term_average_of_exactly_x_x5_up() -> None:
    # 3 regular scores → divide by 8: (0 + 0 + 9.2) / 8 = 1.15 exactly → 1.2
    assert term_average(_term(["0", "0", "9.2"], "0", "0")) == D("1.2")
    # (8 + 8 + 10 + 16 + 24) / 8 = 8.25 → 8.3
    assert term_average(_term(["8", "8", "10"], "8", "8")) == D("8.3")


def test_it_computes_the_year_average_from_the_rounded_term_averages() -> None:
    # [decision YEAR_AVERAGE_FROM_ROUNDED_TERMS]: term II is 8.15 exactly,
    # printed 8.2; (8.1 + 16.4) / 3 = 8.1666 → 8.2, where the unrounded
    # (8.1 + 16.3) / 3 = 8.133 would give 8.1.
    hk1 = _term(["8.1", "8.1", "8.1"], "8.1", "8.1")
    hk2 = _term(["9", "8", "8.2"], "8", "8")
    assert term_average(hk2) == D("8.2")
    assert subject_year_average(hk1, hk2) == D("8.2")


def test_it_weighs_midterm_twice_and_end_of_term_three_times() -> None:
    # Art. 9.2: two regular scores → divide by 7
    assert term_average(_term(["0", "0"], "7", "0")) == D("2.0")  # 14 / 7
    assert term_average(_term(["0", "0"], "0", "7")) == D("3.0")  # 21 / 7


def test_the_year_weighs_term_two_twice() -> None:
    assert year_average(D("9"), D("6")) == D("7.0")
    assert year_average(D("6"), D("9")) == D("8.0")


@pytest.mark.parametrize(
    ("regular", "midterm", "final", "expected"),
    [
        ((DAT, DAT, DAT), DAT, DAT, DAT),  # Art. 9: Đ iff every assessment is Đ
        ((DAT, CHUA_DAT, DAT), DAT, DAT, CHUA_DAT),
        ((DAT, DAT, DAT), CHUA_DAT, DAT, CHUA_DAT),
        ((DAT, DAT, DAT), DAT, CHUA_DAT, CHUA_DAT),
    ],
)
def test_a_comment_term_is_dat_only_when_every_assessment_is(
    regular: tuple[Comment, ...], midterm: Comment, final: Comment, expected: Comment
) -> None:
    assert comment_term(CommentTerm(regular, midterm, final)) is expected


@pytest.mark.parametrize(
    ("hk1", "hk2", "year"),
    [
        (DAT, DAT, DAT),
        (CHUA_DAT, DAT, DAT),
        (DAT, CHUA_DAT, CHUA_DAT),
        (CHUA_DAT, CHUA_DAT, CHUA_DAT),
    ],
)
def test_a_comment_year_follows_term_two(
    hk1: Comment, hk2: Comment, year: Comment
) -> None:
    # Art. 9: the year is Đ iff term II is Đ
    assert comment_year(hk1, hk2) is year


def test_the_output_writes_averages_with_a_dot_and_comments_as_codes() -> None:
    data = secondary()
    data["subjects"]["NV"] = {
        "hk1": {"tx": [8, 9, 7, 10], "gk": 7.5, "ck": 8},
        "hk2": {"tx": [7, 7, 8, 6], "gk": 7, "ck": 8},
    }
    data["subjects"]["GDTC"]["hk1"]["gk"] = "CĐ"
    out = assess(data)["subjects"]
    assert out["NV"] == {"hk1": "8.1", "hk2": "7.3", "year": "7.6"}
    assert out["GDTC"] == {"hk1": "CĐ", "hk2": "Đ", "year": "Đ"}
    assert out["TOAN"] == {"hk1": "8.0", "hk2": "8.0", "year": "8.0"}


def test_numbers_may_be_text_or_json_numbers() -> None:
    as_text = secondary(scores={"NV": "7.5"})
    as_number = secondary(scores={"NV": 7.5})
    assert assess(as_text) == assess(as_number)


def test_an_exempt_subject_is_reported_as_m() -> None:
    data = edited(secondary(), ("subjects", "GDTC"), {"exempt": True})
    assert assess(data)["subjects"]["GDTC"] == {"hk1": "M", "hk2": "M", "year": "M"}


def test_the_regular_count_follows_the_periods_per_year() -> None:
    # Art. 7.2: CN has 35 periods in grade 7 (2 regular), 52 in grade 8 (3).
    assert len(secondary(grade=7)["subjects"]["CN"]["hk1"]["tx"]) == 2
    assert len(secondary(grade=8)["subjects"]["CN"]["hk1"]["tx"]) == 3
    assert assess(secondary(grade=8))["learning"]["year"] == "T"
