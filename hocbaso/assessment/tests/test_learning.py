"""Learning level and its adjustment: Circular 22/2021, Art. 9.2 and 9.3."""

from __future__ import annotations

from typing import Any

import pytest

from hocbaso.assessment import (
    Rank,
    adjust_learning_level,
    assess,
    blocking_subjects,
    learning_level,
    learning_result,
)
from hocbaso.assessment.tests.builders import marks, secondary, with_averages

FIVE_DAT = ("Đ",) * 5

# Art. 9.2 (before adjustment): (id, marks, level)
ART_9_2_CASES = [
    ("T-six-at-8-rest-6.5", marks(*["8.0"] * 6, "6.5", "6.5", comments=FIVE_DAT), "T"),
    ("K-one-at-6.4", marks(*["8.0"] * 7, "6.4", comments=FIVE_DAT), "K"),
    ("K-only-five-at-8", marks(*["8.0"] * 5, "7.9", "7.9", "7.9"), "K"),
    ("K-six-at-6.5-rest-5", marks(*["6.5"] * 6, "5.0", "5.0", comments=FIVE_DAT), "K"),
    ("Đ-one-comment-CĐ", marks(*["9.0"] * 8, comments=("CĐ", "Đ", "Đ")), "Đ"),
    ("Đ-one-at-4.9", marks(*["6.5"] * 7, "4.9"), "Đ"),
    ("Đ-only-five-at-6.5", marks(*["6.5"] * 5, "6.4", "6.4", "6.4"), "Đ"),
    ("Đ-six-at-5-rest-3.5", marks(*["5.0"] * 6, "3.5", "3.5"), "Đ"),
    ("CĐ-one-at-3.4", marks(*["5.0"] * 7, "3.4"), "CĐ"),
    ("CĐ-only-five-at-5", marks(*["5.0"] * 5, "4.9", "4.9", "4.9"), "CĐ"),
    ("CĐ-two-comments-CĐ", marks(*["9.0"] * 8, comments=("CĐ", "CĐ")), "CĐ"),
]


@pytest.mark.parametrize(
    ("subject_marks", "level"),
    [case[1:] for case in ART_9_2_CASES],
    ids=[case[0] for case in ART_9_2_CASES],
)
def test_it_applies_the_learning_table_of_art_9_2(
    subject_marks: dict[str, Any], level: str
) -> None:
    assert learning_level(subject_marks) is Rank(level)


# domain.md §11 worked examples of Art. 9.3: (id, marks, computed, adjusted)
TOT_ELSE = ["9.0"] * 7
ART_9_3_CASES = [
    ("one-at-4.0-Đ-to-K", marks(*TOT_ELSE, "4.0", comments=FIVE_DAT), "Đ", "K"),
    ("one-at-3.0-CĐ-to-Đ", marks(*TOT_ELSE, "3.0", comments=FIVE_DAT), "CĐ", "Đ"),
    (
        "one-comment-CĐ-Đ-to-K",
        marks(*["9.0"] * 8, comments=("CĐ", "Đ", "Đ", "Đ", "Đ")),
        "Đ",
        "K",
    ),
    ("one-at-6.0-K-stays", marks(*TOT_ELSE, "6.0", comments=FIVE_DAT), "K", "K"),
]


@pytest.mark.parametrize(
    ("subject_marks", "computed", "adjusted"),
    [case[1:] for case in ART_9_3_CASES],
    ids=[case[0] for case in ART_9_3_CASES],
)
def test_it_adjusts_as_in_the_worked_examples_of_art_9_3(
    subject_marks: dict[str, Any], computed: str, adjusted: str
) -> None:
    assert learning_level(subject_marks) is Rank(computed)
    assert learning_result(subject_marks) is Rank(adjusted)


def test_the_worked_examples_hold_through_the_interchange_format() -> None:
    assert assess(with_averages(*["9.0"] * 7, "4.0"))["learning"]["year"] == "K"
    assert assess(with_averages(*["9.0"] * 7, "3.0"))["learning"]["year"] == "Đ"
    one_cd = secondary(scores=dict.fromkeys(["NV"], "9.0"), comments={"AN": "CĐ"})
    assert assess(one_cd)["learning"]["year"] == "K"
    assert assess(with_averages(*["9.0"] * 7, "6.0"))["learning"]["year"] == "K"


def test_it_raises_by_one_level_only() -> None:
    # Computed CĐ, T is blocked by one subject alone: raised to Đ, not to K.
    subject_marks = marks(*TOT_ELSE, "2.0")
    assert adjust_learning_level(Rank.CD, subject_marks) is Rank.D


def test_it_does_not_raise_when_two_subjects_block() -> None:
    subject_marks = marks(*["9.0"] * 6, "4.0", "4.0")
    assert learning_level(subject_marks) is Rank.D
    assert blocking_subjects(subject_marks, Rank.T) == []
    assert learning_result(subject_marks) is Rank.D


def test_it_does_not_raise_when_a_score_and_a_comment_block() -> None:
    subject_marks = marks(*["9.0"] * 7, "4.0", comments=("CĐ", "Đ"))
    assert learning_result(subject_marks) is Rank.D


def test_it_raises_towards_kha_when_tot_is_out_of_reach() -> None:
    # Nothing reaches 8.0, so T is not blocked by one subject; K is blocked by
    # the 3.0 alone, and CĐ is two below K: raised to Đ.
    subject_marks = marks(*["7.0"] * 7, "3.0")
    assert learning_level(subject_marks) is Rank.CD
    assert blocking_subjects(subject_marks, Rank.T) == []
    assert blocking_subjects(subject_marks, Rank.K) == ["S8"]
    assert learning_result(subject_marks) is Rank.D


def test_it_does_not_raise_a_level_one_below_the_target() -> None:
    # Computed Đ: K is one level up, and T is blocked by two subjects.
    subject_marks = marks(*["7.0"] * 6, "4.5", "4.5")
    assert learning_level(subject_marks) is Rank.D
    assert learning_result(subject_marks) is Rank.D


def test_a_blocking_subject_must_reach_the_target_on_its_own() -> None:
    # Only 5 subjects at 8.0: putting the 4.0 at 6.5 still misses T.
    subject_marks = marks(*["8.0"] * 5, "7.0", "7.0", "4.0")
    assert blocking_subjects(subject_marks, Rank.T) == []
    assert learning_result(subject_marks) is Rank.D


def test_term_levels_are_adjusted_too() -> None:
    # [decision ADJUST_TERM_LEARNING_LEVELS]: Art. 9.3 names the term and year.
    data = with_averages(*["9.0"] * 7, "4.0")
    assert assess(data)["learning"] == {"hk1": "K", "hk2": "K", "year": "K"}


def test_an_exempt_subject_is_left_out_of_the_learning_conditions() -> None:
    data = secondary(comments={"GDTC": "CĐ"})
    assert assess(data)["learning"]["year"] == "K"
    data["subjects"]["GDTC"] = {"exempt": True}
    assert assess(data)["learning"]["year"] == "T"


def test_an_optional_subject_counts_like_any_other() -> None:
    # [decision OPTIONAL_SUBJECTS_COUNT_FOR_LEARNING]
    data = secondary()
    data["subjects"]["NN2"] = {
        "hk1": {"tx": [6] * 4, "gk": 6, "ck": 6},
        "hk2": {"tx": [6] * 4, "gk": 6, "ck": 6},
    }
    out = assess(data)
    assert out["subjects"]["NN2"]["year"] == "6.0"
    assert out["learning"]["year"] == "K"
