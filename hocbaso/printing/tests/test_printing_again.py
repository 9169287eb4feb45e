"""Printouts in one process: typst reuses what it laid out before, and only that.

The data reaches typst as a file (data.json), never through sys.inputs, which key
every one of typst's memoized steps; what differs between transcripts stays out of
the styles of their pages (docs/printing.md, "Cost of a copy"). Reuse is keyed by
typst on the content itself, so a changed value gives a changed page.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from hocbaso.packet import PrimaryResults, RecordSnapshot
from hocbaso.printing import render as render_module
from hocbaso.printing import samples
from hocbaso.printing.tests.helpers import (
    Rendered,
    flat,
    page_texts,
    render,
    run_tool,
)


class _Spy:
    """A typst compiler that records the arguments of every compile."""

    def __init__(self, compiler: Any) -> None:
        self.compiler = compiler
        self.calls: list[dict[str, Any]] = []

    def compile(self, **kwargs: Any) -> Any:
        self.calls.append(kwargs)
        return self.compiler.compile(**kwargs)


def test_the_data_reaches_typst_as_a_file_never_as_sys_inputs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    spy = _Spy(render_module._compiler())
    monkeypatch.setattr(render_module, "_compiler", lambda: spy)
    render(samples.primary_transcript()[-1:])
    (call,) = spy.calls
    assert "sys_inputs" not in call
    assert set(call["input"]) == {"main.typ", "data.json"}
    assert b"sys.inputs" not in call["input"]["main.typ"]


def _with_comment(page: RecordSnapshot, comment: str) -> RecordSnapshot:
    results = page.results
    assert isinstance(results, PrimaryResults)
    first = replace(results.subjects[0], comment=comment)
    subjects = (first, *results.subjects[1:])
    return replace(page, results=replace(results, subjects=subjects))


def test_a_changed_value_of_a_year_printed_before_changes_its_page(
    tmp_path: Path,
) -> None:
    pages = samples.primary_transcript()[:2]
    before = page_texts(render(pages).pdf, tmp_path)
    changed = [_with_comment(pages[0], "Viết chữ đẹp, đọc to rõ ràng."), pages[1]]
    after = page_texts(render(changed).pdf, tmp_path)
    again = page_texts(render(pages).pdf, tmp_path)
    # the first year's left page is the fourth; nothing else differs but the digest
    assert "Viết chữ đẹp, đọc to rõ ràng." in flat(after[3])
    assert "Viết chữ đẹp, đọc to rõ ràng." not in flat(before[3])
    assert again == before


def test_the_title_and_the_digest_keyword_are_set_after_the_last_page(
    tmp_path: Path,
) -> None:
    rendered = render(samples.secondary_transcript()[-1:])
    path = tmp_path / "copy.pdf"
    path.write_bytes(rendered.pdf)
    info = run_tool("pdfinfo", str(path))
    name = rendered.pages[0].student.full_name
    digest = render_module.snapshot_digest(rendered.pages)
    assert f"Học bạ: {name}" in info
    assert f"hocbaso-digest:{digest}" in info


def test_no_value_of_a_transcript_is_in_the_styles_of_its_pages() -> None:
    # A set rule's values key every element after it in typst's memoized steps: the
    # page's set rule takes no data (the footer reads the <footer-data> mark), and
    # the document's title and keywords are set after the last page.
    source = render_module.TEMPLATE.read_text(encoding="utf-8")
    page_rule = source[source.index("#set page(") :].split("\n)\n", 1)[0]
    assert "data" not in page_rule
    assert source.index("#set document(") > source.index("<transcript-end>")


def test_a_filled_in_value_is_read_with_its_label_not_as_an_emphasis(
    primary: Rendered, tmp_path: Path
) -> None:
    # The form's bold values are text weights, not strong: a strong element is
    # located, which kept typst from reusing what it had laid out (and tagged the
    # value as a separate emphasis after its label).
    path = tmp_path / "copy.pdf"
    path.write_bytes(primary.pdf)
    lines = [
        line.strip()
        for line in run_tool("pdfinfo", "-struct-text", str(path)).splitlines()
    ]
    name = f'"{primary.pages[-1].student.full_name}"'
    first = lines.index(name)  # on the cover
    assert lines[first - 1] == '"Họ và tên học sinh: "'
