"""Checking a soft copy: its PAdES signature, its trust, its attached packets.

verify_pdf never raises for a bad file and never uses the network: the trust roots
are given, no certificate or CRL is fetched. It answers with the vocabulary of
hocbaso.signing (Status valid / invalid / indeterminate, Checks with reasons), so the
portal shows a soft copy's checks the way it shows a packet's. The attached packets
come back as bytes: verify them with hocbaso.signing.verify_packet.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from cryptography import x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import (
    EmbeddedPdfSignature,
    async_validate_pdf_signature,
)
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from hocbaso.packet import PacketError, build_packet, parse_packet
from hocbaso.printing import _sync
from hocbaso.printing._attachments import read_attachments as _read_attachments
from hocbaso.printing._budget import (
    LIMITS,
    MESSAGES,
    Budget,
    BudgetExceededError,
    Limits,
    prescan,
)
from hocbaso.printing._ltv import document_timestamp_check, long_term_checks
from hocbaso.printing._padding import PADDED as _PADDED
from hocbaso.printing._padding import contents_exact as _contents_exact
from hocbaso.printing.errors import PrintingError
from hocbaso.printing.longterm import to_asn1
from hocbaso.printing.render import DIGEST_KEYWORD, content_digest
from hocbaso.signing import Check, Reason, Status, TrustStore, VerificationFailedError
from hocbaso.signing.result import status_of

# A reason is marked for translation and worded where it is shown (in the
# reader's language): the portal's page, its JSON and the offline verifier.
_ = Reason

# Larger uploads are refused before parsing (a transcript's soft copy is < 2 MiB).
MAX_PDF_BYTES = 20 * 1024 * 1024
# Updates after the signature that leave it valid: none, or validation data (DSS,
# document timestamps) added for long-term validation.
_HARMLESS = (ModificationLevel.NONE, ModificationLevel.LTA_UPDATES)
# pyHanko's indications of a certificate expired at the validation time.
_EXPIRED = ("OUT_OF_BOUNDS_NO_POE", "OUT_OF_BOUNDS_NOT_REVOKED", "EXPIRED")


@dataclass(frozen=True, slots=True)
class PdfSignatureReport:
    """One PDF signature as found: who signed, when, and the proven time if any."""

    field_name: str
    signer: str
    organisation: str
    issuer: str
    signing_time: datetime | None
    timestamp: datetime | None


@dataclass(frozen=True)
class PdfVerificationResult:
    """The answer for one soft copy, with the packets it carries."""

    status: Status
    checks: tuple[Check, ...]
    signatures: tuple[PdfSignatureReport, ...] = ()
    attachments: tuple[tuple[str, bytes], ...] = ()
    refused_code: str | None = None
    refused_params: Mapping[str, int | float] = field(default_factory=dict)

    @property
    def failures(self) -> tuple[Check, ...]:
        """The checks that did not pass."""
        return tuple(c for c in self.checks if not c.ok)

    @property
    def refused_template(self) -> str:
        """The refusal's sentence before refused_params fill it, to translate."""
        return MESSAGES[self.refused_code] if self.refused_code else ""

    def raise_for_status(self) -> None:
        """Raise VerificationFailedError with the reasons unless the status is valid."""
        if self.status is Status.VALID:
            return
        reasons = "; ".join(f"{c.name}: {c.reason}" for c in self.failures)
        raise VerificationFailedError(
            f"the soft copy is {self.status.value}: {reasons}"
        )


def verify_pdf(
    pdf: bytes,
    trust_roots: TrustStore | Sequence[x509.Certificate],
    *,
    at: datetime | None = None,
    intermediates: Sequence[x509.Certificate] = (),
    limits: Limits = LIMITS,
    clock: Callable[[], float] = time.monotonic,
) -> PdfVerificationResult:
    """Check every signature of a soft copy against trust_roots (at a moment, now by
    default), that nothing changed after signing, and that the printed content
    digest matches the attached packets.

    intermediates help build paths; the certificates a signature carries help too,
    also for its timestamp (a TSA token often carries only the TSA's certificate).
    A file that costs more than limits (_budget.py) is refused with the stable code
    in refused_code and nothing else checked or returned.
    """
    if len(pdf) > MAX_PDF_BYTES:
        return _refused("syntax", "the file is larger than 20 MiB")
    budget = Budget(limits, clock)
    try:
        return _verify(pdf, trust_roots, at, intermediates, budget)
    except BudgetExceededError as exc:
        return PdfVerificationResult(
            Status.INVALID,
            (_fail("budget", str(exc)),),
            refused_code=exc.code,
            refused_params=exc.params,
        )


