"""The soft copy: PAdES signature, attached packets, stamp, tampering, key loading."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils import embed
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from hocbaso.packet import build_packet
from hocbaso.packet.examples import primary_example
from hocbaso.printing import (
    PdfSealSigner,
    PrintingError,
    SoftCopyError,
    attached_packets,
    sign_pdf,
    verify_pdf,
)
from hocbaso.printing.tests.helpers import NOW, Rendered, flat, page_texts, run_tool
from hocbaso.signing import KeyFileSigner, Status, TrustStore, keyfile
from hocbaso.signing.pki import Credential, DemoPki, create_demo_pki
from hocbaso.signing.tests.tsa import LocalTimestampAuthority

REASON = "Bản sao điện tử học bạ"


def packets_of(rendered: Rendered) -> list[tuple[str, bytes]]:
    return [(f"hocba-{p.school_year}.xml", build_packet(p)) for p in rendered.pages]


def soft_copy(rendered: Rendered, signer: object, **options: object) -> bytes:
    options.setdefault("attachments", packets_of(rendered))
    return sign_pdf(
        rendered.pdf,
        signer,  # type: ignore[arg-type]
        reason=REASON,
        location="Hà Nội",
        signing_time=NOW,
        **options,  # type: ignore[arg-type]
    )


@pytest.fixture(scope="module")
def signed(secondary: Rendered, seal: KeyFileSigner) -> bytes:
    return soft_copy(secondary, PdfSealSigner(seal))


def test_the_soft_copy_verifies_against_the_test_root(
    signed: bytes, pki: DemoPki
) -> None:
    result = verify_pdf(signed, [pki.root.certificate], at=NOW)
    assert result.status is Status.VALID, result.failures
    assert {c.name for c in result.checks} >= {
        "integrity",
        "coverage",
        "chain",
        "content",
    }
    (report,) = result.signatures
    assert report.organisation == "Sở Giáo dục và Đào tạo Hà Nội"
    assert report.issuer == "Hocbaso Demo Issuing CA"
    assert report.signing_time == NOW


def test_it_accepts_a_trust_store_too(
    signed: bytes, pki: DemoPki, tmp_path: Path
) -> None:
    pki.write_trust_directory(tmp_path)
    store = TrustStore.from_directory(tmp_path)
    assert verify_pdf(signed, store, at=NOW).status is Status.VALID


def test_it_carries_the_packets_byte_for_byte(
    signed: bytes, secondary: Rendered, pki: DemoPki
) -> None:
    expected = packets_of(secondary)
    assert attached_packets(signed) == sorted(expected)
    result = verify_pdf(signed, [pki.root.certificate], at=NOW)
    assert list(result.attachments) == sorted(expected)


def test_poppler_reads_the_signature_as_valid(signed: bytes, tmp_path: Path) -> None:
    path = tmp_path / "soft.pdf"
    path.write_bytes(signed)
    out = run_tool("pdfsig", str(path))
    assert "Signature is Valid." in out
    assert "Total document signed" in out
    assert "ETSI.CAdES.detached" in out  # PAdES, not adbe.pkcs7.detached


def test_the_stamp_names_the_organisation_in_vietnam_time(
    signed: bytes, tmp_path: Path
) -> None:
    cover = flat(page_texts(signed, tmp_path)[0])
    assert "Đã ký số bởi: Sở Giáo dục và Đào tạo Hà Nội" in cover
    assert "Thời gian ký: 25/06/2025 10:00:00 (GMT+7)" in cover  # 03:00 UTC
    assert f"Lý do: {REASON}" in cover


def test_a_byte_changed_after_signing_makes_it_invalid(
    signed: bytes, pki: DemoPki
) -> None:
    for where in (len(signed) // 5, len(signed) // 2, len(signed) - 2000):
        doctored = bytearray(signed)
        doctored[where] ^= 0x01
        result = verify_pdf(bytes(doctored), [pki.root.certificate], at=NOW)
        assert result.status is Status.INVALID, where


def test_an_attachment_added_after_signing_makes_it_invalid(
    signed: bytes, pki: DemoPki
) -> None:
    writer = IncrementalPdfFileWriter(io.BytesIO(signed), strict=False)
    stream = embed.EmbeddedFileObject.from_file_data(writer, data=b"<gia/>")
    embed.embed_file(
        writer, embed.FileSpec(file_spec_string="zz.xml", embedded_data=stream)
    )
    out = io.BytesIO()
    writer.write(out)
    result = verify_pdf(out.getvalue(), [pki.root.certificate], at=NOW)
    assert result.status is Status.INVALID
    assert "coverage" in {c.name for c in result.failures}


def test_an_unknown_root_makes_it_indeterminate(signed: bytes) -> None:
    stranger = create_demo_pki("Other Root", "Other CA", now=NOW)
    result = verify_pdf(signed, [stranger.root.certificate], at=NOW)
    assert result.status is Status.INDETERMINATE
    assert [c.name for c in result.failures] == ["chain"]


def test_packets_that_do_not_match_the_printed_pages_make_it_invalid(
    secondary: Rendered, seal: KeyFileSigner, pki: DemoPki
) -> None:
    other = [("khac.xml", build_packet(primary_example()))]
    doctored = soft_copy(secondary, seal, attachments=other)
    result = verify_pdf(doctored, [pki.root.certificate], at=NOW)
    assert result.status is Status.INVALID
    assert [c.name for c in result.failures] == ["content"]


def test_a_timestamp_authority_makes_it_pades_b_t(
    secondary: Rendered, seal: KeyFileSigner, pki: DemoPki
) -> None:
    tsa = LocalTimestampAuthority(pki.timestamping("Hocbaso Demo TSA"), NOW)
    seal_signer = PdfSealSigner(seal)
    first = soft_copy(secondary, seal_signer, timestamp_authority=tsa)
    soft_copy(secondary, seal_signer, timestamp_authority=tsa)
    result = verify_pdf(first, [pki.root.certificate], at=NOW)
    assert result.status is Status.VALID, result.failures
    assert "timestamp" in {c.name for c in result.checks}
    assert result.signatures[0].timestamp == NOW
    assert tsa.requests == 3  # one size probe for the signer, then one per copy


def test_the_seal_key_is_read_once_for_many_copies(
    secondary: Rendered,
    seal_credential: Credential,
    pki: DemoPki,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "seal.p12"
    path.write_bytes(seal_credential.to_pkcs12(b"mat-khau"))
    loads = []
    real_load = keyfile.pkcs12.load_pkcs12

    def counting_load(*args: object) -> object:
        loads.append(args)
        return real_load(*args)  # type: ignore[arg-type]

    def no_reparse(*args: object, **kwargs: object) -> None:
        raise AssertionError("pyHanko re-parsed a private key")

    monkeypatch.setattr(keyfile.pkcs12, "load_pkcs12", counting_load)
    monkeypatch.setattr(serialization, "load_der_private_key", no_reparse)
    seal = PdfSealSigner.from_pkcs12_file(path, b"mat-khau")
    copies = [soft_copy(secondary, seal) for _ in range(3)]
    assert len(loads) == 1
    for copy in copies:
        assert verify_pdf(copy, [pki.root.certificate], at=NOW).status is Status.VALID


def test_an_ecdsa_seal_signs_too(secondary: Rendered, pki: DemoPki) -> None:
    credential = pki.organisation("Trường THCS Nam Từ Liêm", "01023456", kind="ec")
    copy = soft_copy(secondary, KeyFileSigner(credential.key, credential.chain))
    assert verify_pdf(copy, [pki.root.certificate], at=NOW).status is Status.VALID


@pytest.mark.parametrize(
    "attachments",
    [
        [("a.xml", b"1"), ("a.xml", b"2")],
        [("../a.xml", b"1")],
        [("", b"1")],
        [("lon.xml", bytes(3 * 1024 * 1024))],
    ],
)
def test_it_refuses_unacceptable_attachments(
    secondary: Rendered, seal: KeyFileSigner, attachments: list[tuple[str, bytes]]
) -> None:
    with pytest.raises(SoftCopyError):
        soft_copy(secondary, seal, attachments=attachments)


def test_garbage_is_invalid_and_has_no_attachments(pki: DemoPki) -> None:
    result = verify_pdf(b"%PDF-1.7 not really", [pki.root.certificate])
    assert result.status is Status.INVALID
    with pytest.raises(PrintingError):
        attached_packets(b"not a pdf")
    with pytest.raises(SoftCopyError):
        sign_pdf(
            b"not a pdf",
            KeyFileSigner(*_key_and_chain(pki)),
            attachments=[],
            reason=REASON,
            location="Hà Nội",
        )


def test_an_unsigned_pdf_is_invalid(primary: Rendered, pki: DemoPki) -> None:
    result = verify_pdf(primary.pdf, [pki.root.certificate])
    assert result.status is Status.INVALID
    assert [c.name for c in result.failures] == ["signature"]


def _key_and_chain(pki: DemoPki) -> tuple[object, tuple[object, ...]]:
    credential = pki.organisation("Sở GD&ĐT", "02")
    return credential.key, credential.chain


def test_the_stamp_font_is_embedded_noto_serif(signed: bytes, tmp_path: Path) -> None:
    path = tmp_path / "soft.pdf"
    path.write_bytes(signed)
    rows = [row.split() for row in run_tool("pdffonts", str(path)).splitlines()[2:]]
    names = [row[0] for row in rows]
    assert all("+NotoSerif-" in name for name in names)
    assert all(row[-5] == "yes" for row in rows)  # the "emb" column
    assert any(name.endswith("NotoSerif-Regular-Identity-H") for name in names)


def test_every_copy_names_the_seal_certificate_in_its_signed_attributes(
    secondary: Rendered, seal_credential: Credential
) -> None:
    import hashlib

    from pyhanko.pdf_utils.reader import PdfFileReader

    # The signing-certificate-v2 value is encoded once per seal and reused.
    seal = PdfSealSigner(KeyFileSigner(seal_credential.key, seal_credential.chain))
    expected = hashlib.sha256(
        seal_credential.certificate.public_bytes(serialization.Encoding.DER)
    ).digest()
    for _ in range(2):
        copy = soft_copy(secondary, seal)
        signature = PdfFileReader(io.BytesIO(copy)).embedded_signatures[0]
        attrs = {
            a["type"].native: a["values"][0]
            for a in signature.signer_info["signed_attrs"]
        }
        ess = attrs["signing_certificate_v2"]
        assert ess["certs"][0]["cert_hash"].native == expected


def _contents_hex_end(pdf: bytes) -> int:
    """The offset of the '>' closing the last signature's /Contents hex string."""
    start = pdf.rindex(b"/Contents <") + len(b"/Contents <")
    return pdf.index(b">", start)


def test_bytes_hidden_in_the_signatures_reserved_space_make_it_invalid(
    secondary: Rendered, seal: KeyFileSigner, pki: DemoPki
) -> None:
    # A timestamped copy is written by pyHanko, which reserves kilobytes of zeros
    # after the CMS: outside the signed byte range and ignored by CMS parsers.
    tsa = LocalTimestampAuthority(pki.timestamping("Hocbaso Demo TSA"), NOW)
    copy = soft_copy(secondary, PdfSealSigner(seal), timestamp_authority=tsa)
    assert verify_pdf(copy, [pki.root.certificate], at=NOW).status is Status.VALID
    end = _contents_hex_end(copy)
    assert copy[end - 8 : end] == b"00000000"
    doctored = copy[: end - 8] + b"68626173" + copy[end:]  # "hbas" in the padding

    result = verify_pdf(doctored, [pki.root.certificate], at=NOW)

    assert result.status is Status.INVALID
    assert [c.name for c in result.failures] == ["integrity"]
    assert "not part of it" in str(result.failures[0].reason)
