"""Primary year result, completion and titles: Circular 27/2020, Art. 9, 11, 13."""

from __future__ import annotations

from typing import Any

import pytest

from hocbaso.assessment import (
    PrimaryResult,
    PrimarySubject,
    PrimaryYear,
    QualityLevel,
    SubjectLevel,
    Title,
    assess,
    is_completed,
    primary_title,
    year_result,
)
from hocbaso.assessment.tests.builders import edited, primary


def _with_scores(**scores: int) -> dict[str, Any]:
    data = primary()
    for code, score in scores.items():
        data["subjects"][code]["score"] = score
    return data


# Art. 9: (id, input, expected result)
ART_9_CASES = [
    ("art9-htxs-all-T-scores-9", _with_scores(TV=9, TOAN=9), "HTXS"),
    ("art9-htt-a-score-of-8", _with_scores(THCN=8), "HTT"),
    ("art9-htt-a-score-of-7", _with_scores(KH=7), "HTT"),
    ("art9-ht-a-score-of-6", _with_scores(KH=6), "HT"),
    ("art9-ht-a-score-of-5", _with_scores(TV=5), "HT"),
    ("art9-cht-a-score-of-4", _with_scores(TV=4), "CHT"),
    ("art9-ht-a-subject-H", edited(primary(), ("subjects", "MT", "level"), "H"), "HT"),
    (
        "art9-cht-a-subject-C",
        edited(primary(), ("subjects", "MT", "level"), "C"),
        "CHT",
    ),
    ("art9-ht-a-quality-Đ", edited(primary(), ("qualities", "CC"), "Đ"), "HT"),
    (
        "art9-ht-a-competency-Đ",
        edited(primary(), ("competencies", "TC"), "Đ"),
        "HT",
    ),
    ("art9-cht-a-quality-C", edited(primary(), ("qualities", "TN"), "C"), "CHT"),
    ("art9-ht-all-H-all-Đ-scores-5", primary(level="H", rating="Đ", score=5), "HT"),
    ("art9-cht-all-H-one-C-rating", primary(level="H", rating="C"), "CHT"),
]


@pytest.mark.parametrize(
    ("data", "expected"),
    [case[1:] for case in ART_9_CASES],
    ids=[case[0] for case in ART_9_CASES],
)
def test_it_applies_the_year_result_table_of_art_9(
    data: dict[str, Any], expected: str
) -> None:
    assert assess(data)["result"] == expected


def test_worked_example_grade_4_with_a_score_of_8_is_htt_and_completed() -> None:
    # domain.md §11: TV 10, TOAN 9, NN1 9, LSDL 9, KH 10, THCN 8 → not HTXS.
    data = _with_scores(TV=10, TOAN=9, NN1=9, LSDL=9, KH=10, THCN=8)
    assert assess(data) == {"result": "HTT", "completed": True, "title": None}


def test_worked_example_gets_a_title_only_with_class_recognition() -> None:
    data = _with_scores(TV=10, TOAN=9, NN1=9, LSDL=9, KH=10, THCN=8)
    data["class_recognition"] = True
    assert assess(data) == {"result": "HTT", "completed": True, "title": "HSTB"}


@pytest.mark.parametrize(
    ("result", "recognition", "title"),
    [
        (PrimaryResult.HTXS, False, Title.HSXS),  # Art. 11: HTXS → Xuất sắc
        (PrimaryResult.HTXS, True, Title.HSXS),
        (PrimaryResult.HTT, True, Title.HSTB),  # Art. 11: HTT + class → Tiêu biểu
        (PrimaryResult.HTT, False, None),
        (PrimaryResult.HT, True, None),
        (PrimaryResult.CHT, True, None),
    ],
)
def test_it_gives_the_titles_of_art_11(
    result: PrimaryResult, recognition: bool, title: Title | None
) -> None:
    assert primary_title(result, recognition) is title


@pytest.mark.parametrize(
    ("result", "completed"),
    [
        (PrimaryResult.HTXS, True),
        (PrimaryResult.HTT, True),
        (PrimaryResult.HT, True),  # Art. 13: HT or better completes the grade
        (PrimaryResult.CHT, False),
    ],
)
def test_it_completes_the_grade_from_ht_up(
    result: PrimaryResult, completed: bool
) -> None:
    assert is_completed(result) is completed


def test_a_cht_student_has_not_completed_the_grade() -> None:
    out = assess(edited(primary(), ("subjects", "TV", "level"), "C"))
    assert out == {"result": "CHT", "completed": False, "title": None}


def test_it_leaves_an_exempt_subject_out_of_every_condition() -> None:
    data = edited(primary(), ("subjects", "GDTC"), {"exempt": True})
    assert assess(data)["result"] == "HTXS"


def test_an_exempt_tested_subject_needs_no_score() -> None:
    data = edited(primary(), ("subjects", "TV"), {"exempt": True})
    data["subjects"]["TOAN"]["score"] = 9
    assert assess(data)["result"] == "HTXS"


def test_the_optional_subjects_get_a_level_but_no_score() -> None:
    # §3.1 [decision]: NN1 in grades 1-2 and TDT are optional, level only.
    data = primary(grade=1)
    data["subjects"]["NN1"] = {"level": "H"}
    data["subjects"]["TDT"] = {"level": "T"}
    assert assess(data)["result"] == "HT"


def test_the_typed_rules_work_without_the_interchange_format() -> None:
    ratings = dict.fromkeys(["YN", "NA", "CC", "TTH", "TN"], QualityLevel.T)
    year = PrimaryYear(
        grade=1,
        subjects=(
            PrimarySubject("TV", SubjectLevel.T, 9),
            PrimarySubject("GDTC", None),
        ),
        ratings=ratings,
    )
    assert year_result(year) is PrimaryResult.HTXS