def _verify(
    pdf: bytes,
    trust_roots: TrustStore | Sequence[x509.Certificate],
    at: datetime | None,
    intermediates: Sequence[x509.Certificate],
    budget: Budget,
) -> PdfVerificationResult:
    try:
        reader = _open(pdf, budget)
        embedded = list(reader.embedded_signatures)
    except BudgetExceededError:
        raise
    except Exception as exc:  # pyHanko raises many kinds on a hostile file
        return _refused("syntax", f"the file is not a readable PDF: {exc}")
    if not embedded:
        return _refused("signature", "the PDF carries no signature")
    budget.count("PDF_TOO_MANY_SIGNATURES", len(embedded), budget.limits.signatures)
    try:
        attachments = tuple(_read_attachments(reader, budget))
    except BudgetExceededError:
        raise
    except Exception as exc:  # a broken name tree is a broken file
        return _refused("syntax", f"the attachments cannot be read: {exc}")
    checks: list[Check] = []
    reports: list[PdfSignatureReport] = []
    archived = bool(reader.embedded_timestamp_signatures)
    for signature in embedded:
        budget.check_time()
        budget.count(
            "PDF_TOO_MANY_CERTIFICATES",
            _carried_count(signature),
            budget.limits.certificates,
        )
        if not _contents_exact(signature.pkcs7_content):
            checks.append(_fail("integrity", _PADDED, signature.field_name))
            continue
        if signature.sig_object_type == "/DocTimeStamp":
            checks.append(document_timestamp_check(signature, trust_roots))
            continue
        found = _signature(signature, trust_roots, at, intermediates, reports)
        if archived:
            found, proven = long_term_checks(
                signature, found, trust_roots, at, intermediates
            )
            _date_report(reports, signature.field_name, proven)
        checks += found
    budget.check_time()
    checks.append(_content_check(reader, attachments))
    return PdfVerificationResult(
        status_of(checks), tuple(checks), tuple(reports), attachments
    )


def attached_packets(pdf: bytes, *, limits: Limits = LIMITS) -> list[tuple[str, bytes]]:
    """The embedded files of a PDF as (name, bytes), in the order of its name tree.

    Raises PrintingError when the file cannot be read, BudgetExceededError (a
    PrintingError) when it costs more than limits. It does not verify anything:
    use verify_pdf for that.
    """
    budget = Budget(limits)
    try:
        return _read_attachments(_open(pdf, budget), budget)
    except PrintingError:
        raise
    except Exception as exc:  # pyHanko raises many kinds on a hostile file
        raise PrintingError(f"the attachments cannot be read: {exc}") from exc


def _open(pdf: bytes, budget: Budget) -> PdfFileReader:
    """The reader, once the file's revisions and objects are within the budget."""
    prescan(pdf, budget)
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    xrefs = reader.xrefs
    limits = budget.limits
    budget.count("PDF_TOO_MANY_REVISIONS", xrefs.total_revisions, limits.revisions)
    objects = sum(
        len(list(xrefs.explicit_refs_in_revision(r)))
        for r in range(xrefs.total_revisions)
    )
    budget.count("PDF_TOO_MANY_OBJECTS", objects, limits.objects)
    return reader


def _carried_count(signature: EmbeddedPdfSignature) -> int:
    """How many certificates the signature's CMS carries (0 if unreadable: the
    signature's own check then says so)."""
    try:
        return len(signature.signed_data["certificates"] or ())
    except Exception:  # a malformed CMS is reported by _signature
        return 0


def _signature(
    signature: EmbeddedPdfSignature,
    trust_roots: TrustStore | Sequence[x509.Certificate],
    at: datetime | None,
    intermediates: Sequence[x509.Certificate],
    reports: list[PdfSignatureReport],
) -> list[Check]:
    """The checks of one signature; its report is appended to reports."""
    try:
        carried = list(signature.signed_data["certificates"] or ())
        context = _context(trust_roots, at, intermediates, carried)
        status = _sync.run(
            async_validate_pdf_signature,
            signature,
            signer_validation_context=context,
            ts_validation_context=context,
            key_usage_settings=_KEY_USAGE,
        )
    except Exception as exc:  # a malformed signature dictionary or CMS
        return [
            _fail(
                "integrity",
                _("the signature cannot be read: {error}").format(error=exc),
            )
        ]
    reports.append(_report(signature.field_name, status))
    return _signature_checks(signature.field_name, status)


def _date_report(
    reports: list[PdfSignatureReport], name: str, proven: datetime | None
) -> None:
    """The signature's report dated by the time the document timestamps proved."""
    if proven is not None and reports and reports[-1].field_name == name:
        reports[-1] = replace(reports[-1], timestamp=proven)


