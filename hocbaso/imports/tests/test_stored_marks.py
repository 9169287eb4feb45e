"""Marks stored in another written form than the sheet's ("8.0" for 8) are unchanged."""

from __future__ import annotations

import pytest
from django.utils import translation

from conftest import make_staff
from hocbaso.imports import filling as helpers
from hocbaso.imports import workbooks
from hocbaso.imports.actions import import_workbook
from hocbaso.imports.cells import same_marks
from hocbaso.imports.tests.conftest import fill_secondary_year
from hocbaso.records.models import RecordStatus, Role, SubjectAssessment, YearlyRecord


@pytest.mark.parametrize(
    ("stored", "read", "same"),
    [
        ("8.0", "8", True),
        (8.0, "8", True),
        ("7.50", "7.5", True),
        ("Đ", "Đ", True),
        ({"tx": ["8.0", "9"], "gk": "7.5"}, {"tx": ["8", "9"], "gk": "7.5"}, True),
        ("Đ", "CĐ", False),
        ("8,0", "8", False),  # not the interchange's way of writing a number
        (" 8", "8", False),
        ("8.05", "8.1", False),
        (True, "1", False),
        (["8"], ["8", "9"], False),
        ({"tx": ["8"]}, {"tx": ["8"], "gk": "7"}, False),
        ({"level": "T", "score": 9}, {"level": "H", "score": 9}, False),
    ],
)
def test_marks_compare_number_for_number(stored, read, same):
    assert same_marks(stored, read) is same


def test_a_template_of_marks_stored_as_8_point_0_imports_unchanged(
    world, django_user_model
):
    clerk = make_staff(
        django_user_model, "vt_a2", "Văn thư", Role.CLERK, world.year,
        school=world.school_a2,
    )  # fmt: skip
    with translation.override("vi"):
        book = workbooks.class_book(world.class_a2)
    fill_secondary_year(book, "HSA200001", score="5")
    helpers.set_student(
        helpers.sheet_of(book, "record"), "HSA200001", {"retest": "TOAN=6"}
    )
    import_workbook(helpers.save(book), school=world.school_a2, user=clerk)
    record = YearlyRecord.objects.get(pk=world.a2.record.pk)
    # Written as the demo's generator and other systems write them.
    for row in SubjectAssessment.objects.filter(record=record, subject_code="TOAN"):
        row.data = {k: [f"{v}.0" for v in x] if k == "tx" else f"{x}.0"
                    for k, x in row.data.items()}  # fmt: skip
        row.save()
    YearlyRecord.objects.filter(pk=record.pk).update(
        retest={"TOAN": "6.0"}, status=RecordStatus.ISSUED
    )
    again = import_workbook(
        workbooks.class_workbook(world.class_a2), school=world.school_a2, user=clerk
    )
    assert again.changed == 0
    row = SubjectAssessment.objects.get(record=record, subject_code="TOAN", term="hk2")
    assert row.data["ck"] == "5.0"  # what is stored stays as it was
