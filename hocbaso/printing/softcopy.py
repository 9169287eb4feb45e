"""The soft copy: the printed form signed with PAdES, the signed packets inside it.

One file carries the picture and the data (docs/printing.md): the XML packets are
embedded files of the PDF, added in the same revision as the signature, so the
signature covers them. The signature is PAdES baseline B-B (ETSI EN 319 142-1), B-T
when a timestamp authority is given, made by the registry's or the school's
organisation certificate (the seal, domain.md §8). Its visible stamp names the
organisation and the signing time in Vietnam time, typeset with the bundled Noto
Serif so every Vietnamese letter is right.

The private key stays where the hocbaso Signer loaded it (a key file read once, or a
token): pyHanko's SimpleSigner would re-parse its key for every signature, so
PdfSealSigner hands pyHanko a signature made by hocbaso's Signer.sign_digest instead.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import unicodedata
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils import embed
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign.attributes import CMSAttributeProvider, SigningCertificateV2Provider
from pyhanko.sign.signers.pdf_signer import PdfSigningSession
from pyhanko.sign.timestamps.api import TimeStamper
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator.registry import SimpleCertificateStore

from hocbaso.printing import _cms, _fastpades, _sync
from hocbaso.printing._format import VIETNAM, time_text
from hocbaso.printing._stampfont import STAMP_FONT
from hocbaso.printing.errors import SoftCopyError
from hocbaso.printing.longterm import (
    DOCUMENT_TIMESTAMP_FIELD,
    LongTermSetup,
    ValidationData,
)
from hocbaso.signing import KeyFileSigner, SignatureAlgorithm, Signer, SigningError
from hocbaso.signing.algorithms import ecdsa_raw_to_der
from hocbaso.signing.timestamp import TimestampAuthority

FIELD_NAME = "HocBaSo"
# The stamp sits on the cover, bottom right, above the footer, where both covers
# leave the page empty (points from the bottom-left corner of the A4 page).
STAMP_PAGE = 0
STAMP_BOX = (318, 118, 553, 180)
STAMP_RED = (0.66, 0.07, 0.11)
# Room for the CMS signature (a seal certificate, its chain of one or two CAs, RSA
# up to 4096 bits): such a container is under 8 KiB.
SIGNATURE_BYTES = 12 * 1024
# Embedded packets are XML; anything else is refused rather than carried unread.
MAX_ATTACHMENT_BYTES = 2 * 1024 * 1024
ATTACHMENT_DESCRIPTION = "Gói dữ liệu học bạ đã ký số (XML)"


class PdfSealSigner(signers.Signer):
    """A pyHanko signer over a hocbaso Signer (key file, token, …), built once.

    The certificates are converted once and the key is never touched here: each
    signature is one call to the wrapped signer's sign_digest (SHA-256 only).
    """

    def __init__(self, signer: Signer) -> None:
        chain = [
            asn1_x509.Certificate.load(c.public_bytes(Encoding.DER))
            for c in signer.certificate_chain
        ]
        super().__init__(
            signing_cert=chain[0],
            cert_registry=SimpleCertificateStore.from_certs(chain),  # type: ignore[no-untyped-call]
        )
        self._signer = signer
        self._chain = chain
        self._cms_parts: _cms.SealParts | None = None
        subject = signer.certificate_chain[0].subject
        names = subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME) or (
            subject.get_attributes_for_oid(NameOID.COMMON_NAME)
        )
        self.organisation = str(names[0].value) if names else subject.rfc4514_string()
        self._timestampers: dict[int, tuple[TimestampAuthority, TimeStamper]] = {}
        # Set by whoever configures the seal: its copies are then B-LTA.
        self.long_term: LongTermSetup | None = None

    @classmethod
    def from_pkcs12_file(
        cls, path: Path | str, password: bytes | None
    ) -> PdfSealSigner:
        """Read a .p12/.pfx seal once; SoftCopyError when it cannot be read."""
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise SoftCopyError(f"cannot read the seal's key file: {exc}") from exc
        return cls(KeyFileSigner.from_pkcs12(data, password))

    async def async_sign_raw(
        self, data: bytes, digest_algorithm: str, dry_run: bool = False
    ) -> bytes:
        """Sign data's SHA-256 with the wrapped signer; DER for ECDSA (RFC 5753)."""
        if digest_algorithm != "sha256":
            raise SoftCopyError(f"the seal signs SHA-256 only, not {digest_algorithm}")
        if dry_run:
            return bytes(72 if self._is_ecdsa else 512)
        return self.sign_attributes(data)

    @property
    def _is_ecdsa(self) -> bool:
        return self._signer.algorithm is SignatureAlgorithm.ECDSA_SHA256

    def sign_attributes(self, data: bytes) -> bytes:
        """The signature value over data's SHA-256 (DER for ECDSA, RFC 5753)."""
        value = self._signer.sign_digest(hashlib.sha256(data).digest())
        return ecdsa_raw_to_der(value) if self._is_ecdsa else value

    def cms_parts(self) -> _cms.SealParts:
        """The parts of this seal's CMS signatures that never change, encoded once."""
        if self._cms_parts is None:
            key = self._signer.certificate_chain[0].public_key()
            if isinstance(key, rsa.RSAPublicKey):
                size = (key.key_size + 7) // 8
            elif isinstance(key, ec.EllipticCurvePublicKey):
                octets = (key.curve.key_size + 7) // 8
                size = len(ecdsa_raw_to_der(b"\xff" * (2 * octets)))
            else:
                raise SoftCopyError("the seal's key is neither RSA nor ECDSA")
            self._cms_parts = _cms.SealParts.of(self._chain, self._is_ecdsa, size)
        return self._cms_parts

    def _signed_attr_providers(self, *args: Any, **kwargs: Any) -> Any:
        """pyHanko's signed attribute providers, the signing-certificate-v2 one
        answered from bytes encoded once: asn1crypto re-encodes a freshly built
        value on every signature (the issuer's name, nested), which cost more than
        the RSA signature itself."""
        for provider in super()._signed_attr_providers(*args, **kwargs):
            if isinstance(provider, SigningCertificateV2Provider):
                yield _EncodedOnce(provider, self)
            else:
                yield provider

    def timestamper(self, authority: TimestampAuthority) -> TimeStamper:
        """The pyHanko time stamper of an authority, kept so its size probe (one
        dummy request) is made once per authority, not once per document."""
        known = self._timestampers.get(id(authority))
        if known is None:
            known = (authority, AuthorityTimeStamper(authority))
            self._timestampers[id(authority)] = known
        return known[1]


