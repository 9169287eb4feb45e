"""Invalid input: every problem reported at once, naming subject, term and value."""

from __future__ import annotations

import unicodedata
from typing import Any

import pytest

from hocbaso.assessment import AssessmentError, AssessmentInputError, assess
from hocbaso.assessment.tests.builders import edited, primary, secondary, without

SCORE_RULE = "must be a number from 0 to 10 with at most one decimal"
SCORE_REQUIRED = "required, a number from 0 to 10 with at most one decimal"


def _problems(data: Any) -> list[str]:
    with pytest.raises(AssessmentInputError) as caught:
        assess(data)
    return [str(problem) for problem in caught.value.problems]


def test_the_input_error_is_an_assessment_error() -> None:
    assert issubclass(AssessmentInputError, AssessmentError)


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (None, "input: must be a JSON object, got null"),
        ([], "input: must be a JSON object, got a list"),
        ("primary", 'input: must be a JSON object, got "primary"'),
        (7, "input: must be a JSON object, got 7"),
        ({}, "level: required, primary or secondary"),
        ({"level": "tiểu học"}, 'level: "tiểu học" must be primary or secondary'),
        ({"level": ["primary"]}, "level: a list must be primary or secondary"),
        ({"level": "primary"}, "grade: required, a whole number from 1 to 5"),
        (
            {"level": "secondary", "grade": 4},
            "grade: 4 must be a whole number from 6 to 9 (secondary)",
        ),
        (
            {"level": "primary", "grade": "4.5"},
            "grade: 4.5 must be a whole number from 1 to 5 (primary)",
        ),
        (
            {"level": "primary", "grade": True},
            "grade: true must be a whole number from 1 to 5 (primary)",
        ),
    ],
)
def test_it_rejects_input_without_a_usable_level_and_grade(
    data: Any, problem: str
) -> None:
    assert _problems(data) == [problem]


# --- primary: Circular 27, Art. 6-7 ------------------------------------------


@pytest.mark.parametrize(
    ("path", "value", "problem"),
    [
        (
            ("subjects", "TV", "score"),
            9.5,
            "TV: test score 9.5 must be a whole number from 1 to 10",
        ),
        (
            ("subjects", "TV", "score"),
            "9.5",
            "TV: test score 9.5 must be a whole number from 1 to 10",
        ),
        (
            ("subjects", "TV", "score"),
            0,
            "TV: test score 0 must be a whole number from 1 to 10",
        ),
        (
            ("subjects", "TV", "score"),
            11,
            "TV: test score 11 must be a whole number from 1 to 10",
        ),
        (
            ("subjects", "TV", "score"),
            True,
            "TV: test score true must be a whole number from 1 to 10",
        ),
        (
            ("subjects", "TV", "score"),
            None,
            "TV: test score required, a whole number from 1 to 10",
        ),
        (("subjects", "DD", "score"), 8, "DD: takes no test score, 8 given"),
        (("subjects", "DD", "level"), "Đ", 'DD: level "Đ" must be T, H or C'),
        (("subjects", "DD", "level"), "K", 'DD: level "K" must be T, H or C'),
        (("subjects", "DD", "level"), None, "DD: level required, T, H or C"),
        (("subjects", "DD"), "T", 'DD: must be a JSON object, got "T"'),
        (("subjects", "DD", "note"), "x", 'DD: unknown field "note"'),
        (
            ("subjects", "DD", "exempt"),
            "yes",
            'DD: exempt must be true or false, got "yes"',
        ),
        (("qualities", "YN"), "H", 'qualities YN: "H" must be T, Đ or C'),
        (("competencies", "TT"), "K", 'competencies TT: "K" must be T, Đ or C'),
        (("competencies", "TT"), None, "competencies TT: required, T, Đ or C"),
        (("qualities", "XX"), "T", "qualities: XX is not one of the 5 qualities"),
        (("qualities",), [], "qualities: must be a JSON object, got a list"),
        (("subjects", "TNXH"), {"level": "T"}, "TNXH: not a subject of grade 4"),
        (("subjects", "XYZ"), {"level": "T"}, "XYZ: not a subject of grade 4"),
        (
            ("class_recognition",),
            "yes",
            'class_recognition: must be true or false, got "yes"',
        ),
        (("comment",), "x", 'input: unknown field "comment"'),
    ],
)
def test_it_reports_a_bad_primary_value(
    path: tuple[str, ...], value: Any, problem: str
) -> None:
    assert _problems(edited(primary(), path, value)) == [problem]


