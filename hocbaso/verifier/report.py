"""The verdict on one file, as the portal's verify page gives it without the registry.

A packet (XML) is verified with verify_packet; a soft copy (PDF) with verify_pdf,
then each packet it carries, and every failing check of a packet is added to the
file's checks labelled with the attachment's name (hocbaso/portal/verification.py
does the same). Signers are bound to their roles by their certificates' subject
identifiers: the records of who held which role are the department's.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hocbaso.packet import MAX_PACKET_BYTES
from hocbaso.signing import Check, Status, TrustStore, VerificationResult
from hocbaso.signing.result import _, status_of
from hocbaso.signing.verify import verify_packet

# The largest file read, as hocbaso.printing.verify.MAX_PDF_BYTES (kept here so that
# checking a packet never imports pyHanko; a test holds the two equal).
MAX_FILE_BYTES = 20 * 1024 * 1024


class UnusableFileError(Exception):
    """The file cannot be checked at all: code is stable, template an English
    sentence to translate, then fill with params."""

    def __init__(self, code: str, template: str, **params: Any) -> None:
        super().__init__(template % params if params else template)
        self.code, self.template, self.params = code, template, params


@dataclass(frozen=True)
class PacketReport:
    """One packet of the file with its own verification."""

    name: str
    result: VerificationResult


@dataclass(frozen=True)
class FileReport:
    """The answer for one file; signatures are the soft copy's own (PDF only)."""

    kind: str  # "xml" or "pdf"
    status: Status
    checks: tuple[Check, ...]
    packets: tuple[PacketReport, ...]
    signatures: tuple[Any, ...] = ()


def kind_of(data: bytes) -> str:
    """ "pdf" or "xml" from the bytes themselves; UnusableFileError otherwise."""
    head = data[:1024].lstrip()
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:].lstrip()
    if head.startswith(b"<"):
        return "xml"
    raise UnusableFileError(
        "NOT_A_COPY",
        _("The file is neither a PDF soft copy nor an XML transcript packet."),
    )


def verify_file(
    data: bytes, trust_store: TrustStore, *, at: datetime | None = None
) -> FileReport:
    """Check a packet or a soft copy; UnusableFileError when it is neither, or is
    refused before any check (too large, a DTD, over the PDF reading budget)."""
    if len(data) > MAX_FILE_BYTES:
        raise UnusableFileError(
            "TOO_LARGE",
            _("The file is larger than any copy of a transcript (%(limit)s MiB)."),
            limit=MAX_FILE_BYTES // (1024 * 1024),
        )
    if kind_of(data) == "xml":
        return _verify_xml(data, trust_store, at)
    return _verify_pdf(data, trust_store, at)


def _verify_xml(data: bytes, store: TrustStore, at: datetime | None) -> FileReport:
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise UnusableFileError(
            "DTD",
            _(
                "The XML file declares a DTD or entities: they are refused, a "
                "transcript packet never has them."
            ),
        )
    if len(data) > MAX_PACKET_BYTES:
        raise UnusableFileError(
            "TOO_LARGE", _("The XML file is larger than a transcript packet can be.")
        )
    packet = _verify_packet("packet.xml", data, store, at)
    result = packet.result
    return FileReport("xml", result.status, result.checks, (packet,))


def _verify_packet(
    name: str, data: bytes, store: TrustStore, at: datetime | None
) -> PacketReport:
    return PacketReport(name, verify_packet(data, store, at=at))


def _verify_pdf(data: bytes, store: TrustStore, at: datetime | None) -> FileReport:
    # pyHanko takes a second or more to import: only for a soft copy.
    from hocbaso.printing.verify import verify_pdf

    result = verify_pdf(data, store, at=at)
    if result.refused_code is not None:
        raise UnusableFileError(
            result.refused_code, result.refused_template, **result.refused_params
        )
    checks = list(result.checks)
    packets = tuple(_verify_packet(n, p, store, at) for n, p in result.attachments)
    for packet in packets:
        checks += [
            dataclasses.replace(c, signature_id=_label(packet.name, c))
            for c in packet.result.checks
            if not c.ok
        ]
    if not packets and result.status is not Status.INVALID:
        checks.append(
            Check("registry", False, _("the file carries no transcript packet"))
        )
    return FileReport(
        "pdf", status_of(checks), tuple(checks), packets, result.signatures
    )


def _label(name: str, check: Check) -> str:
    return f"{name}: {check.signature_id}" if check.signature_id else name