class _EncodedOnce(CMSAttributeProvider):
    """A signing-certificate-v2 provider whose value is parsed from cached bytes."""

    attribute_type = "signing_certificate_v2"

    def __init__(self, inner: SigningCertificateV2Provider, seal: PdfSealSigner):
        self._inner, self._seal = inner, seal

    async def build_attr_value(self, dry_run: bool = False) -> Any:
        cached = getattr(self._seal, "_ess_der", None)
        if cached is None:
            value = await self._inner.build_attr_value(dry_run)
            cached = self._seal._ess_der = value.dump()
        return tsp.SigningCertificateV2.load(cached)


class AuthorityTimeStamper(TimeStamper):
    """pyHanko's TimeStamper over hocbaso's TimestampAuthority (DER in, DER out)."""

    def __init__(self, authority: TimestampAuthority) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._authority = authority

    async def async_request_tsa_response(
        self, req: tsp.TimeStampReq
    ) -> tsp.TimeStampResp:
        answer = await asyncio.to_thread(self._authority.timestamp, req.dump())
        return tsp.TimeStampResp.load(answer)


def sign_pdf(
    pdf: bytes,
    signer: PdfSealSigner | Signer,
    *,
    attachments: Sequence[tuple[str, bytes]],
    reason: str,
    location: str,
    stamp_text: str | None = None,
    timestamp_authority: TimestampAuthority | None = None,
    signing_time: datetime | None = None,
    validation: ValidationData | None = None,
    document_timestamp: bool = True,
) -> bytes:
    """The soft copy: pdf with the attachments embedded, signed PAdES B-B (B-T with
    a timestamp authority), and a visible stamp on the cover.

    With validation data and an authority it is B-LTA: the revocation data of
    the seal's and the TSA's chains in the DSS, then a document timestamp
    (longterm.py); document_timestamp=False stops at B-LT.

    attachments are (file name, bytes), typically the signed XML packets; they are
    embedded sorted by name (a PDF name tree is sorted). stamp_text replaces the
    default stamp (organisation, time, reason, place). Build one PdfSealSigner and
    reuse it for a batch. Raises SoftCopyError.
    """
    seal = signer if isinstance(signer, PdfSealSigner) else PdfSealSigner(signer)
    if validation is not None and timestamp_authority is None:
        raise SoftCopyError("PAdES B-LT needs a timestamp authority (HOCBASO_TSA_URL)")
    moment = (signing_time or datetime.now(UTC)).astimezone(UTC)
    text = stamp_text or _default_stamp(seal.organisation, moment, reason, location)
    _check_attachments(attachments)
    if timestamp_authority is None:
        signature = _fastpades.Signature(
            field=FIELD_NAME,
            box=STAMP_BOX,
            stamp=unicodedata.normalize("NFC", text),
            organisation=seal.organisation,
            reason=reason,
            location=location,
            moment=moment,
            description=ATTACHMENT_DESCRIPTION,
        )
        direct = _sign_directly(pdf, seal, attachments, signature)
        if direct is not None:
            return direct
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        _embed(writer, attachments, moment)
        pdf_signer = _TimedPdfSigner(
            signers.PdfSignatureMetadata(
                field_name=FIELD_NAME,
                md_algorithm="sha256",
                subfilter=fields.SigSeedSubFilter.PADES,
                reason=reason,
                location=location,
                name=seal.organisation,
                **_long_term(validation, moment, document_timestamp),
            ),
            signer=seal,
            timestamper=seal.timestamper(timestamp_authority)
            if timestamp_authority
            else None,
            stamp_style=_stamp_style(text),
            new_field_spec=fields.SigFieldSpec(
                FIELD_NAME, on_page=STAMP_PAGE, box=STAMP_BOX
            ),
            signing_time=moment.astimezone(VIETNAM),
        )
        # A known reservation spares pyHanko a dry-run signature to size it; with a
        # timestamp the token's size is unknown, so pyHanko measures it.
        reserved = None if timestamp_authority else SIGNATURE_BYTES
        out = _sync.run(pdf_signer.async_sign_pdf, writer, bytes_reserved=reserved)
    except SoftCopyError:
        raise
    except Exception as exc:  # pyHanko raises many kinds on a bad PDF or TSA
        raise SoftCopyError(f"the soft copy could not be signed: {exc}") from exc
    return bytes(out.getbuffer())