def test_the_two_c_scales_are_kept_apart() -> None:
    # A subject level "C" is Chưa hoàn thành, a quality "C" is Cần cố gắng:
    # each scale accepts only its own codes.
    data = edited(primary(), ("subjects", "DD", "level"), "Đ")
    data["qualities"]["YN"] = "H"
    assert _problems(data) == [
        'DD: level "Đ" must be T, H or C',
        'qualities YN: "H" must be T, Đ or C',
    ]


def test_it_reports_a_missing_primary_subject() -> None:
    assert _problems(without(primary(), ("subjects", "MT"))) == [
        "MT: missing, a compulsory subject of grade 4"
    ]


def test_an_optional_subject_takes_no_score() -> None:
    data = primary(grade=2)
    data["subjects"]["NN1"] = {"level": "T", "score": 9}
    assert _problems(data) == ["NN1: takes no test score, 9 given"]


def test_a_whole_test_score_may_end_in_a_zero_decimal() -> None:
    # [decision WHOLE_TEST_SCORE_MAY_END_IN_ZERO_DECIMAL]
    data = edited(primary(), ("subjects", "TV", "score"), "9.0")
    assert assess(data)["result"] == "HTXS"


def test_an_exempt_subject_carries_no_assessment() -> None:
    data = edited(primary(), ("subjects", "DD"), {"exempt": True, "level": "T"})
    assert _problems(data) == ['DD: an exempt subject has no assessments, got "level"']


# --- lower secondary: Circular 22, Art. 7-8 -----------------------------------


@pytest.mark.parametrize(
    ("path", "value", "problem"),
    [
        (
            ("subjects", "NV", "hk1", "tx"),
            [8, 9, 7],
            "NV hk1: 4 regular scores required, 3 given",
        ),
        (
            ("subjects", "NV", "hk1", "tx"),
            [8] * 5,
            "NV hk1: 4 regular scores required, 5 given",
        ),
        (
            ("subjects", "NV", "hk1", "gk"),
            10.5,
            f"NV hk1: mid-term score 10.5 {SCORE_RULE}",
        ),
        (
            ("subjects", "NV", "hk1", "ck"),
            "7.25",
            f"NV hk1: end-of-term score 7.25 {SCORE_RULE}",
        ),
        (
            ("subjects", "NV", "hk2", "ck"),
            -1,
            f"NV hk2: end-of-term score -1 {SCORE_RULE}",
        ),
        (
            ("subjects", "NV", "hk2", "ck"),
            "NaN",
            f'NV hk2: end-of-term score "NaN" {SCORE_RULE}',
        ),
        (
            ("subjects", "NV", "hk2", "ck"),
            float("inf"),
            f"NV hk2: end-of-term score inf {SCORE_RULE}",
        ),
        (
            ("subjects", "NV", "hk2", "ck"),
            "1e1",
            f'NV hk2: end-of-term score "1e1" {SCORE_RULE}',
        ),
        (
            ("subjects", "NV", "hk2", "ck"),
            False,
            f"NV hk2: end-of-term score false {SCORE_RULE}",
        ),
        (
            ("subjects", "NV", "hk2", "gk"),
            None,
            f"NV hk2: mid-term score {SCORE_REQUIRED}",
        ),
        (
            ("subjects", "NV", "hk1", "tx", 1),
            "x",
            f'NV hk1: regular score "x" (#2) {SCORE_RULE}',
        ),
        (
            ("subjects", "NV", "hk1", "tx", 3),
            None,
            f"NV hk1: regular score (#4) {SCORE_REQUIRED}",
        ),
        (
            ("subjects", "NV", "hk1", "tx"),
            {"1": 8},
            "NV hk1: tx must be a list of regular scores, got an object",
        ),
        (("subjects", "NV", "hk1"), "8", "NV hk1: must be a JSON object, got 8"),
        (("subjects", "NV", "hk2"), None, "NV hk2: required: tx, gk and ck"),
        (("subjects", "NV", "hk1", "tb"), 8, 'NV hk1: unknown field "tb"'),
        (
            ("subjects", "GDTC", "hk1", "tx"),
            ["Đ", "Đ"],
            "GDTC hk1: 3 regular assessments required, 2 given",
        ),
        (
            ("subjects", "GDTC", "hk1", "gk"),
            "D",
            'GDTC hk1: mid-term assessment "D" must be Đ or CĐ',
        ),
        (
            ("subjects", "GDTC", "hk1", "ck"),
            8,
            "GDTC hk1: end-of-term assessment 8 must be Đ or CĐ",
        ),
        (
            ("subjects", "GDTC", "hk1", "ck"),
            "\u00d0",
            'GDTC hk1: end-of-term assessment "Ð" must be Đ or CĐ',
        ),
        (("subjects", "XYZ"), {}, "XYZ: not a subject of grade 7"),
        (("subjects",), [], "subjects: must be a JSON object, got a list"),
        (("conduct", "hk1"), "A", 'conduct hk1: "A" must be T, K, Đ or CĐ'),
        (("conduct", "hk2"), None, "conduct hk2: required, T, K, Đ or CĐ"),
        (("conduct",), "T", 'conduct: must be a JSON object, got "T"'),
        (("absences",), -1, "absences: -1 must be a whole number from 0"),
        (("absences",), 2.5, "absences: 2.5 must be a whole number from 0"),
        (("absences",), None, "absences: required, the number of sessions absent"),
        (("summer_conduct",), "X", 'summer_conduct: "X" must be T, K, Đ or CĐ'),
        (("retest",), [], "retest: must be a JSON object, got a list"),
        (("retest",), {"XYZ": 5}, "retest XYZ: not a subject of this year"),
    ],
)
def test_it_reports_a_bad_secondary_value(
    path: tuple[str | int, ...], value: Any, problem: str
) -> None:
    assert _problems(edited(secondary(), path, value)) == [problem]


