"""The record page shows table 1 as the printed form does (printing.layout): on
the primary form, Tin học và Công nghệ is two rows sharing one level, score and
comment (docs/forms.md §2.5)."""

from __future__ import annotations

import re

from django.template.loader import render_to_string

from hocbaso.printing import samples
from hocbaso.printing.layout import Marks, year_page


def test_the_primary_year_shows_both_rows_of_tin_hoc_va_cong_nghe() -> None:
    page = samples.primary_transcript()[-1]
    form = year_page(page, Marks(samples.sample_marks(page)))
    html = render_to_string(
        "portal/_year.html",
        {"view": {"level": "primary"}, "page": {"form": form, "snapshot": page}},
    )
    tin = re.search(r"<tr><td>Tin học và Công nghệ \(Tin học\)</td>(.*?)</tr>", html)
    assert tin is not None
    cells = re.findall(r'<td[^>]*rowspan="(\d)"[^>]*>([^<]*)</td>', tin.group(1))
    assert cells == [("2", "T"), ("2", "9"), ("2", "")]
    assert "<tr><td>Tin học và Công nghệ (Công nghệ)</td></tr>" in html
    assert '<tr><td>Toán</td><td rowspan="1">T</td>' in html
