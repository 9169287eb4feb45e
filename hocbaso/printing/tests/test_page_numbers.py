"""The footer's page numbers: every page out of the pages the document has.

A printout is first typeset with each page's number known from its place (three
pages, then two a school year); one where a part runs over is typeset again with
the page's own footer counting the pages (render.compile_typst)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from hocbaso.packet.examples import primary_example
from hocbaso.printing import render as render_module
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


def test_text_that_looks_like_a_page_object_does_not_fool_the_page_count(
    tmp_path: Path,
) -> None:
    # The name is written uncompressed in the PDF's XMP metadata: extra matches of
    # "/Type /Page" can only make the printout typeset again, never misnumber it.
    student = replace(primary_example().student, full_name="/Type /Page /Type /Page")
    page = replace(primary_example(), student=student)
    texts = page_texts(render([page]).pdf, tmp_path)
    assert len(texts) == 5
    for number, text in enumerate(texts, start=1):
        assert f"Trang {number} / 5" in flat(text)


def test_a_short_printout_is_typeset_once(monkeypatch: pytest.MonkeyPatch) -> None:
    compiled: list[dict[str, object]] = []
    real = render_module._compile

    def counting(data: dict[str, object]) -> bytes:
        compiled.append(data)
        return real(data)

    monkeypatch.setattr(render_module, "_compile", counting)
    render([primary_example()])
    assert [data["by_position"] for data in compiled] == [True]
