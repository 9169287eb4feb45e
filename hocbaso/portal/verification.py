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
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hocbaso.packet import MAX_PACKET_BYTES, PacketError, build_packet, parse_packet
from hocbaso.portal.registry_view import (
    RecordPage,
    Standing,
    TranscriptView,
    find_transcript,
    held_packets,
    normalise_code,
    registry_transcript,
)
from hocbaso.printing import content_digest, verify_pdf
from hocbaso.printing.verify import MAX_PDF_BYTES
from hocbaso.records.binding import RecordsRoleBinding
from hocbaso.records.models import Transcript
from hocbaso.registry.verification import trust_store
from hocbaso.signing import Check, Status, in_language, verify_packet
from hocbaso.signing.result import status_of
from hocbaso.web.labels import path_name

MAX_UPLOAD_BYTES = MAX_PDF_BYTES

# The identity page's fields by name, for "họ và tên khác với bản đăng ký".
STUDENT_FIELDS = {
    "full_name": gettext_lazy("full name"),
    "personal_id": gettext_lazy("personal identification number"),
    "student_code": gettext_lazy("student code"),
    "sex": gettext_lazy("sex"),
    "birth_date": gettext_lazy("date of birth"),
    "birthplace": gettext_lazy("place of birth"),
    "ethnicity": gettext_lazy("ethnicity"),
    "nationality": gettext_lazy("nationality"),
    "home_town": gettext_lazy("home town"),
    "address": gettext_lazy("address"),
    "father_name": gettext_lazy("father's name"),
    "father_occupation": gettext_lazy("father's occupation"),
    "mother_name": gettext_lazy("mother's name"),
    "mother_occupation": gettext_lazy("mother's occupation"),
    "guardian_name": gettext_lazy("guardian's name"),
    "guardian_occupation": gettext_lazy("guardian's occupation"),
    "policy_category": gettext_lazy("policy category"),
}
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


@dataclass(frozen=True)
class Difference:
    """A field whose value in the copy is not the registry's; the registry's
    value is never carried."""

    field: str
    copy: str

    @property
    def sentence(self) -> str:
        return _("%(field)s differs from the registry's record") % {
            "field": field_label(self.field)
        }


@dataclass
class PacketFinding:
    """One packet of the copy: its own checks and how it compares to the registry."""

    name: str
    status: Status
    checks: list[Check]
    school_year: str = ""
    grade: int | None = None
    student: str = ""
    differences: list[Difference] = field(default_factory=list)
    page: RecordPage | None = None
    exact: bool = False  # byte-identical to the registry submission ``page``
    unknown_code: bool = False  # its lookup code matches no transcript held here


@dataclass
class VerificationReport:
    kind: str  # "pdf", "xml" or "printout"
    status: Status
    checks: list[Check]
    packets: list[PacketFinding] = field(default_factory=list)
    transcript: Transcript | None = None

    @property
    def unknown_code(self) -> bool:
        """A packet's code matched nothing: the verification was a failed lookup."""
        return any(p.unknown_code for p in self.packets)

    @property
    def failures(self) -> list[Check]:
        return [c for c in self.checks if not c.ok]

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "status": self.status.value,
            "checks": [_check_dict(c) for c in self.checks],
            "packets": [
                {
                    "name": p.name,
                    "status": p.status.value,
                    "school_year": p.school_year,
                    "grade": p.grade,
                    "registry_status": p.page.standing if p.exact else None,
                    "differences": [_difference_dict(d) for d in p.differences],
                }
                for p in self.packets
            ],
        }


def _difference_dict(difference: Difference) -> dict[str, str]:
    return {"field": difference.field, "problem": difference.sentence}


def _check_dict(check: Check) -> dict[str, Any]:
    return {
        "name": check.name,
        "ok": check.ok,
        "indeterminate": check.indeterminate,
        "reason": in_language(check.reason, _),
        "signature": check.signature_id,
    }


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
    view = _registry_of(snapshot.lookup_code)
    finding.unknown_code = view is None
    page = _registry_page(view, data, snapshot) if view else None
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
        checks += _registry_checks(page, data, snapshot)
        if not finding.exact:
            finding.differences = differences(snapshot, page.snapshot)
    finding.status = status_of(checks)
    return finding


def _registry_of(code: str) -> TranscriptView | None:
    transcript = find_transcript(normalise_code(code))
    return registry_transcript(transcript)


def _registry_page(view: TranscriptView, data: bytes, snapshot) -> RecordPage | None:
    """The registry's submission with these exact bytes, else the one shown for the
    same school year and grade (current, or withdrawn when none is current)."""
    sha = hashlib.sha256(data).hexdigest()
    for page in [*view.pages, *view.earlier]:
        if page.packet_sha256 == sha:
            return page
    for page in view.pages:
        if (page.school_year, page.grade) == (snapshot.school_year, snapshot.grade):
            return page
    return None


