"""A yearly record and its rows become the snapshot that is packed and signed."""

from __future__ import annotations

from decimal import Decimal

import pytest

from hocbaso.assessment.curriculum import COMPETENCIES, QUALITIES
from hocbaso.packet import (
    PrimaryResults,
    SecondaryResults,
    build_packet,
    parse_packet,
)
from hocbaso.records.errors import RecordNotReadyError
from hocbaso.records.models import Student, YearlyRecord
from hocbaso.records.signers import PRINCIPAL_TITLE
from hocbaso.records.snapshot import (
    NOT_PROMOTED,
    PROMOTED,
    records_with_rows,
    snapshot_of,
)


def _one(**filters) -> YearlyRecord:
    return records_with_rows(YearlyRecord.objects.filter(**filters).order_by("pk"))[0]


def test_a_secondary_snapshot_carries_marks_teachers_and_signers(district, db):
    record = records_with_rows(district.records(district.secondary))[0]
    signers = district.signers(district.secondary)
    snapshot = snapshot_of(record)
    results = snapshot.results
    assert isinstance(results, SecondaryResults)
    assert snapshot.lookup_code == record.transcript.lookup_code
    assert snapshot.student.full_name == record.transcript.student.full_name
    assert (snapshot.school.code, snapshot.class_name, snapshot.grade) == (
        record.school.code,
        record.school_class.name,
        7,
    )
    by_code = {s.code: s for s in results.subjects}
    assert by_code["NV"].name == "Ngữ văn"
    assert by_code["TOAN"].teacher.personal_id == (
        signers.subject_teachers["TOAN"].personal_id
    )
    assert by_code["TOAN"].year == Decimal(record.results["subjects"]["TOAN"]["year"])
    assert snapshot.homeroom_teacher.personal_id == signers.homeroom.personal_id
    assert snapshot.leader.title == PRINCIPAL_TITLE
    assert snapshot.absences_total == record.absences
    assert snapshot.history[-1].school_year == district.year.name
    assert parse_packet(build_packet(snapshot)) == snapshot


def test_a_summer_record_keeps_the_june_levels_beside_the_summer_ones(district, db):
    summer = YearlyRecord.objects.filter(
        school_year=district.year, grade__gte=6, promotion="promoted"
    ).filter(retest__isnull=False)
    record = records_with_rows(summer.exclude(retest={}))[0]
    results = snapshot_of(record).results
    assert isinstance(results, SecondaryResults)
    assert results.learning_year == "CĐ"  # June: re-test needed
    assert results.retest_learning == record.results["learning"]["year"]
    assert results.promoted is True
    assert results.promotion_note.startswith("Được lên lớp sau khi kiểm tra")
    retested = [s for s in results.subjects if s.retest is not None]
    assert {s.code for s in retested} == set(record.retest)


def test_a_student_who_repeats_gets_the_not_promoted_line(district, db):
    repeat = YearlyRecord.objects.filter(school_year=district.year, promotion="repeat")
    if not repeat.exists():
        pytest.skip("no repeating student in this seed")
    results = snapshot_of(records_with_rows(repeat)[0]).results
    assert results.promoted is False and results.promotion_note == NOT_PROMOTED


def test_a_primary_snapshot_has_levels_scores_qualities_and_competencies(district, db):
    record = records_with_rows(district.records(district.primary))[0]
    snapshot = snapshot_of(record)
    results = snapshot.results
    assert isinstance(results, PrimaryResults)
    assert [r.code for r in results.qualities] == list(QUALITIES)
    assert [r.code for r in results.competencies] == list(COMPETENCIES)
    toan = next(s for s in results.subjects if s.code == "TOAN")
    row = record.assessments.get(subject_code="TOAN", term="hk2")
    assert (toan.name, toan.level) == ("Toán", row.data["level"])
    assert toan.test_score == Decimal(row.data["score"])
    assert results.result == record.result_code
    assert snapshot.subject_teachers() == ()
    assert parse_packet(build_packet(snapshot)) == snapshot


def test_promoted_secondary_students_get_the_promoted_line(district, db):
    record = _one(
        school_year=district.year, grade=7, promotion="promoted", retest__isnull=True
    )
    results = snapshot_of(record).results
    assert results.promotion_note == PROMOTED and results.retest_learning is None


def test_a_record_that_is_not_ready_names_every_missing_piece(district, db):
    record = records_with_rows(district.records(district.primary))[0]
    Student.objects.filter(pk=record.transcript.student_id).update(place_of_birth="")
    record.results = None
    record.transcript.student.place_of_birth = ""
    with pytest.raises(RecordNotReadyError) as refused:
        snapshot_of(record)
    assert refused.value.problems == [
        "its results have not been computed",
        "the student's place of birth is missing",
    ]
    assert record.transcript.student.full_name in str(refused.value)
