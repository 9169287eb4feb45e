"""Helpers of the printing tests: render a sample, read a PDF back with poppler."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from hocbaso.packet import RecordSnapshot
from hocbaso.printing import check_url_for, render_transcript, samples

NOW = datetime(2025, 6, 25, 3, 0, tzinfo=UTC)  # frozen: certificates depend on it
CHECK_BASE = "https://hocba.example.vn/tra-cuu/"
STATUS = "Có hiệu lực từ 30/06/2025 (đã khóa dữ liệu)."


@dataclass(frozen=True)
class Rendered:
    """One rendered transcript and what it was rendered from."""

    pages: list[RecordSnapshot]
    code: str
    check_url: str
    pdf: bytes


def render(pages: list[RecordSnapshot], **options: object) -> Rendered:
    code = pages[0].lookup_code
    url = check_url_for(CHECK_BASE, code)
    options.setdefault("signatures", [samples.sample_marks(p) for p in pages])
    pdf = render_transcript(
        pages, lookup_code=code, check_url=url, status_lines=[STATUS], **options
    )
    return Rendered(pages, code, url, pdf)


def run_tool(tool: str, *args: str) -> str:
    """Run a poppler (or zbar) tool; skip the test when it is not installed."""
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} is not installed (scripts/system-deps installs it)")
    done = subprocess.run(
        [tool, *args], capture_output=True, text=True, check=True, timeout=60
    )
    return done.stdout


def page_texts(pdf: bytes, tmp_path: Path) -> list[str]:
    """pdftotext of every page, in reading order (pages split on form feeds)."""
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    text = run_tool("pdftotext", str(path), "-")
    return [page for page in text.split("\f") if page.strip()]


def flat(text: str) -> str:
    """Whitespace collapsed, so a label wrapped across lines still matches."""
    return " ".join(text.split())
