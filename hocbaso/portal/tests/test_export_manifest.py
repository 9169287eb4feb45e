"""The export's manifest.csv never carries a live formula."""

from __future__ import annotations

import csv
import io
from types import SimpleNamespace

import pytest

from hocbaso.portal.management.commands.export import Entry, _manifest


def _row(name: str) -> dict[str, str]:
    student = SimpleNamespace(student_code="HS0001", full_name=name)
    entry = Entry(SimpleNamespace(student=student), "6A1")  # type: ignore[arg-type]
    text = _manifest([(entry, "a.pdf", "ok")]).decode("utf-8-sig")
    (row,) = csv.DictReader(io.StringIO(text))
    return row


@pytest.mark.parametrize(
    "name", ['=HYPERLINK("http://x.example","y")', "+1+1", "-1+1", "@SUM(1)", "\t=1"]
)
def test_a_name_starting_like_a_formula_is_written_as_text(name):
    assert _row(name)["full_name"] == f"'{name}"


def test_an_ordinary_name_is_written_as_it_is():
    assert _row("Nguyễn Thị Ánh")["full_name"] == "Nguyễn Thị Ánh"
