"""An import never changes a locked record, nor the identity a locked record carries.

The record's lock (``YearlyRecord.locked_at``, set by the registry's lock) is what
counts, whatever the school-side status says; a lock of any year freezes the
student's identity, the family's details still change.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from hocbaso.imports import filling as helpers
from hocbaso.imports import workbooks
from hocbaso.imports.actions import import_workbook
from hocbaso.imports.errors import InvalidRowsError
from hocbaso.imports.tests.conftest import fill_primary_year, student_row
from hocbaso.records.models import (
    RecordStatus,
    SchoolClass,
    SchoolYear,
    Student,
    SubjectAssessment,
    Transcript,
    YearlyRecord,
)

LOCKED_AT = dt.datetime(2025, 6, 30, 16, 59, 59, tzinfo=dt.UTC)


def _lock(record_pk: int, status=RecordStatus.SUBMITTED) -> None:
    YearlyRecord.objects.filter(pk=record_pk).update(status=status, locked_at=LOCKED_AT)


@pytest.fixture
def locked_last_year(world, principal, students_file):
    """HS4001 imported this year, with last year's record submitted and locked."""
    year = world.year.name
    row = student_row("HS4001", "Đinh Thu Trang", "4A1", 4, year)
    import_workbook(students_file([row]), school=world.school_a, user=principal)
    student = Student.objects.get(student_code="HS4001")
    last = SchoolYear.objects.create(
        name=f"{world.year.first_year - 1}-{world.year.first_year}"
    )
    old_class = SchoolClass.objects.create(
        school=world.school_a, school_year=last, grade=3, name="3A1"
    )
    record = YearlyRecord.objects.create(
        transcript=Transcript.objects.get(student=student),
        school_year=last,
        grade=3,
        school=world.school_a,
        school_class=old_class,
    )
    _lock(record.pk)
    return row | {"personal_id": student.personal_id}


def test_a_past_years_lock_keeps_the_students_identity(
    world, principal, students_file, locked_last_year
):
    renamed = locked_last_year | {"full_name": "Đinh Thu Trang Mới"}
    with pytest.raises(InvalidRowsError) as caught:
        import_workbook(students_file([renamed]), school=world.school_a, user=principal)
    (problem,) = caught.value.problems
    assert "Đinh Thu Trang (HS4001)" in problem.message
    assert "locked in the registry" in problem.message
    assert "legal correction procedure" in problem.message
    assert Student.objects.get(student_code="HS4001").full_name == "Đinh Thu Trang"


def test_the_family_details_still_change_after_a_past_years_lock(
    world, principal, students_file, locked_last_year
):
    moved = locked_last_year | {"current_address": "Số 2 Lê Lợi"}
    report = import_workbook(
        students_file([moved]), school=world.school_a, user=principal
    )
    assert report.counts["students_updated"] == 1
    assert Student.objects.get(student_code="HS4001").current_address == "Số 2 Lê Lợi"


def test_the_command_refuses_the_identity_change_with_exit_1(
    world, students_file, locked_last_year, tmp_path, capsys
):
    path = tmp_path / "hocsinh.xlsx"
    renamed = locked_last_year | {"full_name": "Đinh Thu Trang Mới"}
    path.write_bytes(students_file([renamed]))
    with pytest.raises(CommandError) as caught:
        call_command("import", str(path), "--school", "TH-A")
    assert caught.value.returncode == 1
    assert "legal correction procedure" in capsys.readouterr().err
    assert Student.objects.get(student_code="HS4001").full_name == "Đinh Thu Trang"


def test_marks_for_a_locked_record_are_refused_whatever_its_status(world, principal):
    # A record locked while back in draft (an edit before the records knew the
    # lock) is still final: the lock decides, not the status.
    _lock(world.a.record.pk, status=RecordStatus.DRAFT)
    with translation.override("vi"):
        book = workbooks.class_book(world.class_a)
    fill_primary_year(book, "HSA000001")
    with pytest.raises(InvalidRowsError) as caught:
        import_workbook(helpers.save(book), school=world.school_a, user=principal)
    messages = [p.message for p in caught.value.problems]
    assert messages and all("locked in the registry" in m for m in messages)
    assert not SubjectAssessment.objects.filter(record=world.a.record).exists()


def test_a_lock_after_the_check_still_refuses_and_writes_nothing(
    world, principal, monkeypatch
):
    from hocbaso.imports import actions

    checked = actions.plan_import

    def lock_after_checking(*args, **kwargs):
        plan = checked(*args, **kwargs)
        _lock(world.a.record.pk, status=RecordStatus.DRAFT)
        return plan

    monkeypatch.setattr(actions, "plan_import", lock_after_checking)
    with translation.override("vi"):
        book = workbooks.class_book(world.class_a)
    fill_primary_year(book, "HSA000001")
    with pytest.raises(InvalidRowsError) as caught:
        import_workbook(helpers.save(book), school=world.school_a, user=principal)
    (problem,) = caught.value.problems
    assert "is locked" in problem.message
    assert not SubjectAssessment.objects.filter(record=world.a.record).exists()
