"""The form's fields (absences, height, weight, disability, language, certificates,
contests) through the class template: filled, refused, kept, left out."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from django.utils import translation
from openpyxl import Workbook

from hocbaso.imports import filling as helpers
from hocbaso.imports import workbooks
from hocbaso.imports.actions import import_workbook
from hocbaso.imports.errors import InvalidRowsError
from hocbaso.imports.tests.conftest import fill_primary_year
from hocbaso.packet import Certificate, build_packet, parse_packet
from hocbaso.records.models import Student, YearlyRecord
from hocbaso.records.signers import signers_of
from hocbaso.records.snapshot import records_with_rows, snapshot_of

CODE = "HSA000001"
FILLED = {
    "absences_excused": 3,
    "absences_unexcused": 1.0,
    "height_cm": 128.5,
    "weight_kg": "26,4",
    "disability_not_assessed": "x",
    "foreign_language": "Tiếng  Anh",
    "certificates": "Chứng chỉ tin học IC3\n\n  Chứng nhận bơi an toàn ",
    "contests": "Giải Ba Hội khỏe Phù Đổng cấp huyện",
}


def _book(school_class):
    with translation.override("vi"):
        return workbooks.class_book(school_class)


def _record(world) -> YearlyRecord:
    return YearlyRecord.objects.get(pk=world.a.record.pk)


def _refusal(world, user, values) -> str:
    book = _book(world.class_a)
    helpers.set_student(helpers.sheet_of(book, "record"), CODE, values)
    before = _record(world)
    with translation.override("vi"), pytest.raises(InvalidRowsError) as caught:
        import_workbook(helpers.save(book), school=world.school_a, user=user)
    after = _record(world)
    for name in FILLED:
        assert getattr(after, name) == getattr(before, name)  # nothing written
    (problem,) = caught.value.problems
    with translation.override("vi"):
        return str(problem)


def test_the_headers_are_the_forms_in_vietnamese(world):
    ws = helpers.sheet_of(_book(world.class_a), "record")
    keys = helpers.keys_of(ws)
    headers = {key: ws.cell(3, column).value for key, column in keys.items()}
    assert headers["absences_excused"] == "Số ngày nghỉ có phép"
    assert headers["absences_unexcused"] == "Số ngày nghỉ không phép"
    assert headers["height_cm"] == "Chiều cao (cm)"
    assert headers["weight_kg"] == "Cân nặng (kg)"
    assert headers["disability_not_assessed"] == "Khuyết tật không đánh giá (x)"
    assert headers["foreign_language"] == "Ngoại ngữ 1"
    assert headers["certificates"] == "Chứng chỉ"
    assert headers["contests"] == "Khen thưởng / giải thưởng cuộc thi"


def test_the_fields_round_trip_and_reach_a_1_1_packet(world, principal):
    book = _book(world.class_a)
    fill_primary_year(book, CODE)
    helpers.set_student(helpers.sheet_of(book, "record"), CODE, FILLED)
    import_workbook(helpers.save(book), school=world.school_a, user=principal)
    record = _record(world)
    assert (record.absences_excused, record.absences_unexcused) == (3, 1)
    assert (record.height_cm, record.weight_kg) == (Decimal("128.5"), Decimal("26.4"))
    assert record.disability_not_assessed is True
    assert record.foreign_language == "Tiếng Anh"
    assert record.certificates == "Chứng chỉ tin học IC3\nChứng nhận bơi an toàn"
    assert record.contests == "Giải Ba Hội khỏe Phù Đổng cấp huyện"
    # The template downloaded now shows them, and imports as nothing to change.
    again = import_workbook(
        workbooks.class_workbook(world.class_a), school=world.school_a, user=principal
    )
    assert again.changed == 0
    assert again.counts["record_data_unchanged"] >= 1
    Student.objects.filter(pk=world.a.student.pk).update(place_of_birth="Hà Nội")
    signers = signers_of(world.class_a)
    signers = dataclasses.replace(signers, homeroom=signers.leader)
    records = records_with_rows(YearlyRecord.objects.filter(pk=record.pk))
    snapshot = snapshot_of(records[0], signers)
    assert snapshot.certificates == (
        Certificate("Chứng chỉ tin học IC3"),
        Certificate("Chứng nhận bơi an toàn"),
    )
    assert snapshot.height_cm == Decimal("128.5")
    data = build_packet(snapshot)
    assert b'version="1.1"' in data
    assert parse_packet(data) == snapshot


def test_stored_text_with_stray_spaces_downloads_as_unchanged(world, principal):
    YearlyRecord.objects.filter(pk=world.a.record.pk).update(
        certificates="  IC3 \r\n\r\n Bơi  an toàn", contests=" Giải  Nhì "
    )
    report = import_workbook(
        workbooks.class_workbook(world.class_a), school=world.school_a, user=principal
    )
    assert report.changed == 0


@pytest.mark.parametrize(
    ("values", "column", "says"),
    [
        ({"weight_kg": -26}, "Cân nặng (kg)", "một số từ 1 đến 200"),
        ({"weight_kg": "-26"}, "Cân nặng (kg)", "một số từ 1 đến 200"),
        ({"height_cm": 251}, "Chiều cao (cm)", "một số từ 1 đến 250"),
        ({"height_cm": 0.5}, "Chiều cao (cm)", "một số từ 1 đến 250"),
        ({"height_cm": "128.55"}, "Chiều cao (cm)", "tối đa một chữ số thập phân"),
        ({"height_cm": "1e2"}, "Chiều cao (cm)", "một số từ 1 đến 250"),
        ({"absences_excused": 2.5}, "Số ngày nghỉ có phép", "số nguyên từ 0 đến 366"),
        ({"absences_unexcused": "ba"}, "Số ngày nghỉ không phép", "số nguyên"),
        ({"absences_unexcused": -1}, "Số ngày nghỉ không phép", "số nguyên"),
        ({"disability_not_assessed": "có lẽ"}, "Khuyết tật", "ghi x"),
        ({"foreign_language": "Tiếng Anh\u202e"}, "Ngoại ngữ 1", "U+202E"),
        ({"contests": "Giải\x9b Nhất"}, "Khen thưởng", "U+009B"),
        ({"contests": "Giải\x85Nhất"}, "Khen thưởng", "U+0085"),
        ({"certificates": "IC3\n\u200bTOEFL"}, "Chứng chỉ", "U+200B"),
        ({"foreign_language": "A" * 41}, "Ngoại ngữ 1", "tối đa 40 ký tự"),
    ],
)
def test_a_bad_value_is_refused_in_vietnamese_with_nothing_written(
    world, principal, values, column, says
):
    message = _refusal(world, principal, values)
    assert column in message
    assert says in message
    (value,) = values.values()
    shown = str(value)[:10].translate(
        {0x9B: "<U+009B>", 0x85: "<U+0085>", 0x200B: "<U+200B>"}
    )
    assert shown.replace("\u202e", "<U+202E>") in message
    assert not {"\x9b", "\x85", "\u200b", "\u202e"} & set(message)


def test_a_formula_in_a_contest_goes_out_as_text_and_comes_back(world, principal):
    hostile = '=HYPERLINK("http://evil.example/","Bấm")'
    YearlyRecord.objects.filter(pk=world.a.record.pk).update(
        contests=hostile, certificates="@SUM(1+1)\n+cmd"
    )
    data = workbooks.class_workbook(world.class_a)
    ws = helpers.sheet_of(helpers.load(data), "record")
    keys = helpers.keys_of(ws)
    row = helpers.set_student(ws, CODE, {})
    for key in ("contests", "certificates"):
        cell = ws.cell(row, keys[key])
        assert cell.data_type == "s" and cell.quotePrefix
    assert import_workbook(data, school=world.school_a, user=principal).changed == 0
    assert _record(world).contests == hostile


def _without_form_columns(book: Workbook) -> None:
    """The record sheet as a template made before the form's columns had it."""
    ws = helpers.sheet_of(book, "record")
    for key in ("certificates", "absences_excused", "contests", "height_cm"):
        ws.delete_cols(helpers.keys_of(ws)[key])


def test_an_old_workbook_without_the_columns_still_imports(world, principal):
    YearlyRecord.objects.filter(pk=world.a.record.pk).update(
        height_cm=Decimal("130.0"), contests="Giải Nhì"
    )
    book = _book(world.class_a)
    _without_form_columns(book)
    helpers.set_student(
        helpers.sheet_of(book, "record"), CODE, {"homeroom_comment": "Chăm ngoan"}
    )
    report = import_workbook(helpers.save(book), school=world.school_a, user=principal)
    assert report.counts["record_data_updated"] == 1
    record = _record(world)
    assert record.homeroom_comment == "Chăm ngoan"
    assert (record.height_cm, record.contests) == (Decimal("130.0"), "Giải Nhì")
