"""The footer's page numbers: every page out of the pages the document has."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from hocbaso.packet.examples import primary_example
from hocbaso.printing.tests.helpers import Rendered, flat, page_texts, render


def test_every_page_is_numbered_out_of_the_pages_printed(
    primary: Rendered, tmp_path: Path
) -> None:
    texts = page_texts(primary.pdf, tmp_path)
    for number, text in enumerate(texts, start=1):
        assert f"Trang {number} / {len(texts)}" in flat(text)


def test_a_year_that_runs_over_its_spread_is_numbered_with_its_extra_page(
    tmp_path: Path,
) -> None:
    # The total is the page of the document's end, not 3 + 2 per year.
    comment = "Em chăm chỉ, tiến bộ rõ rệt trong học tập và rèn luyện. " * 60
    page = replace(primary_example(), homeroom_comment=comment)
    texts = page_texts(render([page]).pdf, tmp_path)
    assert len(texts) > 5
    for number, text in enumerate(texts, start=1):
        assert f"Trang {number} / {len(texts)}" in flat(text)
