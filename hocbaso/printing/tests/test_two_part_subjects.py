"""Tin học and Công nghệ print as the forms have them (docs/forms.md §2.5, §3.5):
two rows of one subject on the primary form (Circular 27/2020, grades 3-5), two
subjects of their own on the lower-secondary form (Circular 22/2021)."""

from __future__ import annotations

import re
from pathlib import Path

from hocbaso.printing import samples
from hocbaso.printing.layout import Marks, year_page
from hocbaso.printing.tests.helpers import flat, page_texts, render

TIN = "Tin học và Công nghệ (Tin học)"
CN = "Tin học và Công nghệ (Công nghệ)"


def test_the_primary_form_gives_tin_hoc_and_cong_nghe_a_row_each(
    tmp_path: Path,
) -> None:
    pages = samples.primary_transcript()  # grade 4 last: THCN scored 9
    left = flat(page_texts(render(pages).pdf, tmp_path)[-2])
    table = left.split("Nhận xét", 1)[1]
    assert table.count("Tin học và Công nghệ") == 2
    assert re.search(re.escape(TIN) + r".*" + re.escape(CN), table)
    assert "Tin học và Công nghệ T" not in table  # no longer one row of its own


def test_the_two_rows_carry_the_subjects_values_once() -> None:
    page = samples.primary_transcript()[-1]
    rows = year_page(page, Marks(samples.sample_marks(page)))["subjects"]
    names = [row["name"] for row in rows]
    first = names.index(TIN)
    assert names[first + 1] == CN
    (subject,) = [s for s in page.results.subjects if s.code == "THCN"]
    assert rows[first]["rows"] == 2
    assert (rows[first]["level"], rows[first]["score"]) == (subject.level, "9")
    assert rows[first + 1] == {
        "name": CN,
        "level": "",
        "score": "",
        "comment": "",
        "rows": 0,
    }
    assert {row["rows"] for row in rows if row["name"] not in (TIN, CN)} == {1}


def test_a_grade_without_the_subject_prints_neither_row(tmp_path: Path) -> None:
    pages = samples.primary_transcript()[:1]  # grade 1 has no Tin học và Công nghệ
    text = flat(" ".join(page_texts(render(pages).pdf, tmp_path)[3:]))
    assert "Tin học" not in text.split("3. Những năng lực cốt lõi")[0]


def test_the_lower_secondary_form_prints_tin_hoc_and_cong_nghe_apart(
    tmp_path: Path,
) -> None:
    pages = samples.secondary_transcript()
    left = flat(page_texts(render(pages).pdf, tmp_path)[-2])
    table = left.split("Nhận xét", 1)[1]
    assert re.search(r"(^| )Tin học \d", table), table
    assert re.search(r"(^| )Công nghệ \d", table), table
    assert "Tin học và Công nghệ" not in left
