"""A packet of a copy against what the registry holds (docs/portal.md,
"Verification"; docs/registry.md).

Only a copy byte-identical to a registry submission gets that submission's status
and ledger proof; any other copy is compared with the record shown for the same
school year and grade, and found to differ.
"""

from __future__ import annotations

import hashlib

from django.utils.translation import gettext as _

from hocbaso.portal.registry_view import (
    RecordPage,
    Standing,
    TranscriptView,
    find_transcript,
    normalise_code,
    registry_transcript,
)
from hocbaso.signing import Check


def registry_of(code: str) -> TranscriptView | None:
    transcript = find_transcript(normalise_code(code))
    return registry_transcript(transcript)


def registry_page(view: TranscriptView, data: bytes, snapshot) -> RecordPage | None:
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


def registry_checks(page: RecordPage, data: bytes, snapshot) -> list[Check]:
    sha = hashlib.sha256(data).hexdigest()
    if page.packet_sha256 != sha:
        return [
            Check(
                "registry",
                False,
                _("this copy differs from the record the registry holds"),
            )
        ]
    checks = [status_check(page)]
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


def status_check(page: RecordPage) -> Check:
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
