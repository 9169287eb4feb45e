"""The rules' problems shown in Vietnamese: template translated, then filled."""

from __future__ import annotations

import copy

import pytest
from django.utils import translation

from hocbaso.assessment import AssessmentInputError, Problem, Term, assess
from hocbaso.assessment.tests.builders import primary, secondary
from hocbaso.web.problems import describe

ENGLISH = {"must", "required", "missing", "given", "not", "the", "of", "or", "got"}


def _problems(data) -> list[Problem]:
    with pytest.raises(AssessmentInputError) as caught:
        assess(data)
    return caught.value.problems


def _bad_inputs():
    """Inputs that between them meet most of the rules' problems."""
    yield {"level": "tertiary"}
    yield {"level": "primary", "grade": 9}
    no_tv = primary()
    del no_tv["subjects"]["TV"]
    no_tv["subjects"]["XYZ"] = {}
    no_tv["qualities"]["YN"] = "H"
    no_tv["subjects"]["TOAN"]["score"] = 11
    yield no_tv
    year = secondary()
    year["subjects"]["NV"]["hk1"]["tx"] = [8, 9, 7]
    year["subjects"]["NV"]["hk2"]["tx"] = [8, 9, 11, 7]
    year["subjects"]["TOAN"]["hk1"]["gk"] = None
    year["subjects"]["TOAN"]["hk2"]["unknown"] = 1
    year["conduct"]["hk1"] = "X"
    year["absences"] = -1
    yield year


def test_a_missing_subject_is_named_in_vietnamese_with_its_grade():
    data = primary()
    del data["subjects"]["TV"]
    (problem,) = _problems(data)
    assert (problem.code, problem.values) == ("SUBJECT_MISSING", {"grade": 4})
    with translation.override("vi"):
        shown = describe(problem)
    assert shown == "Tiếng Việt: còn thiếu, đây là môn bắt buộc của lớp 4"


@pytest.mark.parametrize("data", list(_bad_inputs()))
def test_no_english_word_is_left_in_a_problem_shown_in_vietnamese(data):
    for problem in _problems(copy.deepcopy(data)):
        with translation.override("vi"):
            shown = describe(problem)
        words = set(shown.replace(",", " ").replace(":", " ").split())
        assert not words & ENGLISH, (problem, shown)


def test_a_value_from_the_input_is_never_translated():
    # "subjects" is a msgid; a value typed in the input is shown as typed.
    problem = Problem(
        "grade", "GRADE_INVALID", "%(value)s must be", (("value", "subjects"),)
    )
    with translation.override("vi"):
        assert describe(problem).startswith("khối lớp: subjects ")


def test_a_term_of_the_format_is_translated():
    problem = Problem("NV hk1", "X", "%(kind)s", (("kind", Term("scores")),))
    with translation.override("vi"):
        assert describe(problem) == "Ngữ văn, học kỳ I: điểm"


def test_in_english_the_sentence_is_the_rules_own():
    data = primary()
    del data["subjects"]["TV"]
    (problem,) = _problems(data)
    with translation.override("en"):
        assert describe(problem) == "Tiếng Việt: " + problem.message
