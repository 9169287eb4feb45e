"""Importing a class's assessments: subject sheets, record sheet, recomputed results."""

from __future__ import annotations

import pytest
from django.utils import translation

from hocbaso.imports import filling as helpers
from hocbaso.imports import workbooks
from hocbaso.imports.actions import import_workbook
from hocbaso.imports.errors import InvalidRowsError
from hocbaso.imports.tests.conftest import fill_primary_year, fill_secondary_year
from hocbaso.records.models import RecordStatus, SubjectAssessment, YearlyRecord


def _book(school_class):
    with translation.override("vi"):
        return workbooks.class_book(school_class)


def test_a_primary_year_is_imported_and_its_result_computed(world, homeroom_teacher):
    book = _book(world.class_a)
    fill_primary_year(book, "HSA000001", score=9)
    report = import_workbook(
        helpers.save(book), school=world.school_a, user=homeroom_teacher
    )
    record = YearlyRecord.objects.get(pk=world.a.record.pk)
    assert record.result_code == "HTXS"
    assert record.completed is True
    assert report.counts["records_incomplete"] == 0
    row = SubjectAssessment.objects.get(record=record, subject_code="TOAN", term="hk2")
    assert row.data == {"level": "T", "score": 9}
    assert row.entered_by.user == homeroom_teacher
    again = import_workbook(
        helpers.save(book), school=world.school_a, user=homeroom_teacher
    )
    assert again.changed == 0
    assert again.counts["assessments_unchanged"] == report.counts["assessments_created"]


def test_a_changed_mark_updates_one_row_and_the_result(world, principal):
    book = _book(world.class_a)
    fill_primary_year(book, "HSA000001", score=9)
    import_workbook(helpers.save(book), school=world.school_a, user=principal)
    helpers.set_student(
        helpers.sheet_of(book, "subject", "TOAN"), "HSA000001", {"hk2_score": 7}
    )
    report = import_workbook(helpers.save(book), school=world.school_a, user=principal)
    assert report.counts["assessments_updated"] == 1
    assert YearlyRecord.objects.get(pk=world.a.record.pk).result_code == "HTT"


def test_a_secondary_year_gives_averages_and_promotion(
    world, principal, django_user_model
):
    from conftest import make_staff
    from hocbaso.records.models import Role

    clerk = make_staff(
        django_user_model,
        "vt_a2",
        "Văn thư A2",
        Role.CLERK,
        world.year,
        school=world.school_a2,
    )
    book = _book(world.class_a2)
    fill_secondary_year(book, "HSA200001", score="8")
    report = import_workbook(helpers.save(book), school=world.school_a2, user=clerk)
    record = YearlyRecord.objects.get(pk=world.a2.record.pk)
    assert report.counts["records_incomplete"] == 0
    assert record.results["subjects"]["TOAN"]["year"] == "8.0"
    assert record.promotion == "promoted"
    assert record.year_conduct == "T"


def test_problems_of_every_kind_are_listed_together(world, principal):
    book = _book(world.class_a)
    fill_primary_year(book, "HSA000001")
    toan = helpers.sheet_of(book, "subject", "TOAN")
    bad_score = helpers.set_student(toan, "HSA000001", {"hk2_score": 11})
    dd = helpers.sheet_of(book, "subject", "DD")
    bad_level = helpers.set_student(dd, "HSA000001", {"hk2_level": "Z"})
    tv = helpers.sheet_of(book, "subject", "TV")
    (stranger,) = helpers.add_rows(tv, [{"student_code": "KHONGCO", "hk2_level": "T"}])
    partial = helpers.set_student(tv, "HSA000001", {"hk2_score": None})
    record_sheet = helpers.sheet_of(book, "record")
    bad_rating = helpers.set_student(record_sheet, "HSA000001", {"q_YN": "X"})
    with pytest.raises(InvalidRowsError) as caught:
        import_workbook(helpers.save(book), school=world.school_a, user=principal)
    found = {(p.sheet, p.row, p.column.split(" (")[0]) for p in caught.value.problems}
    keys = {ws.title: helpers.keys_of(ws) for ws in book.worksheets[1:]}

    def col(ws, key):
        from openpyxl.utils import get_column_letter

        return get_column_letter(keys[ws.title][key])

    assert (toan.title, bad_score, col(toan, "hk2_score")) in found
    assert (dd.title, bad_level, col(dd, "hk2_level")) in found
    assert (tv.title, stranger, col(tv, "student_code")) in found
    assert (tv.title, partial, col(tv, "hk2_score")) in found
    assert (record_sheet.title, bad_rating, col(record_sheet, "q_YN")) in found
    messages = " ".join(p.message for p in caught.value.problems)
    assert "a whole number from 1 to 10" in messages
    assert "not in class 4A1" in messages
    assert not SubjectAssessment.objects.filter(record=world.a.record).exists()


