"""Soft copies that verify for decades: PAdES B-LT, B-LTA, re-timestamping, and a
validation years later, once every certificate of the signature has expired."""

from __future__ import annotations

import io
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.pdf_utils.reader import PdfFileReader

from hocbaso.printing import PdfSealSigner, SoftCopyError, sign_pdf, verify_pdf
from hocbaso.printing.longterm import (
    ValidationData,
    document_timestamps,
    is_due,
    retimestamp_pdf,
)
from hocbaso.printing.tests.helpers import NOW, Rendered, run_tool
from hocbaso.printing.tests.test_softcopy import packets_of, soft_copy
from hocbaso.signing import KeyFileSigner, Status, TrustStore
from hocbaso.signing.pki import Credential, DemoPki, _name, create_demo_pki
from hocbaso.signing.tests.tsa import LocalTimestampAuthority

# The seal's certificate lives a year (to NOW + 335 days); the issuing CA to
# NOW + 9 years; a TSA certificate, as the licensed ones, most of a decade.
YEARS_LATER = NOW + timedelta(days=3 * 365)


def tsa_at(pki: DemoPki, name: str, at: datetime, days: int) -> Credential:
    """A TSA certificate issued at `at` for `days`."""
    return pki.issuing.issue(
        _name(name, organisation=name),
        key_usage="timestamping",
        valid_from=at - timedelta(days=1),
        valid_days=days,
    )


def crls_at(pki: DemoPki, at: datetime) -> tuple[x509.CertificateRevocationList, ...]:
    """The CAs' CRLs as they would publish them at `at` (fresh then)."""
    before = pki.root.now, pki.issuing.now
    pki.root.now = pki.issuing.now = at
    try:
        return pki.root.crl(), pki.issuing.crl()
    finally:
        pki.root.now, pki.issuing.now = before


def data_at(pki: DemoPki, at: datetime) -> ValidationData:
    return ValidationData(
        (pki.root.certificate,), (pki.issuing.certificate,), crls_at(pki, at)
    )


def store_at(pki: DemoPki, at: datetime) -> TrustStore:
    """The verifier's trust store at `at`: the root and the CRLs published then."""
    return TrustStore(
        [pki.root.certificate],
        intermediates=[pki.issuing.certificate],
        crls=crls_at(pki, at),
    )


@pytest.fixture(scope="module")
def tsa(pki: DemoPki) -> LocalTimestampAuthority:
    return LocalTimestampAuthority(tsa_at(pki, "Hocbaso TSA", NOW, 3000), NOW)


@pytest.fixture(scope="module")
def seal_signer(seal: KeyFileSigner) -> PdfSealSigner:
    return PdfSealSigner(seal)


@pytest.fixture(scope="module")
def lta_copy(
    secondary: Rendered,
    seal_signer: PdfSealSigner,
    pki: DemoPki,
    tsa: LocalTimestampAuthority,
) -> bytes:
    return soft_copy(
        secondary, seal_signer, timestamp_authority=tsa, validation=data_at(pki, NOW)
    )


def dss_of(pdf: bytes) -> dict:
    return PdfFileReader(io.BytesIO(pdf)).root["/DSS"]


def test_a_b_lt_copy_carries_the_chains_revocation_data_in_its_dss(
    secondary: Rendered,
    seal_signer: PdfSealSigner,
    pki: DemoPki,
    tsa: LocalTimestampAuthority,
) -> None:
    copy = soft_copy(
        secondary,
        seal_signer,
        timestamp_authority=tsa,
        validation=data_at(pki, NOW),
        document_timestamp=False,
    )
    dss = dss_of(copy)
    issuers = {
        x509.load_der_x509_crl(stream.get_object().data).issuer
        for stream in dss["/CRLs"]
    }
    assert issuers == {pki.root.certificate.subject, pki.issuing.certificate.subject}
    assert len(dss["/Certs"]) >= 3  # the seal, the issuing CA, the TSA
    assert document_timestamps(copy) == []
    assert verify_pdf(copy, [pki.root.certificate], at=NOW).status is Status.VALID


def test_a_b_lta_copy_has_a_document_timestamp_over_the_validation_data(
    lta_copy: bytes, pki: DemoPki, tsa: LocalTimestampAuthority
) -> None:
    ((moment, certificate),) = document_timestamps(lta_copy)
    assert moment == NOW
    assert certificate == tsa.credential.certificate
    assert "/CRLs" in dss_of(lta_copy)
    result = verify_pdf(lta_copy, [pki.root.certificate], at=NOW)
    assert result.status is Status.VALID, result.failures
    assert "document_timestamp" in {c.name for c in result.checks}


def test_long_term_needs_a_timestamp_authority(
    secondary: Rendered, seal_signer: PdfSealSigner, pki: DemoPki
) -> None:
    with pytest.raises(SoftCopyError, match="timestamp authority"):
        soft_copy(secondary, seal_signer, validation=data_at(pki, NOW))


def test_it_verifies_years_after_the_seal_expired_with_the_timestamps_time(
    lta_copy: bytes, pki: DemoPki, seal: KeyFileSigner
) -> None:
    assert seal.certificate_chain[0].not_valid_after_utc < YEARS_LATER
    result = verify_pdf(lta_copy, store_at(pki, YEARS_LATER), at=YEARS_LATER)
    assert result.status is Status.VALID, result.failures
    assert result.signatures[0].timestamp == NOW
    chain = next(c for c in result.checks if c.name == "chain")
    assert NOW.isoformat() in chain.reason