def _registry_checks(page: RecordPage, data: bytes, snapshot) -> list[Check]:
    sha = hashlib.sha256(data).hexdigest()
    if page.packet_sha256 != sha:
        return [
            Check(
                "registry",
                False,
                _("this copy differs from the record the registry holds"),
            )
        ]
    checks = [_status_check(page)]
    proof = page.proof
    if proof.verified:
        checks.append(
            Check(
                "ledger",
                True,
                _(
                    "entry %(index)s is in the ledger of %(size)s entries (signed "
                    "checkpoint)"
                )
                % {"index": proof.index, "size": proof.tree_size},
            )
        )
    else:
        checks.append(Check("ledger", False, proof.problem, indeterminate=True))
    return checks


def _status_check(page: RecordPage) -> Check:
    if page.standing == Standing.EFFECTIVE:
        return Check("registry", True, page.status_text)
    if page.standing == Standing.ACCEPTED:
        return Check("registry", False, page.status_text, indeterminate=True)
    if page.standing == Standing.SUPERSEDED:
        return Check(
            "registry",
            False,
            page.status_text + " " + _("Ask for a copy of the current version."),
        )
    return Check("registry", False, page.status_text)


# --- field by field ----------------------------------------------------------------


def differences(copy: Any, registry: Any, path: str = "") -> list[Difference]:
    """The fields whose values differ between two snapshots, by dotted path."""
    if dataclasses.is_dataclass(copy) and type(copy) is type(registry):
        found = []
        for f in dataclasses.fields(copy):
            found += differences(
                getattr(copy, f.name),
                getattr(registry, f.name),
                f"{path}.{f.name}" if path else f.name,
            )
        return found
    if isinstance(copy, tuple) and isinstance(registry, tuple):
        found = []
        for i in range(max(len(copy), len(registry))):
            a = copy[i] if i < len(copy) else None
            b = registry[i] if i < len(registry) else None
            label = _item_label(a, b, i)
            found += differences(a, b, f"{path}[{label}]")
        return found
    if copy != registry:
        return [Difference(path, _text(copy))]
    return []


def _item_label(a: Any, b: Any, index: int) -> str:
    """The copy's own name for a list item (a subject's code, a year); a row the
    copy lacks is named by its position, never by the registry's content."""
    for name in ("code", "school_year"):
        value = getattr(a, name, None)
        if value:
            return str(value)
    return str(index + 1)


def field_label(path: str) -> str:
    """A field's name in words (the identity page's), else its dotted path."""
    head, _dot, rest = path.partition(".")
    if head == "student" and rest in STUDENT_FIELDS:
        return str(STUDENT_FIELDS[rest])
    return path_name(path)


def _text(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", ",")
    if dataclasses.is_dataclass(value):
        parts = (getattr(value, f.name) for f in dataclasses.fields(value))
        return ", ".join(_text(part) for part in parts)
    return str(value)


# --- a printout: its code and printed digest -----------------------------------------


def verify_printout(code_text: str, digest: str) -> VerificationReport:
    """Check a printout from its lookup code (or the QR code's URL) and the content
    digest printed on its pages, against the registry's current records."""
    code = normalise_code(code_text.rsplit("#", 1)[-1] if code_text else "")
    wanted = "".join((digest or "").split()).lower()
    transcript = find_transcript(code)
    view = registry_transcript(transcript)
    if view is None:
        return VerificationReport(
            "printout",
            Status.INVALID,
            [Check("registry", False, _("no transcript was found for this code"))],
        )
    checks = []
    current = [p for p in view.pages if p.standing != Standing.REVOKED]
    candidates = set()
    if current:
        packets = held_packets(current)
        candidates.add(content_digest(packets))
        try:
            canonical = [build_packet(parse_packet(p)) for p in packets]
            candidates.add(content_digest(canonical))
        except PacketError:
            pass
    if wanted and wanted in candidates:
        checks.append(
            Check(
                "content", True, _("the printed digest matches the registry's records")
            )
        )
    elif not wanted:
        checks.append(
            Check(
                "content",
                False,
                _("enter the digest printed on the page"),
                indeterminate=True,
            )
        )
    else:
        checks.append(
            Check(
                "content",
                False,
                _(
                    "the printed digest does not match the registry's current records: "
                    "the printout was changed, or printed before a correction"
                ),
            )
        )
    for page in view.pages:
        check = _status_check(page)
        checks.append(
            dataclasses.replace(
                check, signature_id=f"{page.school_year} · {page.grade}"
            )
        )
    return VerificationReport("printout", status_of(checks), checks, [], transcript)


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