def test_a_signed_record_is_never_changed(world, principal):
    book = _book(world.class_a)
    fill_primary_year(book, "HSA000001")
    import_workbook(helpers.save(book), school=world.school_a, user=principal)
    YearlyRecord.objects.filter(pk=world.a.record.pk).update(status=RecordStatus.ISSUED)
    again = import_workbook(helpers.save(book), school=world.school_a, user=principal)
    assert again.changed == 0  # the values it holds: nothing to refuse
    toan = helpers.sheet_of(book, "subject", "TOAN")
    helpers.set_student(toan, "HSA000001", {"hk2_score": 5})
    helpers.set_student(
        helpers.sheet_of(book, "record"), "HSA000001", {"homeroom_comment": "Mới"}
    )
    with pytest.raises(InvalidRowsError) as caught:
        import_workbook(helpers.save(book), school=world.school_a, user=principal)
    refusals = [p for p in caught.value.problems if "signed" in p.message]
    assert len(refusals) == 2
    assert all("Nguyễn Minh Anh (HSA000001)" in p.message for p in refusals)
    row = SubjectAssessment.objects.get(
        record=world.a.record, subject_code="TOAN", term="hk2"
    )
    assert row.data["score"] == 9
    record = YearlyRecord.objects.get(pk=world.a.record.pk)
    assert record.status == RecordStatus.ISSUED and record.homeroom_comment == ""


def test_a_locked_record_is_named_as_locked(world):
    from hocbaso.imports.planning import protection_of

    record = world.a.record
    assert protection_of(record, set()) is None
    assert protection_of(record, {record.pk}) == "locked in the registry"


def test_a_homeroom_teacher_imports_only_their_own_class(
    world, homeroom_teacher, django_user_model
):
    from hocbaso.records.models import SchoolClass

    other = SchoolClass.objects.create(
        school=world.school_a, school_year=world.year, grade=4, name="4A3"
    )
    book = _book(other)
    with pytest.raises(InvalidRowsError) as caught:
        import_workbook(
            helpers.save(book), school=world.school_a, user=homeroom_teacher
        )
    assert "only your own classes" in str(caught.value)


def test_a_downloaded_template_holds_the_stored_values_and_imports_unchanged(
    world, principal, django_user_model
):
    from conftest import make_staff
    from hocbaso.records.models import Role

    book = _book(world.class_a)
    fill_primary_year(book, "HSA000001", score=9)
    record_sheet = helpers.sheet_of(book, "record")
    helpers.set_student(
        record_sheet,
        "HSA000001",
        {"q_YN_comment": "Yêu quê hương", "class_recognition": "x"},
    )
    helpers.set_student(
        helpers.sheet_of(book, "subject", "GDTC"),
        "HSA000001",
        {"hk1_level": None, "hk2_level": None, "exempt": "x"},
    )
    import_workbook(helpers.save(book), school=world.school_a, user=principal)
    again = import_workbook(
        workbooks.class_workbook(world.class_a), school=world.school_a, user=principal
    )
    assert again.changed == 0
    assert again.counts["assessments_unchanged"] > 10

    clerk = make_staff(
        django_user_model,
        "vt_a2",
        "Văn thư",
        Role.CLERK,
        world.year,
        school=world.school_a2,
    )
    book = _book(world.class_a2)
    fill_secondary_year(book, "HSA200001", score=7.5)
    helpers.set_student(
        helpers.sheet_of(book, "record"), "HSA200001", {"retest": "TOAN=5,5"}
    )
    with translation.override("vi"):
        report = import_workbook(helpers.save(book), school=world.school_a2, user=clerk)
    assert YearlyRecord.objects.get(pk=world.a2.record.pk).retest == {"TOAN": "5.5"}
    # A promoted student has no re-test: the rules refuse to compute, and say
    # so in the clerk's language.
    (incomplete,) = report.incomplete
    assert incomplete == (
        "Trần Quốc Bảo (HSA200001): kiểm tra lại: không thuộc diện kiểm tra lại:"
        " kết quả học tập cả năm là K"
    )
    again = import_workbook(
        workbooks.class_workbook(world.class_a2), school=world.school_a2, user=clerk
    )
    assert again.changed == 0
