"""Files the import refuses before reading a row: each with a clear sentence."""

from __future__ import annotations

import io
import zipfile

import openpyxl.xml
import pytest

from hocbaso.imports import filling as helpers
from hocbaso.imports import workbooks
from hocbaso.imports.actions import import_workbook
from hocbaso.imports.errors import RefusedFileError
from hocbaso.imports.models import ImportRun
from hocbaso.imports.tests.conftest import student_row
from hocbaso.records.models import Student


@pytest.fixture
def good_file(world):
    book = helpers.load(workbooks.students_workbook(world.school_a, world.year))
    row = student_row("HS9001", "Ngô Bảo Châu", "4A1", 4, world.year.name)
    helpers.add_rows(helpers.sheet_of(book, "students"), [row])
    return helpers.save(book)


def rezip(data: bytes, add=(), replace=None) -> bytes:
    """The workbook ``data`` with members added or replaced."""
    replace = replace or {}
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            target.writestr(
                item.filename, replace.get(item.filename) or source.read(item)
            )
        for name, content in add:
            target.writestr(name, content)
    return out.getvalue()


def refused(world, principal, data: bytes, name: str = "hocsinh.xlsx") -> str:
    with pytest.raises(RefusedFileError) as caught:
        import_workbook(data, school=world.school_a, user=principal, file_name=name)
    assert not Student.objects.filter(student_code="HS9001").exists()
    run = ImportRun.objects.get()
    assert run.outcome == "refused" and run.file_name == name
    return str(caught.value)


def test_the_good_file_is_imported(world, principal, good_file):
    import_workbook(good_file, school=world.school_a, user=principal)
    assert Student.objects.filter(student_code="HS9001").exists()


def test_a_csv_file_is_not_a_spreadsheet(world, principal):
    message = refused(world, principal, "Mã học sinh,Họ tên\nHS1,A\n".encode())
    assert "not an Excel workbook" in message


def test_an_old_xls_file_is_named_as_such(world, principal):
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600
    assert ".xls" in refused(world, principal, data, "cu.xls")


def test_a_damaged_zip_is_refused(world, principal, good_file):
    assert "not an Excel workbook" in refused(world, principal, good_file[:2000])


def test_a_file_over_the_size_limit_is_refused(world, principal, good_file, settings):
    settings.HOCBASO_IMPORT_MAX_BYTES = len(good_file) - 1
    assert "too large" in refused(world, principal, good_file)


def test_a_macro_project_is_refused(world, principal, good_file):
    data = rezip(good_file, add=[("xl/vbaProject.bin", b"\0" * 64)])
    assert "macros" in refused(world, principal, data)


def test_a_macro_enabled_name_is_refused(world, principal, good_file):
    assert ".xlsx" in refused(world, principal, good_file, "hocsinh.xlsm")


def test_a_macro_enabled_content_type_is_refused(world, principal, good_file):
    with zipfile.ZipFile(io.BytesIO(good_file)) as archive:
        types = archive.read("[Content_Types].xml")
    types = types.replace(
        b"spreadsheetml.sheet.main+xml", b"sheet.macroEnabled.main+xml"
    )
    data = rezip(good_file, replace={"[Content_Types].xml": types})
    assert "Macro" in refused(world, principal, data)


def test_a_formula_is_refused_naming_its_cell(world, principal):
    book = helpers.load(workbooks.students_workbook(world.school_a, world.year))
    row = student_row("HS9001", "Ngô Bảo Châu", "4A1", 4, world.year.name)
    row["grade"] = "=2+2"
    (number,) = helpers.add_rows(helpers.sheet_of(book, "students"), [row])
    message = refused(world, principal, helpers.save(book))
    assert "formulas" in message and f"!T{number}" in message


def test_external_links_are_refused(world, principal, good_file):
    link = b'<?xml version="1.0"?><externalLink xmlns="x"/>'
    data = rezip(good_file, add=[("xl/externalLinks/externalLink1.xml", link)])
    assert "links to other files" in refused(world, principal, data)


def test_a_zip_bomb_is_refused_before_it_is_inflated(world, principal, good_file):
    data = rezip(good_file, add=[("xl/media/zeros.bin", b"\0" * 3_000_000)])
    assert len(data) < 100_000
    assert "zip bomb" in refused(world, principal, data)


def test_members_over_the_uncompressed_limit_are_refused(
    world, principal, good_file, settings
):
    settings.HOCBASO_IMPORT_MAX_UNCOMPRESSED_BYTES = 20_000
    assert "zip bomb" in refused(world, principal, good_file)


def test_xml_entities_are_refused(world, principal, good_file):
    with zipfile.ZipFile(io.BytesIO(good_file)) as archive:
        workbook = archive.read("xl/workbook.xml")
    bomb = b'<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
    head, _sep, rest = workbook.partition(b"?>")
    data = rezip(good_file, replace={"xl/workbook.xml": head + b"?>" + bomb + rest})
    assert "XML entities" in refused(world, principal, data)


def test_openpyxl_parses_through_defusedxml():
    assert openpyxl.xml.DEFUSEDXML is True


def test_a_sheet_not_from_a_template_is_reported(world, principal, good_file):
    from hocbaso.imports.errors import InvalidRowsError

    book = helpers.load(good_file)
    book.create_sheet("Trang tính 2")["A1"] = "HS9002"
    with pytest.raises(InvalidRowsError) as caught:
        import_workbook(helpers.save(book), school=world.school_a, user=principal)
    assert any(
        p.sheet == "Trang tính 2" and "not from a template" in p.message
        for p in caught.value.problems
    )


def test_a_damaged_sheet_is_refused(world, principal, good_file):
    data = rezip(good_file, replace={"xl/worksheets/sheet3.xml": b"<worksheet><oops"})
    assert "cannot be read" in refused(world, principal, data)


def test_entities_hidden_past_the_prolog_are_refused_by_defusedxml(
    world, principal, good_file
):
    with zipfile.ZipFile(io.BytesIO(good_file)) as archive:
        sheet = archive.read("xl/worksheets/sheet3.xml")
    assert sheet.startswith(b"<worksheet")  # openpyxl writes no XML declaration
    padding = b"<!--" + b" " * 4000 + b"-->"  # past the prolog check's 2 KB
    bomb = b'<!DOCTYPE worksheet [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
    data = rezip(
        good_file, replace={"xl/worksheets/sheet3.xml": padding + bomb + sheet}
    )
    message = refused(world, principal, data)
    assert "cannot be read (EntitiesForbidden)" in message
