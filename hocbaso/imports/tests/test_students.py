"""Importing students, enrollments, transcripts and records from the template."""

from __future__ import annotations

import pytest

from hocbaso.imports.actions import import_workbook
from hocbaso.imports.errors import InvalidRowsError
from hocbaso.imports.models import ImportRun
from hocbaso.imports.tests.conftest import student_row
from hocbaso.records.models import Enrollment, SchoolClass, Student, YearlyRecord


def test_it_imports_new_students_with_a_new_class(world, principal, students_file):
    year = world.year.name
    data = students_file(
        [
            student_row("HS1001", "Đỗ Thị Hoa", "4A2", 4, year),
            student_row("HS1002", "Vũ Văn Nam", "4A1", 4, year, sex_code=1),
        ],
        classes=[{"class_name": "4A2", "grade": 4, "school_year": year}],
    )
    report = import_workbook(data, school=world.school_a, user=principal)
    assert report.counts["students_created"] == 2
    assert report.counts["classes_created"] == 1
    assert report.counts["records_created"] == 2
    assert SchoolClass.objects.filter(school=world.school_a, name="4A2").exists()
    record = YearlyRecord.objects.get(transcript__student__student_code="HS1001")
    assert record.school_class.name == "4A2"
    assert record.transcript.school == world.school_a
    assert Enrollment.objects.filter(student__student_code="HS1002").count() == 1
    run = ImportRun.objects.get()
    assert run.outcome == "imported" and run.user == principal
    assert len(run.file_sha256) == 64


def test_a_second_import_of_the_same_file_changes_nothing(
    world, principal, students_file
):
    year = world.year.name
    data = students_file([student_row("HS1001", "Đỗ Thị Hoa", "4A1", 4, year)])
    import_workbook(data, school=world.school_a, user=principal)
    before = Student.objects.get(student_code="HS1001").pk
    report = import_workbook(data, school=world.school_a, user=principal)
    assert report.changed == 0
    assert report.counts["students_unchanged"] == 1
    assert report.counts["enrollments_unchanged"] == 1
    assert report.counts["records_unchanged"] == 1
    assert Student.objects.get(student_code="HS1001").pk == before
    assert ImportRun.objects.count() == 2


def test_every_problem_is_reported_and_nothing_imported(
    world, principal, students_file
):
    year = world.year.name
    good = student_row("HS2001", "Lý Văn Tài", "4A1", 4, year)
    bad_pid = student_row("HS2002", "Mai Anh", "4A1", 4, year)
    bad_pid["personal_id"] = "001309000001"  # born 2009, not this birth year
    unknown_class = student_row("HS2003", "Hà My", "4Z9", 4, year)
    duplicate = student_row("HS2001", "Lý Văn Tài", "4A1", 4, year)
    missing = student_row("HS2005", "", "4A1", 4, year)
    data = students_file([good, bad_pid, unknown_class, duplicate, missing])
    with pytest.raises(InvalidRowsError) as caught:
        import_workbook(data, school=world.school_a, user=principal)
    problems = caught.value.problems
    rows = {(p.row, p.column.split(" ")[0]) for p in problems}
    assert (5, "B") in rows  # personal id of row 5
    assert (6, "S") in rows  # unknown class
    assert (7, "A") in rows  # duplicate student code
    assert (8, "C") in rows  # missing full name
    assert not Student.objects.filter(student_code="HS2001").exists()
    assert ImportRun.objects.get().outcome == "invalid"


def test_an_identity_change_is_refused_while_a_record_is_signed(
    world, principal, students_file
):
    from hocbaso.records.models import RecordStatus, SchoolYear, Transcript

    year = world.year.name
    data = students_file([student_row("HS4001", "Đinh Thu Trang", "4A1", 4, year)])
    import_workbook(data, school=world.school_a, user=principal)
    student = Student.objects.get(student_code="HS4001")
    last = SchoolYear.objects.create(
        name=f"{world.year.first_year - 1}-{world.year.first_year}"
    )
    old_class = SchoolClass.objects.create(
        school=world.school_a, school_year=last, grade=3, name="3A1"
    )
    YearlyRecord.objects.create(
        transcript=Transcript.objects.get(student=student),
        school_year=last,
        grade=3,
        school=world.school_a,
        school_class=old_class,
        status=RecordStatus.ISSUED,
    )
    same = import_workbook(data, school=world.school_a, user=principal)
    assert same.changed == 0  # nothing changes: nothing to refuse
    moved = student_row(
        "HS4001", "Đinh Thu Trang", "4A1", 4, year, current_address="Số 2 Lê Lợi"
    )
    moved["personal_id"] = student.personal_id
    with pytest.raises(InvalidRowsError) as caught:
        import_workbook(students_file([moved]), school=world.school_a, user=principal)
    (problem,) = caught.value.problems
    assert "Đinh Thu Trang (HS4001)" in problem.message and last.name in problem.message
    assert Student.objects.get(pk=student.pk).current_address == ""