def _sign_directly(
    pdf: bytes,
    seal: PdfSealSigner,
    attachments: Sequence[tuple[str, bytes]],
    signature: _fastpades.Signature,
) -> bytes | None:
    """PAdES B-B written by _fastpades, or None for a file it does not write to."""
    base = _fastpades.prepare(pdf)
    if base is None:
        return None
    try:
        return _fastpades.sign(
            base, attachments, signature, seal.cms_parts(), seal.sign_attributes
        )
    except (SigningError, ValueError) as exc:
        raise SoftCopyError(f"the soft copy could not be signed: {exc}") from exc


def _long_term(
    validation: ValidationData | None, moment: datetime, archival: bool
) -> dict[str, Any]:
    """The metadata of B-LT (validation data in the DSS) and B-LTA (then a
    document timestamp); none for B-B and B-T."""
    if validation is None:
        return {}
    return {
        "embed_validation_info": True,
        "use_pades_lta": archival,
        "timestamp_field_name": f"{DOCUMENT_TIMESTAMP_FIELD}1",
        "validation_context": validation.context(moment),
    }


class _TimedPdfSigner(signers.PdfSigner):
    """A PdfSigner whose signing time is the one the stamp prints, in Vietnam time
    (pyHanko otherwise takes the host's clock and zone)."""

    def __init__(self, *args: object, signing_time: datetime, **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._signing_time = signing_time

    def init_signing_session(
        self, pdf_out: object, existing_fields_only: bool = False
    ) -> PdfSigningSession:
        session = super().init_signing_session(pdf_out, existing_fields_only)  # type: ignore[arg-type]
        session.system_time = self._signing_time
        return session


def _default_stamp(
    organisation: str, moment: datetime, reason: str, location: str
) -> str:
    return (
        f"Đã ký số bởi: {organisation}\n"
        f"Thời gian ký: {time_text(moment)}\n"
        f"Lý do: {reason}\nNơi ký: {location}"
    )


def _stamp_style(text: str) -> TextStampStyle:
    # pyHanko fills "%(name)s" parameters in the stamp text: escape every "%".
    return TextStampStyle(
        stamp_text=unicodedata.normalize("NFC", text).replace("%", "%%"),
        text_box_style=TextBoxStyle(font=STAMP_FONT, text_color=STAMP_RED),
        border_width=1,
        border_color=STAMP_RED,
        background=None,
    )


def _check_attachments(attachments: Sequence[tuple[str, bytes]]) -> None:
    names = [name for name, _ in attachments]
    if len(set(names)) != len(names):
        raise SoftCopyError("two attachments have the same name")
    for name, data in attachments:
        if not name or "/" in name or "\\" in name or len(name) > 120:
            raise SoftCopyError(f"unacceptable attachment name {name!r}")
        if len(data) > MAX_ATTACHMENT_BYTES:
            raise SoftCopyError(f"attachment {name!r} is larger than 2 MiB")


def _embed(
    writer: IncrementalPdfFileWriter,
    attachments: Sequence[tuple[str, bytes]],
    moment: datetime,
) -> None:
    for name, data in sorted(attachments):
        stream = embed.EmbeddedFileObject.from_file_data(
            writer,
            data=data,
            mime_type="application/xml" if name.endswith(".xml") else None,
            params=embed.EmbeddedFileParams(
                creation_date=moment, modification_date=moment
            ),
        )
        spec = embed.FileSpec(
            file_spec_string=name,
            file_name=name,
            embedded_data=stream,
            description=ATTACHMENT_DESCRIPTION,
        )
        embed.embed_file(writer, spec)
