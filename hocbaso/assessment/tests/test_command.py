"""The ``assess`` management command, a thin wrapper over ``assess``.

The command lives in ``hocbaso.records.management``; its tests sit here with
the rules it wraps. This is the only test module here that uses Django, and
it needs no database.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import translation

from hocbaso.assessment import assess
from hocbaso.assessment.tests.builders import primary, secondary

ROOT = Path(__file__).resolve().parents[3]


def _run(*args: str, stdin: str | None = None) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    options: dict[str, Any] = {"stdout": out, "stderr": err}
    if stdin is not None:
        options["stdin"] = io.StringIO(stdin)
    call_command("assess", *args, **options)
    return out.getvalue(), err.getvalue()


def _fail(*args: str, stdin: str | None = None) -> list[str]:
    err = io.StringIO()
    options: dict[str, Any] = {"stdout": io.StringIO(), "stderr": err}
    if stdin is not None:
        options["stdin"] = io.StringIO(stdin)
    with pytest.raises(SystemExit) as caught:
        call_command("assess", *args, **options)
    assert caught.value.code == 2
    return err.getvalue().splitlines()


def test_the_command_prints_the_results_of_a_file_as_utf8_json(
    tmp_path: Path,
) -> None:
    data = secondary(comments={"AN": "CĐ"})
    path = tmp_path / "year.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "manage.py", "assess", str(path)],
        cwd=ROOT,
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    assert json.loads(done.stdout.decode("utf-8")) == assess(data)
    assert "CĐ".encode() in done.stdout  # not escaped as \u0110


def test_the_command_exits_2_with_one_line_per_problem(tmp_path: Path) -> None:
    data = secondary()
    data["subjects"]["NV"]["hk1"]["tx"] = [8, 9, 7]
    data["subjects"]["TOAN"]["hk1"]["gk"] = 10.5
    path = tmp_path / "year.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "manage.py", "assess", str(path)],
        cwd=ROOT,
        capture_output=True,
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout == b""
    assert done.stderr.decode("utf-8").splitlines() == [
        # in the reader's language, subjects and terms by name
        "Ngữ văn, học kỳ I: cần 4 điểm thường xuyên, có 3",
        "Toán, học kỳ I: điểm giữa kỳ 10.5 phải là một số từ 0 đến 10,"
        " nhiều nhất một chữ số thập phân",
    ]


def test_the_command_reads_standard_input_without_a_file() -> None:
    out, err = _run(stdin=json.dumps(primary()))
    assert json.loads(out) == {"result": "HTXS", "completed": True, "title": "HSXS"}
    assert err == ""


def test_the_command_reads_a_file(tmp_path: Path) -> None:
    path = tmp_path / "year.json"
    path.write_text(json.dumps(primary(level="H")), encoding="utf-8")
    out, _ = _run(str(path))
    assert json.loads(out)["result"] == "HT"


def test_the_command_accepts_a_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "year.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(primary()).encode())
    out, _ = _run(str(path))
    assert json.loads(out)["result"] == "HTXS"


def test_the_command_rejects_invalid_json() -> None:
    lines = _fail(stdin="{not json")
    assert len(lines) == 1
    assert lines[0].startswith("input: not valid JSON: ")


def test_the_command_rejects_an_integer_too_long_for_json() -> None:
    lines = _fail(stdin="[" + "9" * 5000 + "]")
    assert len(lines) == 1
    assert lines[0].startswith("input: not valid JSON: ")


def test_the_command_reports_every_problem_of_the_input() -> None:
    data = primary()
    data["subjects"]["TV"]["score"] = 9.5
    data["qualities"]["YN"] = "H"
    with translation.override("vi"):
        lines = _fail(stdin=json.dumps(data))
    assert lines == [
        "Tiếng Việt: điểm kiểm tra định kỳ 9.5 phải là số nguyên từ 1 đến 10",
        'phẩm chất, Yêu nước: "H" phải là T, Đ hoặc C',
    ]


def test_the_command_reports_a_file_it_cannot_read(tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"
    assert _fail(str(missing)) == [f"{missing}: cannot read: No such file or directory"]


def test_the_command_reports_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "year.json"
    path.write_bytes(b'{"level": "\xff"}')
    (line,) = _fail(str(path))
    assert line.startswith(f"{path}: not UTF-8 text")
