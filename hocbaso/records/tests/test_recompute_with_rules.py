"""recompute() end to end with the real rules of hocbaso.assessment (domain.md §11)."""

import pytest

from hocbaso.assessment import COMPETENCIES, QUALITIES, AssessmentInputError, curriculum
from hocbaso.records.models import Round, SubjectAssessment

# §11: grade 4, end-of-year tests TV 10, TOAN 9, NN1 9, LSDL 9, KH 10, THCN 8.
GRADE_4_TESTS = {"TV": 10, "TOAN": 9, "NN1": 9, "LSDL": 9, "KH": 10, "THCN": 8}


def _enter_primary(record, tests):
    for spec in curriculum("primary", record.grade):
        if spec.optional:
            continue
        data = {"level": "T"}
        if spec.has_test:
            data["score"] = tests[spec.code]
        SubjectAssessment.objects.create(
            record=record, subject_code=spec.code, term="hk2", data=data
        )
    record.qualities = dict.fromkeys(QUALITIES, "T")
    record.competencies = dict.fromkeys(COMPETENCIES, "T")
    record.save()


def _enter_secondary(record, score):
    for spec in curriculum("secondary", record.grade):
        if spec.optional:
            continue
        mark = score if spec.form == "score" else "Đ"
        for term in ("hk1", "hk2"):
            SubjectAssessment.objects.create(
                record=record,
                subject_code=spec.code,
                term=term,
                data={"tx": [mark] * spec.regular_count, "gk": mark, "ck": mark},
            )
    record.conduct = {"hk1": "T", "hk2": "T"}
    record.absences = 2
    record.save()


def test_the_worked_primary_example_is_htt_and_in_the_main_round(world):
    record = world.a.record
    _enter_primary(record, GRADE_4_TESTS)
    results = record.recompute()
    record.refresh_from_db()
    assert results["result"] == "HTT"
    assert (record.result_code, record.completed, record.title) == ("HTT", True, "")
    assert record.round == Round.MAIN


def test_a_secondary_student_with_nines_everywhere_is_an_excellent_student(world):
    record = world.a2.record
    _enter_secondary(record, 9)
    record.recompute()
    record.refresh_from_db()
    assert (record.year_learning, record.year_conduct) == ("T", "T")
    assert (record.promotion, record.title, record.round) == (
        "promoted",
        "HSXS",
        "main",
    )


def test_missing_assessments_are_reported_and_nothing_is_stored(world):
    record = world.a.record
    with pytest.raises(AssessmentInputError) as caught:
        record.recompute()
    assert caught.value.problems
    record.refresh_from_db()
    assert record.results is None and record.round == ""
