"""What a verification answers (docs/portal.md, "Verification"): valid, invalid
or indeterminate with the checks behind it (hocbaso.signing's vocabulary), one
finding per packet of the copy, and the same answer as JSON for the API.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from hocbaso.portal.copy_differences import Difference
from hocbaso.portal.registry_view import RecordPage
from hocbaso.records.models import Transcript
from hocbaso.signing import Check, Status, in_language


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
