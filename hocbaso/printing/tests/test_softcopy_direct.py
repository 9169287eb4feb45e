"""The soft copy written directly (_fastpades): what B-B copies of typst's PDFs
use, with pyHanko kept for every other file and for B-T and B-LTA."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers

from hocbaso.printing import PdfSealSigner, _fastpades, sign_pdf, verify_pdf
from hocbaso.printing.tests.helpers import NOW, Rendered, flat, page_texts, run_tool
from hocbaso.printing.tests.test_softcopy import REASON, packets_of, soft_copy
from hocbaso.signing import KeyFileSigner, Status
from hocbaso.signing.pki import DemoPki


def _no_pyhanko_signer(monkeypatch: pytest.MonkeyPatch) -> None:
    async def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("pyHanko's signer was used")

    monkeypatch.setattr(signers.PdfSigner, "async_sign_pdf", refuse)


def _contents_span(copy: bytes) -> tuple[int, int, bytes]:
    (signature,) = PdfFileReader(io.BytesIO(copy)).embedded_signatures
    start, first, second, rest = signature.sig_object["/ByteRange"]
    assert start == 0 and second + rest == len(copy)
    return first, second, signature.sig_object["/Contents"]


@pytest.fixture(scope="module")
def direct(secondary: Rendered, seal: KeyFileSigner) -> bytes:
    return soft_copy(secondary, PdfSealSigner(seal))


def test_a_b_b_copy_of_a_typst_pdf_is_written_without_pyhankos_signer(
    secondary: Rendered,
    seal: KeyFileSigner,
    pki: DemoPki,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    _no_pyhanko_signer(monkeypatch)
    copy = soft_copy(secondary, PdfSealSigner(seal))
    result = verify_pdf(copy, [pki.root.certificate], at=NOW)
    assert result.status is Status.VALID, result.failures
    assert [name for name, _ in result.attachments] == sorted(
        name for name, _ in packets_of(secondary)
    )
    assert result.signatures[0].signing_time == NOW
    cover = flat(page_texts(copy, tmp_path)[0])
    assert "Đã ký số bởi: Sở Giáo dục và Đào tạo Hà Nội" in cover
    assert "Thời gian ký: 25/06/2025 10:00:00 (GMT+7)" in cover
    path = tmp_path / "soft.pdf"
    path.write_bytes(copy)
    report = run_tool("pdfsig", str(path))
    assert "Signature is Valid." in report and "Total document signed" in report


def test_only_the_cms_itself_is_left_out_of_the_signed_bytes(direct: bytes) -> None:
    first, second, contents = _contents_span(direct)
    # RSA values have one length: the placeholder is the CMS, with no padding
    # an attacker could write into unseen.
    assert second - first == 2 * len(contents) + 2
    assert direct[first : first + 1] == b"<" and direct[second - 1 : second] == b">"
    assert not contents.endswith(b"\0")


def test_an_ecdsa_seal_leaves_only_the_bytes_its_value_is_short(
    secondary: Rendered, pki: DemoPki
) -> None:
    credential = pki.organisation("Trường THCS Nam Từ Liêm", "01023456", kind="ec")
    seal = PdfSealSigner(KeyFileSigner(credential.key, credential.chain))
    for _ in range(4):
        copy = soft_copy(secondary, seal)
        first, second, contents = _contents_span(copy)
        written = copy[first + 1 : second - 1]
        used = 2 * len(contents.rstrip(b"\0"))
        # a P-256 value in DER is 70 to 72 bytes, rarely shorter: the reservation
        # is the longest, the rest zeros
        assert len(written) - used <= 8 and set(written[used:]) <= {ord("0")}
        assert verify_pdf(copy, [pki.root.certificate], at=NOW).status is (Status.VALID)


def test_any_byte_changed_makes_the_direct_copy_invalid(
    direct: bytes, pki: DemoPki
) -> None:
    first, second, _ = _contents_span(direct)
    where = [*range(0, len(direct), len(direct) // 29), first + 1, second - 3]
    where += [len(direct) - k for k in (1, 40, 300, 1500)]
    for position in where:
        doctored = bytearray(direct)
        doctored[position] ^= 0x01
        result = verify_pdf(bytes(doctored), [pki.root.certificate], at=NOW)
        assert result.status is not Status.VALID, position


def test_the_signed_attributes_are_the_three_of_pades_b_b(direct: bytes) -> None:
    (signature,) = PdfFileReader(io.BytesIO(direct)).embedded_signatures
    attrs = signature.signer_info["signed_attrs"]
    assert [a["type"].native for a in attrs] == [
        "content_type",
        "message_digest",
        "signing_certificate_v2",
    ]
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert str(signature.sig_object["/M"]) == "D:20250625100000+07'00'"


def _with_earlier_revision(pdf: bytes) -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    writer.root["/PageMode"] = generic.NameObject("/UseNone")
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_other_files_and_letters_fall_back_to_pyhanko(
    secondary: Rendered, seal: KeyFileSigner, pki: DemoPki
) -> None:
    revised = _with_earlier_revision(secondary.pdf)
    assert _fastpades.prepare(secondary.pdf) is not None
    assert _fastpades.prepare(revised) is None  # /Prev: not a single revision
    # the same bytes with the catalog's /Metadata named /AcroForm (same length)
    with_form = secondary.pdf.replace(b"/Metadata", b"/AcroForm")
    assert _fastpades.prepare(with_form) is None
    seal_signer = PdfSealSigner(seal)
    copies = [
        sign_pdf(
            revised,
            seal_signer,
            attachments=packets_of(secondary),
            reason=REASON,
            location="Hà Nội",
            signing_time=NOW,
        ),
        soft_copy(secondary, seal_signer, stamp_text="Đã ký số bởi: 學校"),
    ]
    for copy in copies:
        result = verify_pdf(copy, [pki.root.certificate], at=NOW)
        assert result.status is Status.VALID, result.failures
        assert b"/Producer (pyHanko" in copy  # pyHanko wrote it


def test_the_direct_copy_carries_the_packets_byte_for_byte(
    direct: bytes, secondary: Rendered
) -> None:
    from hocbaso.printing import attached_packets

    assert attached_packets(direct) == sorted(packets_of(secondary))
    assert direct.count(b"/Subtype /application#2Fxml") == len(secondary.pages)
    assert re.search(rb"/Producer \(pyHanko", direct) is None


def test_a_trailer_whose_id_is_a_hex_string_is_read(secondary: Rendered) -> None:
    pdf = secondary.pdf
    start = pdf.rindex(b"/ID[")
    end = pdf.index(b"]", start) + 1
    hexed = pdf[:start] + b"/ID[<0011aabb><0011aabb>]" + pdf[end:]
    base = _fastpades.prepare(hexed)
    assert base is not None and base.first_id == b"<0011aabb>"