def test_a_copy_without_lta_can_no_longer_be_validated_once_expired(
    secondary: Rendered,
    seal_signer: PdfSealSigner,
    pki: DemoPki,
    tsa: LocalTimestampAuthority,
) -> None:
    copy = soft_copy(secondary, seal_signer, timestamp_authority=tsa)  # B-T
    assert verify_pdf(copy, [pki.root.certificate], at=NOW).status is Status.VALID
    result = verify_pdf(copy, store_at(pki, YEARS_LATER), at=YEARS_LATER)
    assert result.status is not Status.VALID
    (chain,) = [c for c in result.failures if c.name == "chain"]
    assert "can no longer be validated" in chain.reason


def test_a_doctored_lta_copy_is_invalid_years_later(
    lta_copy: bytes, pki: DemoPki
) -> None:
    doctored = bytearray(lta_copy)
    doctored[len(lta_copy) // 3] ^= 0x01
    result = verify_pdf(bytes(doctored), store_at(pki, YEARS_LATER), at=YEARS_LATER)
    assert result.status is Status.INVALID


def test_re_timestamping_adds_a_second_document_timestamp_and_still_verifies(
    secondary: Rendered,
) -> None:
    start = NOW
    pki = create_demo_pki(now=start)
    seal = pki.organisation("Sở Giáo dục và Đào tạo Hà Nội", "01")
    short = LocalTimestampAuthority(tsa_at(pki, "TSA 1", start, 400), start)
    copy = sign_pdf(
        secondary.pdf,
        KeyFileSigner(seal.key, seal.chain),
        attachments=packets_of(secondary),
        reason="Bản sao điện tử học bạ",
        location="Hà Nội",
        timestamp_authority=short,
        validation=data_at(pki, start),
        signing_time=start,
    )
    renewal = start + timedelta(days=300)
    fresh = LocalTimestampAuthority(tsa_at(pki, "TSA 2", renewal, 3000), renewal)
    assert is_due(copy, now=renewal, within_days=180)
    renewed = retimestamp_pdf(copy, fresh, data_at(pki, renewal), moment=renewal)
    assert [t for t, _ in document_timestamps(renewed)] == [start, renewal]
    assert not is_due(renewed, now=renewal, within_days=180)
    checked = renewal + timedelta(days=1)
    result = verify_pdf(renewed, store_at(pki, checked), at=checked)
    assert result.status is Status.VALID, result.failures
    assert [c.name for c in result.checks].count("document_timestamp") == 2
    assert [name for name, _ in result.attachments] == [
        name for name, _ in sorted(packets_of(secondary))
    ]


def test_a_copy_whose_last_timestamp_expired_cannot_be_re_timestamped(
    secondary: Rendered, seal_signer: PdfSealSigner, pki: DemoPki
) -> None:
    short = LocalTimestampAuthority(tsa_at(pki, "TSA 3", NOW, 400), NOW)
    copy = soft_copy(
        secondary, seal_signer, timestamp_authority=short, validation=data_at(pki, NOW)
    )
    late = NOW + timedelta(days=800)
    fresh = LocalTimestampAuthority(tsa_at(pki, "TSA 4", late, 3000), late)
    with pytest.raises(SoftCopyError, match="re-timestamped"):
        retimestamp_pdf(copy, fresh, data_at(pki, late), moment=late)


def test_pdfsig_agrees_at_the_signing_date_and_reads_the_expiry_years_later(
    lta_copy: bytes, pki: DemoPki, tmp_path: Path
) -> None:
    # poppler 22.12 checks the signature and the chain at the host's clock (set
    # with faketime), does not implement document timestamps ("Unable to validate
    # this type of signature") and reads no DSS: years later it says the seal's
    # certificate has expired, where the project's verifier uses the timestamps.
    assert shutil.which("faketime"), "faketime is missing: run scripts/system-deps"
    path, nss = tmp_path / "lta.pdf", tmp_path / "nss"
    path.write_bytes(lta_copy)
    root = tmp_path / "root.pem"
    root.write_bytes(pki.root.certificate.public_bytes(Encoding.PEM))
    nss.mkdir()
    run_tool("certutil", "-N", "-d", f"sql:{nss}", "--empty-password")
    run_tool(
        "certutil",
        "-A",
        "-d",
        f"sql:{nss}",
        "-n",
        "root",
        "-t",
        "CT,C,C",
        "-i",
        str(root),
    )
    then = run_tool(
        "faketime", "2025-06-26 00:00:00", "pdfsig", "-nssdir", f"sql:{nss}", str(path)
    )
    later = run_tool(
        "faketime",
        YEARS_LATER.strftime("%Y-%m-%d %H:%M:%S"),
        "pdfsig",
        "-nssdir",
        f"sql:{nss}",
        str(path),
    )
    assert "Signature is Valid." in then and "Certificate is Trusted." in then
    assert "Signature is Valid." in later and "Certificate has Expired" in later
    ours = verify_pdf(lta_copy, store_at(pki, YEARS_LATER), at=YEARS_LATER)
    assert ours.status is Status.VALID
