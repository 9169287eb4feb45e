"""The footer's page numbers: every page out of the pages the document has."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from hocbaso.packet.examples import primary_example
from hocbaso.printing import check_url_for, render_transcript, samples
from hocbaso.printing.tests.helpers import (
    CHECK_BASE,
    Rendered,
    flat,
    page_texts,
    render,
    run_tool,
)


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


# A4 in points, and the form's side margins (templates/transcript.typ): the footer's
# text starts 22 mm in from the left margin (the QR code and a 3 mm gutter) and
# stops 3 mm short of the page number, which ends at the right margin.
_MM = 72 / 25.4
_RIGHT_EDGE = 595.28 - 15 * _MM
_TEXT_START = (18 + 19 + 3) * _MM
_FOOTER_TOP = 841.89 - 33 * _MM  # the bottom margin holds the footer


def _footer_words(pdf: bytes, tmp_path: Path) -> list[list[tuple[float, float, str]]]:
    """Per page, the words below the footer's rule: (x min, x max, word)."""
    path = tmp_path / "footer.pdf"
    path.write_bytes(pdf)
    html = run_tool("pdftotext", "-bbox", str(path), "-")
    pages = []
    for page in html.split("<page ")[1:]:
        words = re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)"[^>]*>([^<]*)<', page
        )
        pages.append(
            [
                (float(x0), float(x1), w)
                for x0, y0, x1, w in words
                if float(y0) > _FOOTER_TOP
            ]
        )
    return pages


def test_the_footer_text_runs_from_the_qr_code_to_the_page_number(
    tmp_path: Path,
) -> None:
    status = "Bản in để kiểm tra vị trí chân trang, dòng trạng thái dài " * 3
    pages = samples.primary_transcript()[-1:]
    code = pages[0].lookup_code
    pdf = render_transcript(
        pages,
        lookup_code=code,
        check_url=check_url_for(CHECK_BASE, code),
        status_lines=[status],
    )
    for words in _footer_words(pdf, tmp_path):
        number = next(k for k, (_, _, w) in enumerate(words) if w == "Trang")
        start, end = words[number][0], words[number + 3][1]
        text = words[:number] + words[number + 4 :]
        assert end == pytest.approx(_RIGHT_EDGE, abs=1.5)
        assert min(x0 for x0, _, _ in text) == pytest.approx(_TEXT_START, abs=1.5)
        assert max(x1 for _, x1, _ in text) <= start - 3 * _MM + 0.5
        # the long status line wrapped before the number's column
        assert sum(w == "trang," for _, _, w in text) == 3
