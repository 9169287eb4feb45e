"""The interchange input built from the raw rows, and the stored results (§10)."""

import types

import pytest

from hocbaso.records.models import Round, SubjectAssessment
from hocbaso.records.models.assessments import round_of

QUALITIES = {"YN": "T", "NA": "T", "CC": "Đ", "TTH": "T", "TN": "T"}


def _rows(record, rows):
    for subject, term, data in rows:
        SubjectAssessment.objects.create(
            record=record, subject_code=subject, term=term, data=data
        )


def test_a_primary_record_reads_the_end_of_year_assessment(world):
    record = world.a.record
    record.qualities = QUALITIES
    record.competencies = {"TCTH": "T"}
    record.class_recognition = True
    record.save()
    _rows(
        record,
        [
            ("TV", "hk1", {"level": "H", "score": 7}),
            ("TV", "hk2", {"level": "T", "score": 9}),
            ("DD", "hk2", {"level": "T"}),
            ("GDTC", "hk2", {"exempt": True}),
        ],
    )
    assert record.to_assessment_input() == {
        "level": "primary",
        "grade": 4,
        "subjects": {
            "TV": {"level": "T", "score": 9},
            "DD": {"level": "T"},
            "GDTC": {"exempt": True},
        },
        "qualities": QUALITIES,
        "competencies": {"TCTH": "T"},
        "class_recognition": True,
    }


def test_a_secondary_record_reads_both_terms_conduct_and_summer_work(world):
    record = world.a2.record
    record.conduct = {"hk1": "T", "hk2": "K"}
    record.absences = 3
    record.retest = {"TOAN": 5.5}
    record.summer_conduct = "Đ"
    record.save()
    nv1 = {"tx": [8, 9, 7, 10], "gk": 7.5, "ck": 8}
    nv2 = {"tx": [7, 7, 8, 6], "gk": 7, "ck": 8}
    _rows(
        record,
        [
            ("NV", "hk1", nv1),
            ("NV", "hk2", nv2),
            ("GDTC", "hk1", {"tx": ["Đ", "Đ", "Đ"], "gk": "Đ", "ck": "Đ"}),
            ("GDTC", "hk2", {"exempt": True}),
        ],
    )
    assert record.to_assessment_input() == {
        "level": "secondary",
        "grade": 7,
        "subjects": {"NV": {"hk1": nv1, "hk2": nv2}, "GDTC": {"exempt": True}},
        "conduct": {"hk1": "T", "hk2": "K"},
        "absences": 3,
        "retest": {"TOAN": 5.5},
        "summer_conduct": "Đ",
    }


def test_summer_keys_are_absent_before_the_summer(world):
    data = world.a2.record.to_assessment_input()
    assert "retest" not in data
    assert "summer_conduct" not in data


@pytest.fixture
def fake_assess(monkeypatch):
    """Stand in for hocbaso.assessment.assess, which records only calls."""
    import hocbaso.assessment as assessment

    calls = []
    outputs = {}

    def assess(data):
        calls.append(data)
        return outputs[data["level"]]

    monkeypatch.setattr(assessment, "assess", assess, raising=False)
    return types.SimpleNamespace(calls=calls, outputs=outputs)


def test_recompute_stores_the_results_and_the_list_fields(world, fake_assess):
    fake_assess.outputs["secondary"] = {
        "subjects": {},
        "learning": {"hk1": "T", "hk2": "K", "year": "K"},
        "conduct": {"year": "T"},
        "promotion": "promoted",
        "title": None,
    }
    record = world.a2.record
    record.recompute()
    record.refresh_from_db()
    assert fake_assess.calls == [record.to_assessment_input()]
    assert (record.year_learning, record.year_conduct) == ("K", "T")
    assert (record.promotion, record.title, record.completed) == ("promoted", "", True)
    assert record.round == Round.MAIN
    assert record.results["learning"]["year"] == "K"
    assert record.computed_at is not None


def test_a_primary_student_who_did_not_complete_goes_to_the_supplementary_round(
    world, fake_assess
):
    fake_assess.outputs["primary"] = {
        "result": "CHT",
        "completed": False,
        "title": None,
    }
    record = world.a.record
    record.recompute()
    record.refresh_from_db()
    assert (record.result_code, record.completed) == ("CHT", False)
    assert record.round == Round.SUPPLEMENTARY


@pytest.mark.parametrize(
    ("level", "results", "data", "reassessed", "expected"),
    [
        ("primary", {"completed": True}, {}, False, "main"),
        ("primary", {"completed": True}, {}, True, "supplementary"),
        ("primary", {"completed": False}, {}, False, "supplementary"),
        ("secondary", {"promotion": "promoted"}, {}, False, "main"),
        (
            "secondary",
            {"promotion": "promoted"},
            {"retest": {"TOAN": 5}},
            False,
            "supplementary",
        ),
        (
            "secondary",
            {"promotion": "promoted"},
            {"summer_conduct": "Đ"},
            False,
            "supplementary",
        ),
        ("secondary", {"promotion": "retest"}, {}, False, "supplementary"),
        ("secondary", {"promotion": "repeat"}, {}, False, "supplementary"),
    ],
)
def test_the_round_holds_completed_students_without_summer_work_in_the_main_one(
    level, results, data, reassessed, expected
):
    assert round_of(level, results, data, reassessed) == expected
