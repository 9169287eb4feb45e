"""The summer paths and promotion after them: Circular 22/2021, Art. 12-15."""

from __future__ import annotations

from typing import Any

import pytest

from hocbaso.assessment import AssessmentInputError, assess
from hocbaso.assessment.tests.builders import secondary, with_averages


def _two_failing(**changes: Any) -> dict[str, Any]:
    """Learning CĐ: CN and TIN at 3.0 (two subjects, so no adjustment)."""
    return with_averages(*["8.0"] * 6, "3.0", "3.0", **changes)


def _problems(data: dict[str, Any]) -> list[str]:
    with pytest.raises(AssessmentInputError) as caught:
        assess(data)
    return [str(problem) for problem in caught.value.problems]


def test_a_passed_retest_promotes_the_student() -> None:
    out = assess(_two_failing(retest={"CN": 6, "TIN": "5.5"}))
    assert out["subjects"]["CN"] == {
        "hk1": "3.0",
        "hk2": "3.0",
        "year": "3.0",
        "retest": "6.0",
    }
    assert out["subjects"]["TIN"]["retest"] == "5.5"
    assert out["learning"]["year"] == "K"
    assert out["promotion"] == "promoted"


def test_the_retest_recomputes_the_year_with_the_adjustment() -> None:
    # Only CN re-tested: TIN 3.0 alone keeps the student from K → raised to Đ.
    out = assess(_two_failing(retest={"CN": 7}))
    assert out["learning"]["year"] == "Đ"
    assert out["promotion"] == "promoted"


def test_a_failed_retest_means_repeating_the_grade() -> None:
    out = assess(_two_failing(retest={"CN": 2, "TIN": 3}))
    assert out["learning"]["year"] == "CĐ"
    assert out["promotion"] == "repeat"


def test_no_retest_taken_means_repeating_the_grade() -> None:
    assert assess(_two_failing(retest={}))["promotion"] == "repeat"


def test_a_comment_subject_at_cd_may_be_retested() -> None:
    data = secondary(comments={"AN": "CĐ", "MT": "CĐ"})
    assert assess(data)["promotion"] == "retest"
    out = assess({**data, "retest": {"AN": "Đ", "MT": "Đ"}})
    assert out["subjects"]["AN"]["retest"] == "Đ"
    assert out["learning"]["year"] == "T"
    assert out["promotion"] == "promoted"


def test_the_summer_conduct_rating_replaces_the_year_conduct() -> None:
    data = secondary(conduct=("CĐ", "CĐ"), summer_conduct="Đ")
    out = assess(data)
    assert out["conduct"] == {"year": "Đ"}
    assert out["promotion"] == "promoted"


def test_a_failed_summer_training_means_repeating_the_grade() -> None:
    out = assess(secondary(conduct=("T", "CĐ"), summer_conduct="CĐ"))
    assert out["promotion"] == "repeat"


def test_both_paths_must_both_succeed() -> None:
    both = _two_failing(conduct=("CĐ", "CĐ"))
    assert assess(both)["promotion"] == "retest_and_summer_training"
    passed = {**both, "retest": {"CN": 6, "TIN": 6}, "summer_conduct": "K"}
    assert assess(passed)["promotion"] == "promoted"
    conduct_failed = {**passed, "summer_conduct": "CĐ"}
    assert assess(conduct_failed)["promotion"] == "repeat"
    retest_failed = {**passed, "retest": {"CN": 1, "TIN": 1}}
    assert assess(retest_failed)["promotion"] == "repeat"


def test_titles_come_from_the_final_results() -> None:
    # [decision TITLES_FROM_FINAL_RESULTS]
    data = with_averages(*["9.5"] * 6, "3.0", "3.0")
    out = assess({**data, "retest": {"CN": "9.0", "TIN": "9.0"}})
    assert out["learning"]["year"] == "T"
    assert out["title"] == "HSXS"


def test_a_retest_is_refused_when_learning_is_not_cd() -> None:
    assert _problems(secondary(retest={"TOAN": 6})) == [
        "retest: no re-test applies: year learning is T"
    ]


def test_a_retest_is_refused_over_45_absences() -> None:
    assert _problems(_two_failing(absences=46, retest={"CN": 6})) == [
        "retest: no re-test applies: 46 absences exceed 45, no summer path"
    ]


def test_a_retest_is_refused_in_a_subject_that_may_not_be_retested() -> None:
    data = _two_failing(retest={"CN": 6, "NV": 9, "GDTC": "Đ"})
    assert _problems(data) == [
        "retest GDTC: may not be re-tested: year result is Đ",
        "retest NV: may not be re-tested: year average 8.0 is not below 5.0",
    ]


def test_a_retest_is_refused_in_an_exempt_subject() -> None:
    data = _two_failing(retest={"CN": 6, "TIN": 6, "GDTC": "Đ"})
    data["subjects"]["GDTC"] = {"exempt": True}
    assert _problems(data) == [
        "retest GDTC: may not be re-tested: the student is exempt (M)"
    ]


def test_summer_conduct_is_refused_when_conduct_is_not_cd() -> None:
    assert _problems(secondary(conduct=("K", "K"), summer_conduct="T")) == [
        "summer_conduct: no summer conduct training applies: year conduct is K"
    ]


def test_after_the_summer_every_path_that_applies_needs_its_result() -> None:
    # [decision SUMMER_RESULTS_MUST_BE_COMPLETE]
    both = _two_failing(conduct=("CĐ", "CĐ"))
    assert _problems({**both, "summer_conduct": "Đ"}) == [
        "retest: required after the summer, year learning is CĐ"
        " (write {} when no subject was re-tested)"
    ]
    assert _problems({**both, "retest": {}}) == [
        "summer_conduct: required after the summer, year conduct is CĐ"
    ]


def test_a_retest_score_follows_the_score_rules() -> None:
    problems = _problems(_two_failing(retest={"CN": 10.5, "TIN": "Đ"}))
    assert problems == [
        "retest CN: re-test score 10.5 must be a number from 0 to 10"
        " with at most one decimal",
        'retest TIN: re-test score "Đ" must be a number from 0 to 10'
        " with at most one decimal",
    ]