_KEY_USAGE = KeyUsageConstraints(
    key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False
)


def _context(
    trust_roots: TrustStore | Sequence[x509.Certificate],
    at: datetime | None,
    intermediates: Sequence[x509.Certificate],
    carried: list[Any],
) -> ValidationContext:
    roots = trust_roots.anchors if isinstance(trust_roots, TrustStore) else trust_roots
    helpers = [c.chosen for c in carried if getattr(c, "name", "") == "certificate"]
    return ValidationContext(
        trust_roots=[to_asn1(c) for c in roots],
        other_certs=[to_asn1(c) for c in intermediates] + helpers,
        moment=at,
        allow_fetching=False,
        revocation_mode="soft-fail",
    )


def _signature_checks(name: str, status: PdfSignatureStatus) -> list[Check]:
    checks = [
        Check("integrity", True, _("the signed bytes are unchanged"), name)
        if status.intact and status.valid
        else _fail("integrity", _("the file was changed after it was signed"), name),
        _coverage_check(name, status),
    ]
    if not (status.intact and status.valid):
        return checks
    if status.trusted:
        checks.append(
            Check("chain", True, _("the certificate chains to a trusted root"), name)
        )
    elif status.revoked:
        checks.append(_fail("chain", _("the signer's certificate is revoked"), name))
    else:
        problem = getattr(
            status.trust_problem_indic, "name", status.trust_problem_indic
        )
        reason = _("the certificate does not chain to a trusted root")
        if problem in _EXPIRED:
            reason = _(
                "the signature can no longer be validated: a certificate of its "
                "chain has expired and no document timestamp proves it was valid"
            )
        if problem is not None:
            reason = _("{reason} ({problem})").format(reason=reason, problem=problem)
        checks.append(Check("chain", False, reason, name, indeterminate=True))
    stamp = status.timestamp_validity
    if stamp is not None:
        if stamp.intact and stamp.valid and stamp.trusted:
            checks.append(
                Check("timestamp", True, "the signing time is timestamped", name)
            )
        else:
            checks.append(
                _fail("timestamp", _("the signature timestamp does not verify"), name)
            )
    return checks


def _coverage_check(name: str, status: PdfSignatureStatus) -> Check:
    if status.coverage == SignatureCoverageLevel.ENTIRE_FILE:
        return Check("coverage", True, _("the signature covers the whole file"), name)
    if status.modification_level in _HARMLESS:
        return Check("coverage", True, _("only validation data was added since"), name)
    return _fail(
        "coverage", _("content was added to the file after it was signed"), name
    )


def _report(name: str, status: PdfSignatureStatus) -> PdfSignatureReport:
    subject = status.signing_cert.subject.native
    issuer = status.signing_cert.issuer.native
    stamp = status.timestamp_validity
    return PdfSignatureReport(
        field_name=name,
        signer=str(subject.get("common_name", "")),
        organisation=str(subject.get("organization_name", "")),
        issuer=str(issuer.get("common_name", "")),
        signing_time=status.signer_reported_dt,
        timestamp=stamp.timestamp if stamp is not None else None,
    )


def _content_check(
    reader: PdfFileReader, attachments: tuple[tuple[str, bytes], ...]
) -> Check:
    """The digest printed on the pages (kept in the keywords) against the packets:
    either convention of render.py (canonical unsigned packets, or the bytes)."""
    printed = _printed_digest(reader)
    if printed is None or not attachments:
        return Check(
            "content",
            False,
            "the file does not say which packets its pages were printed from",
            indeterminate=True,
        )
    packets = [data for _, data in attachments]
    candidates = {content_digest(packets)}
    try:
        candidates.add(content_digest([build_packet(parse_packet(p)) for p in packets]))
    except PacketError:
        pass
    if printed in candidates:
        return Check(
            "content", True, "the pages were printed from the attached packets"
        )
    return _fail(
        "content", _("the printed content does not match the attached packets")
    )


def _printed_digest(reader: PdfFileReader) -> str | None:
    info = reader.trailer_view.get("/Info")
    keywords = str(info.get_object().get("/Keywords", "")) if info else ""
    for word in keywords.replace(",", " ").split():
        if word.startswith(DIGEST_KEYWORD):
            return word[len(DIGEST_KEYWORD) :]
    return None


def _fail(name: str, reason: str, signature: str | None = None) -> Check:
    return Check(name, False, reason, signature)


def _refused(name: str, reason: str) -> PdfVerificationResult:
    return PdfVerificationResult(Status.INVALID, (_fail(name, reason),))
