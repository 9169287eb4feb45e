"""Checking a copy someone was handed: a soft copy (PDF), a packet (XML), or what
a printout's QR code and printed digest say.

Every answer is valid, invalid or indeterminate with the list of checks behind it
(hocbaso.signing's vocabulary): the file's integrity, each signature and its trust
(verify_packet, verify_pdf), the record's status in the registry, and its ledger
inclusion. A copy whose data differs from the registry is invalid, and the answer
names the fields that differ, never the registry's values: a forged packet
carrying someone's lookup code must learn no more than the copy already holds
(docs/security.md). Only a copy byte-identical to a registry submission gets
that submission's status. Never touches the network.

    result = verify_upload(data, filename)       # PDF or XML, by content
    result = verify_printout(code_or_url, digest)

The parts live beside this module: the answer (``verification_report``), the
comparison with the registry (``registry_comparison``), field by field
(``copy_differences``) and the printout's check (``printout_check``).
"""

from __future__ import annotations

import dataclasses
import hashlib

from django.utils.translation import gettext as _

from hocbaso.packet import MAX_PACKET_BYTES
from hocbaso.portal.copy_differences import Difference, differences
from hocbaso.portal.printout_check import verify_printout
from hocbaso.portal.registry_comparison import (
    registry_checks,
    registry_of,
    registry_page,
)
from hocbaso.portal.registry_view import find_transcript
from hocbaso.portal.verification_report import PacketFinding, VerificationReport
from hocbaso.printing import verify_pdf
from hocbaso.printing.verify import MAX_PDF_BYTES
from hocbaso.records.binding import RecordsRoleBinding
from hocbaso.records.models import Transcript
from hocbaso.registry.verification import trust_store
from hocbaso.signing import Check, Status, verify_packet
from hocbaso.signing.result import status_of

MAX_UPLOAD_BYTES = MAX_PDF_BYTES
MIB = 1024 * 1024


class UploadError(ValueError):
    """The upload cannot be checked at all; the message says why (translated)."""


class UploadTooLargeError(UploadError):
    """The upload is larger than any copy of a transcript."""


class UploadTooComplexError(UploadError):
    """The soft copy costs more to read than any transcript's (printing._budget);
    code is the stable code printing gave."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


def kind_of(data: bytes) -> str:
    """ "pdf" or "xml" from the bytes themselves; UploadError otherwise."""
    head = data[:1024].lstrip()
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:].lstrip()
    if head.startswith(b"<"):
        return "xml"
    raise UploadError(
        _("The file is neither a PDF soft copy nor an XML transcript packet.")
    )


def check_size(size: int) -> None:
    if size > MAX_UPLOAD_BYTES:
        raise UploadTooLargeError(
            _(
                "The file is too large (%(size)s MiB): a copy of a transcript is "
                "under %(limit)s MiB."
            )
            % {"size": size // MIB, "limit": MAX_UPLOAD_BYTES // MIB}
        )


def verify_upload(data: bytes) -> VerificationReport:
    """Check an uploaded soft copy or packet; UploadError when it is neither."""
    check_size(len(data))
    kind = kind_of(data)
    if kind == "xml":
        if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
            raise UploadError(
                _(
                    "The XML file declares a DTD or entities: they are refused, a "
                    "transcript packet never has them."
                )
            )
        if len(data) > MAX_PACKET_BYTES:
            raise UploadTooLargeError(
                _("The XML file is larger than a transcript packet can be.")
            )
        finding = _packet_finding("packet.xml", data)
        return VerificationReport(
            "xml",
            finding.status,
            list(finding.checks),
            [finding],
            finding.page and _transcript_of(finding),
        )
    return _verify_pdf(data)


def _transcript_of(finding: PacketFinding) -> Transcript | None:
    # the page's snapshot is the stored packet's, so its code is the transcript's
    return find_transcript(finding.page.snapshot.lookup_code) if finding.page else None


def _verify_pdf(data: bytes) -> VerificationReport:
    result = verify_pdf(data, trust_store())
    if result.refused_code is not None:
        reason = _(result.refused_template) % result.refused_params
        raise UploadTooComplexError(
            _("The file is refused: %(reason)s.") % {"reason": reason},
            result.refused_code,
        )
    checks = [c for c in result.checks]
    findings = []
    for name, packet in result.attachments:
        finding = _packet_finding(name, packet)
        findings.append(finding)
        for check in finding.checks:
            if not check.ok or check.name in ("registry", "ledger", "content"):
                checks.append(
                    dataclasses.replace(check, signature_id=_label(name, check))
                )
    if not result.attachments and result.status is not Status.INVALID:
        checks.append(
            Check("registry", False, _("the file carries no transcript packet"))
        )
    transcript = next((_transcript_of(f) for f in findings if f.page), None)
    return VerificationReport("pdf", status_of(checks), checks, findings, transcript)


def _label(name: str, check: Check) -> str:
    return f"{name}: {check.signature_id}" if check.signature_id else name


def _packet_finding(name: str, data: bytes) -> PacketFinding:
    result = verify_packet(data, trust_store(), role_binding=RecordsRoleBinding())
    checks = list(result.checks)
    finding = PacketFinding(name, result.status, checks)
    snapshot = result.snapshot
    if snapshot is None:
        return finding
    finding.school_year, finding.grade = snapshot.school_year, snapshot.grade
    finding.student = snapshot.student.full_name
    view = registry_of(snapshot.lookup_code)
    finding.unknown_code = view is None
    page = registry_page(view, data, snapshot) if view else None
    if page is None:
        checks.append(
            Check(
                "registry",
                False,
                _("the registry holds no record of this student for this school year"),
            )
        )
    else:
        finding.page = page
        finding.exact = hashlib.sha256(data).hexdigest() == page.packet_sha256
        checks += registry_checks(page, data, snapshot)
        if not finding.exact:
            finding.differences = differences(snapshot, page.snapshot)
    finding.status = status_of(checks)
    return finding


__all__ = [
    "Difference",
    "PacketFinding",
    "UploadError",
    "UploadTooComplexError",
    "UploadTooLargeError",
    "VerificationReport",
    "differences",
    "kind_of",
    "verify_printout",
    "verify_upload",
]
