"""Soft copies that verify for decades: PAdES B-LT, B-LTA, and re-timestamping.

ETSI EN 319 142-1 §5.4-5.5: a B-LT copy carries, in its Document Security Store
(DSS), the certificates and revocation data (CRLs, OCSP answers) of every
certificate in its signature's chain and in its timestamp's; a B-LTA copy adds a
document timestamp over all of it. A verifier then needs no network and no
certificate still valid: the document timestamp proves the validation data existed
while the certificates were good, and the signature is checked at that time.

The last document timestamp is only as good as its authority's certificate and
algorithms; before that certificate expires, the archive adds a new document
timestamp with fresh validation data for the previous one (retimestamp_pdf, and
hocbaso.printing.archive for files on disk).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from asn1crypto import crl as asn1_crl
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.signers.pdf_signer import PdfTimeStamper
from pyhanko_certvalidator import ValidationContext

from hocbaso.printing import _sync
from hocbaso.printing.errors import SoftCopyError
from hocbaso.signing import TrustStore
from hocbaso.signing.timestamp import TimestampAuthority

DOCUMENT_TIMESTAMP_FIELD = "HocBaSoLuuTru"


@dataclass(frozen=True)
class ValidationData:
    """Where the revocation data a copy embeds comes from.

    trust_roots end every path; crls are the current lists of the CAs in the seal's
    and the TSA's chains (the trust store's, kept fresh by the operator); fetch lets
    pyHanko fetch CRLs and OCSP answers named in the certificates (production with
    a licensed CA; the demo certificates name none).
    """

    trust_roots: tuple[x509.Certificate, ...]
    intermediates: tuple[x509.Certificate, ...] = ()
    crls: tuple[x509.CertificateRevocationList, ...] = ()
    fetch: bool = False

    @classmethod
    def from_trust_store(
        cls, store: TrustStore, *, fetch: bool = False
    ) -> ValidationData:
        """The anchors, intermediates and CRLs of a hocbaso trust store."""
        return cls(
            tuple(store.anchors),
            store_intermediates(store),
            store_crls(store),
            fetch,
        )

    def context(self, moment: datetime | None = None) -> ValidationContext:
        """A validation context that requires revocation data for every certificate,
        so that what it collected can be embedded."""
        return ValidationContext(
            trust_roots=[to_asn1(c) for c in self.trust_roots],
            other_certs=[to_asn1(c) for c in self.intermediates],
            crls=[
                asn1_crl.CertificateList.load(c.public_bytes(Encoding.DER))
                for c in self.crls
            ],
            allow_fetching=self.fetch,
            revocation_mode="require",
            moment=moment,
        )


@dataclass(frozen=True)
class LongTermSetup:
    """What a B-LTA copy needs beyond the seal: the timestamp authority and where
    the revocation data comes from (HOCBASO_TSA_URL and the trust store)."""

    authority: TimestampAuthority
    validation: ValidationData


def to_asn1(certificate: x509.Certificate) -> asn1_x509.Certificate:
    """A cryptography certificate as asn1crypto's (pyHanko's) type."""
    return asn1_x509.Certificate.load(certificate.public_bytes(Encoding.DER))


def document_timestamps(pdf: bytes) -> list[tuple[datetime, x509.Certificate]]:
    """Each document timestamp of a copy, oldest first: its time and the TSA's
    certificate. Raises SoftCopyError when the file cannot be read."""
    try:
        return timestamps_in(PdfFileReader(io.BytesIO(pdf), strict=False))
    except Exception as exc:  # pyHanko raises many kinds on a broken file
        raise SoftCopyError(f"the copy's timestamps cannot be read: {exc}") from exc


def timestamps_in(reader: PdfFileReader) -> list[tuple[datetime, x509.Certificate]]:
    """document_timestamps of an open file; pyHanko's errors are not caught."""
    found = []
    for stamp in reader.embedded_timestamp_signatures:
        info = stamp.signed_data["encap_content_info"]["content"].parsed
        certificate = x509.load_der_x509_certificate(stamp.signer_cert.dump())
        found.append((info["gen_time"].native, certificate))
    return sorted(found, key=lambda pair: pair[0])


def is_due(pdf: bytes, *, now: datetime, within_days: int) -> bool:
    """True when the copy's last document timestamp rests on a TSA certificate that
    expires within within_days of now (or has expired): time to re-timestamp.

    A copy without a document timestamp (B-B, B-T) is never due: re-timestamping
    extends a chain, it cannot start one for certificates that may have expired.
    """
    stamps = document_timestamps(pdf)
    if not stamps:
        return False
    expires = stamps[-1][1].not_valid_after_utc
    return (expires - now.astimezone(UTC)).days < within_days


def retimestamp_pdf(
    pdf: bytes,
    authority: TimestampAuthority,
    validation: ValidationData,
    *,
    moment: datetime | None = None,
) -> bytes:
    """The copy with the last timestamp's validation data added to its DSS and a new
    document timestamp over everything (an incremental update: the signature and
    the earlier timestamps are untouched). moment is the time the last timestamp
    is validated at (now by default). Raises SoftCopyError, also when the last
    timestamp no longer validates (then it is too late to extend the chain).
    """
    from hocbaso.printing.softcopy import AuthorityTimeStamper

    stamps = document_timestamps(pdf)
    when = (moment or datetime.now(UTC)).astimezone(UTC)
    if stamps and stamps[-1][1].not_valid_after_utc <= when:
        expired = stamps[-1][1].not_valid_after_utc.date().isoformat()
        raise SoftCopyError(
            "the copy could not be re-timestamped: its last timestamp's authority "
            f"certificate expired on {expired}, too late to extend the chain"
        )
    stamper = PdfTimeStamper(
        AuthorityTimeStamper(authority), field_name=_next_field_name(pdf)
    )
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        out = _sync.run(
            stamper.async_update_archival_timestamp_chain,
            reader,
            validation.context(moment),
            in_place=False,
            output=io.BytesIO(),
        )
    except Exception as exc:  # pyHanko raises many kinds on a bad file or chain
        raise SoftCopyError(f"the copy could not be re-timestamped: {exc}") from exc
    return bytes(out.getbuffer())


def _next_field_name(pdf: bytes) -> str:
    count = len(document_timestamps(pdf))
    return f"{DOCUMENT_TIMESTAMP_FIELD}{count + 1}"


def with_roots(
    roots: TrustStore | Sequence[x509.Certificate],
) -> tuple[x509.Certificate, ...]:
    """The anchors of a trust store or a list of roots."""
    return tuple(roots.anchors if isinstance(roots, TrustStore) else roots)


def store_intermediates(store: TrustStore) -> tuple[x509.Certificate, ...]:
    """The certificates of a trust store that are not anchors."""
    return store.intermediates()


def store_crls(store: TrustStore) -> tuple[x509.CertificateRevocationList, ...]:
    """Every CRL a trust store holds."""
    return store.crls()