def test_it_reports_a_missing_secondary_subject() -> None:
    assert _problems(without(secondary(), ("subjects", "TIN"))) == [
        "TIN: missing, a compulsory subject of grade 7"
    ]


def test_it_reports_every_problem_in_one_pass() -> None:
    data = secondary()
    data["subjects"]["NV"]["hk1"]["tx"] = [8, 9, 7]
    data["subjects"]["TOAN"]["hk2"]["gk"] = 10.5
    data["subjects"]["GDTC"]["hk1"]["ck"] = "X"
    data["subjects"]["XYZ"] = {}
    del data["subjects"]["TIN"]
    data["conduct"]["hk1"] = "Z"
    data["absences"] = "many"
    assert _problems(data) == [
        "XYZ: not a subject of grade 7",
        "TIN: missing, a compulsory subject of grade 7",
        "NV hk1: 4 regular scores required, 3 given",
        f"TOAN hk2: mid-term score 10.5 {SCORE_RULE}",
        'GDTC hk1: end-of-term assessment "X" must be Đ or CĐ',
        'conduct hk1: "Z" must be T, K, Đ or CĐ',
        'absences: "many" must be a whole number from 0',
    ]


def test_text_is_compared_in_nfc() -> None:
    data = secondary(conduct=("K", "CĐ"), summer_conduct="Đ")
    decomposed: dict[str, Any] = {
        unicodedata.normalize("NFD", k): v for k, v in data.items()
    }
    decomposed["conduct"] = {"hk1": " K", "hk2": unicodedata.normalize("NFD", "CĐ")}
    assert assess(decomposed) == assess(data)


def test_it_reports_a_key_given_twice_once_normalised() -> None:
    data = primary()
    data["subjects"]["DD "] = {"level": "T"}
    assert _problems(data) == ['subjects: key "DD" given twice']


def test_a_json_null_in_an_optional_field_counts_as_absent() -> None:
    data = secondary(retest=None, summer_conduct=None)
    assert assess(data)["promotion"] == "promoted"
    assert assess(primary(class_recognition=None))["title"] == "HSXS"
