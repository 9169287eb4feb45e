"""``hocbaso import`` and ``hocbaso import-template``: output and exit status."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from hocbaso.imports.models import ImportRun
from hocbaso.imports.tests.conftest import student_row
from hocbaso.records.models import Student


@pytest.fixture
def workbook(tmp_path, world, students_file):
    def write(rows, name="hocsinh.xlsx"):
        path = tmp_path / name
        path.write_bytes(students_file(rows))
        return str(path)

    return write


def _row(world, **extra):
    return student_row("HS3001", "Cao Bá Quát", "4A1", 4, world.year.name, **extra)


def test_it_imports_and_exits_0(world, workbook, capsys):
    path = workbook([_row(world)])
    call_command("import", path, "--school", "TH-A")
    out = capsys.readouterr().out
    assert "students_created: 1" in out
    assert Student.objects.filter(student_code="HS3001").exists()
    assert ImportRun.objects.get().actor_label.startswith("hocbaso import")
    call_command("import", path)  # the school named in the sheets
    assert "Nothing changed:" in capsys.readouterr().out


def test_a_dry_run_exits_0_and_imports_nothing(world, workbook, capsys):
    call_command("import", workbook([_row(world)]), "--school", "TH-A", "--dry-run")
    assert "Nothing was imported (check only)" in capsys.readouterr().out
    assert not Student.objects.filter(student_code="HS3001").exists()


def test_rows_with_problems_exit_1_one_line_each(world, workbook, capsys):
    path = workbook([_row(world, sex="?"), _row(world)])
    with pytest.raises(CommandError) as caught:
        call_command("import", path, "--school", "TH-A")
    assert caught.value.returncode == 1
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 2
    assert "[Students] 4 E" in lines[0] or "4 E (" in lines[0]
    assert "Duplicate" in lines[1]


def test_a_refused_file_exits_2(tmp_path, world):
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"hello")
    with pytest.raises(CommandError) as caught:
        call_command("import", str(path), "--school", "TH-A")
    assert caught.value.returncode == 2
    assert "not an Excel workbook" in str(caught.value)


def test_a_user_out_of_scope_exits_2(world, workbook, clerk):
    with pytest.raises(CommandError) as caught:
        call_command(
            "import", workbook([_row(world)]), "--school", "TH-A", "--user", "vt_b"
        )
    assert caught.value.returncode == 2


def test_unknown_school_or_file_exit_2(world, tmp_path):
    with pytest.raises(CommandError) as caught:
        call_command("import", str(tmp_path / "none.xlsx"))
    assert caught.value.returncode == 2
    with pytest.raises(CommandError) as caught:
        call_command("import", __file__, "--school", "NOPE")
    assert caught.value.returncode == 2


def test_the_template_command_writes_a_workbook(world, tmp_path):
    from hocbaso.imports import filling as helpers

    out = tmp_path / "lop.xlsx"
    call_command(
        "import-template",
        "class",
        "--school",
        "TH-A",
        "--year",
        world.year.name,
        "--class",
        "4A1",
        "-o",
        str(out),
    )
    book = helpers.load(out.read_bytes())
    assert helpers.sheet_of(book, "subject", "TV")
