"""The QR code on every page, the check URL's rules, and the content digest."""

from __future__ import annotations

import io
import shutil
import subprocess
import uuid
from dataclasses import replace
from pathlib import Path

import pytest
import segno
import typst

from hocbaso.packet import build_packet
from hocbaso.packet.examples import primary_example
from hocbaso.printing import (
    CheckUrlError,
    check_url_for,
    content_digest,
    qr_svg,
    render_transcript,
    snapshot_digest,
)
from hocbaso.printing.qr import QR_ERROR_LEVEL, QR_MASK
from hocbaso.printing.tests.helpers import CHECK_BASE, Rendered

CODE = primary_example().lookup_code


def test_every_page_has_a_qr_code_that_opens_the_check_url(
    primary: Rendered, tmp_path: Path
) -> None:
    if not (shutil.which("zbarimg") and shutil.which("pdftoppm")):
        pytest.skip("zbarimg (zbar-tools) or pdftoppm (poppler-utils) is missing")
    pdf = tmp_path / "t.pdf"
    pdf.write_bytes(primary.pdf)
    # Only the footer, at 150 dpi: an A4 page is 1240 x 1754 pixels.
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "150",
            "-y",
            "1500",
            "-H",
            "254",
            "-W",
            "1240",
            "-png",
            str(pdf),
            str(tmp_path / "page"),
        ],
        check=True,
    )
    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) == 3 + 2 * 4
    for image in images:
        done = subprocess.run(
            ["zbarimg", "--raw", "-q", str(image)],
            capture_output=True,
            text=True,
            check=True,
        )
        assert done.stdout.splitlines() == [primary.check_url]


def test_the_qr_symbol_encodes_the_url_and_nothing_else() -> None:
    url = check_url_for(CHECK_BASE, CODE)
    svg = qr_svg(url)
    assert svg.startswith("<svg") and "<script" not in svg
    expected = segno.make_qr(url, error="m")
    assert expected.designator in ("4-M", "5-M", "6-M")
    assert svg == qr_svg(url)  # deterministic: the same page prints the same code


def test_the_check_url_carries_the_code_in_its_fragment_only() -> None:
    url = check_url_for(CHECK_BASE, CODE)
    assert url == f"{CHECK_BASE}#{CODE}"
    assert url.split("#")[0].find(CODE) == -1


@pytest.mark.parametrize(
    "url",
    [
        f"{CHECK_BASE}{CODE}",
        f"{CHECK_BASE}?ma={CODE}",
        f"{CHECK_BASE}?ma={CODE[:8]}-{CODE[8:12]}-{CODE[12:16]}-{CODE[16:20]}-{CODE[20:]}",
        f"ftp://hocba.example.vn/#{CODE}",
        "javascript:alert(1)",
    ],
)
def test_it_refuses_a_check_url_that_would_log_the_code(url: str) -> None:
    page = primary_example()
    with pytest.raises(CheckUrlError):
        render_transcript([page], lookup_code=CODE, check_url=url)


def test_a_base_url_with_a_fragment_is_refused() -> None:
    with pytest.raises(CheckUrlError):
        check_url_for(CHECK_BASE + "#x", CODE)


def test_the_digest_is_16_hex_digits_and_depends_on_order_and_bounds() -> None:
    digest = content_digest([b"ab", b"c"])
    assert len(digest) == 16 and int(digest, 16) >= 0
    assert digest == content_digest([b"ab", b"c"])
    assert digest != content_digest([b"c", b"ab"])
    assert digest != content_digest([b"a", b"bc"])
    assert digest != content_digest([b"abc"])


def test_the_default_digest_follows_the_content_not_the_signatures() -> None:
    page = primary_example()
    assert snapshot_digest([page]) == content_digest([build_packet(page)])
    changed = replace(page, homeroom_comment="Một nhận xét khác.")
    assert snapshot_digest([changed]) != snapshot_digest([page])


def test_a_given_digest_is_printed_instead_of_the_default(tmp_path: Path) -> None:
    from hocbaso.printing.tests.helpers import page_texts, render

    rendered = render([primary_example()], content_digest="0123456789abcdef")
    assert all(
        "Mã kiểm tra nội dung: 0123456789abcdef" in t
        for t in page_texts(rendered.pdf, tmp_path)
    )


def test_qr_codes_with_the_fixed_mask_scan_for_any_code_and_base(
    tmp_path: Path,
) -> None:
    """The mask is fixed (qr.QR_MASK), not scored per symbol: the symbols typst
    draws from qr_svg must still decode, whatever the code and the base URL."""
    if not shutil.which("zbarimg"):
        pytest.skip("zbarimg (zbar-tools) is missing")
    bases = [
        CHECK_BASE,
        "http://127.0.0.1:8000/",
        "https://tracuu.hocbaso.sogddt.hanoi.gov.vn/hoc-ba/tra-cuu/",
    ]
    urls = [check_url_for(b, uuid.uuid4().hex) for b in bases for _ in range(12)]
    source = tmp_path / "qr.typ"
    source.write_text(
        "#set page(width: 40mm, height: 40mm, margin: 2mm)\n"
        "#image(bytes(sys.inputs.svg), width: 100%)\n",
        encoding="utf-8",
    )
    images = []
    for k, url in enumerate(urls):
        png = typst.compile(
            str(source), format="png", ppi=150, sys_inputs={"svg": qr_svg(url)}
        )
        image = tmp_path / f"qr-{k:02d}.png"
        image.write_bytes(png)
        images.append(str(image))
    done = subprocess.run(
        ["zbarimg", "--raw", "-q", *images], capture_output=True, text=True
    )
    assert done.stdout.splitlines() == urls


def test_the_symbol_uses_the_fixed_mask_at_the_smallest_version() -> None:
    """Codes whose scored mask would differ print with QR_MASK all the same, at
    the version segno chooses for the URL, module for module segno's symbol."""
    codes = [uuid.uuid5(uuid.NAMESPACE_URL, str(k)).hex for k in range(12)]
    urls = [check_url_for(CHECK_BASE, code) for code in codes]
    scored = [segno.make_qr(url, error=QR_ERROR_LEVEL) for url in urls]
    assert {symbol.mask for symbol in scored} - {QR_MASK}  # some would differ
    for url, chosen in zip(urls, scored, strict=True):
        expected = segno.make_qr(url, error=QR_ERROR_LEVEL, mask=QR_MASK)
        assert expected.version == chosen.version
        out = io.BytesIO()
        expected.save(out, kind="svg", xmldecl=False, svgns=True, border=2, dark="#000")
        assert qr_svg(url) == out.getvalue().decode("ascii")
