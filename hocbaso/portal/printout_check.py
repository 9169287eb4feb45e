"""Checking a printout from what it shows: its lookup code (or the QR code's URL)
and the content digest printed on its pages, against the registry's current
records (docs/portal.md, "Verification"; docs/printing.md).
"""

from __future__ import annotations

import dataclasses

from django.utils.translation import gettext as _

from hocbaso.packet import PacketError, build_packet, parse_packet
from hocbaso.portal.registry_comparison import status_check
from hocbaso.portal.registry_view import (
    Standing,
    find_transcript,
    held_packets,
    normalise_code,
    registry_transcript,
)
from hocbaso.portal.verification_report import VerificationReport
from hocbaso.printing import content_digest
from hocbaso.signing import Check, Status
from hocbaso.signing.result import status_of


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
        check = status_check(page)
        checks.append(
            dataclasses.replace(
                check, signature_id=f"{page.school_year} · {page.grade}"
            )
        )
    return VerificationReport("printout", status_of(checks), checks, [], transcript)
