"""Year conduct, promotion and titles: Circular 22/2021, Art. 8 and 12-15."""

from __future__ import annotations

import pytest

from hocbaso.assessment import (
    Promotion,
    Rank,
    Title,
    assess,
    promotion,
    secondary_title,
    year_conduct,
)
from hocbaso.assessment.tests.builders import marks, secondary, with_averages

# Art. 8, domain.md §4.4: rows term II, columns term I (T, K, Đ, CĐ).
CONDUCT_TABLE = {
    "T": ("T", "T", "K", "K"),
    "K": ("K", "K", "K", "Đ"),
    "Đ": ("K", "Đ", "Đ", "Đ"),
    "CĐ": ("CĐ", "CĐ", "CĐ", "CĐ"),
}
CONDUCT_CASES = [
    (hk1, hk2, row[i])
    for hk2, row in CONDUCT_TABLE.items()
    for i, hk1 in enumerate(("T", "K", "Đ", "CĐ"))
]


@pytest.mark.parametrize(
    ("hk1", "hk2", "year"),
    CONDUCT_CASES,
    ids=[f"art8-hk1-{a}-hk2-{b}" for a, b, _ in CONDUCT_CASES],
)
def test_it_derives_the_year_conduct_from_the_terms_as_in_art_8(
    hk1: str, hk2: str, year: str
) -> None:
    assert year_conduct(Rank(hk1), Rank(hk2)) is Rank(year)
    out = assess(secondary(conduct=(hk1, hk2)))
    assert out["conduct"] == {"year": year}


# Art. 12-15: (id, learning, conduct, absences, June decision)
PROMOTION_CASES = [
    ("promoted-at-Đ-Đ", "Đ", "Đ", 0, "promoted"),
    ("promoted-with-45-absences", "T", "T", 45, "promoted"),
    ("repeat-with-46-absences", "T", "T", 46, "repeat"),
    ("retest-learning-CĐ", "CĐ", "T", 0, "retest"),
    ("summer-training-conduct-CĐ", "T", "CĐ", 0, "summer_training"),
    ("both-paths", "CĐ", "CĐ", 0, "retest_and_summer_training"),
    ("no-summer-path-over-45-absences", "CĐ", "CĐ", 46, "repeat"),
    ("retest-at-45-absences", "CĐ", "K", 45, "retest"),
]


@pytest.mark.parametrize(
    ("learning", "conduct", "absences", "decision"),
    [case[1:] for case in PROMOTION_CASES],
    ids=[case[0] for case in PROMOTION_CASES],
)
def test_it_decides_promotion_in_june_as_in_art_12_15(
    learning: str, conduct: str, absences: int, decision: str
) -> None:
    assert promotion(Rank(learning), Rank(conduct), absences) is Promotion(decision)


def test_45_absences_are_promoted_and_46_are_not() -> None:
    assert assess(secondary(absences=45))["promotion"] == "promoted"
    assert assess(secondary(absences=46))["promotion"] == "repeat"


def test_learning_cd_sends_the_student_to_a_retest() -> None:
    data = with_averages(*["8.0"] * 6, "3.0", "3.0")
    out = assess(data)
    assert out["learning"]["year"] == "CĐ"
    assert out["promotion"] == "retest"


def test_conduct_cd_sends_the_student_to_summer_training() -> None:
    out = assess(secondary(conduct=("T", "CĐ")))
    assert out["promotion"] == "summer_training"


def test_worked_example_six_subjects_at_9_is_hoc_sinh_xuat_sac() -> None:
    # domain.md §11, Art. 15
    data = with_averages("9.1", "9.0", "9.3", "8.5", "9.6", "9.0", "7.0", "9.2")
    out = assess(data)
    assert out["learning"]["year"] == "T"
    assert out["conduct"]["year"] == "T"
    assert out["title"] == "HSXS"


def test_worked_example_five_subjects_at_9_is_hoc_sinh_gioi() -> None:
    data = with_averages("9.1", "9.0", "9.3", "8.5", "9.6", "9.0", "7.0", "8.8")
    assert assess(data)["title"] == "HSG"


@pytest.mark.parametrize(
    ("learning", "conduct", "title"),
    [
        (Rank.T, Rank.T, Title.HSXS),
        (Rank.T, Rank.K, None),  # Art. 15: both T needed
        (Rank.K, Rank.T, None),
    ],
)
def test_titles_need_learning_and_conduct_at_t(
    learning: Rank, conduct: Rank, title: Title | None
) -> None:
    assert secondary_title(learning, conduct, marks(*["9.5"] * 8)) is title


def test_comment_subjects_do_not_count_towards_the_six_at_9() -> None:
    subject_marks = marks(*["9.5"] * 5, "8.0", "8.0", "8.0", comments=("Đ",) * 5)
    assert secondary_title(Rank.T, Rank.T, subject_marks) is Title.HSG


def test_a_title_needs_conduct_t_in_the_interchange_format() -> None:
    data = with_averages(*["9.5"] * 8, conduct=("T", "K"))
    out = assess(data)
    assert out["conduct"]["year"] == "K"
    assert out["title"] is None
