"""The frozen values of what the registry holds of a transcript (holdings.py).

They carry no words: the standing, the signer's role and a proof's problem are codes
with parameters, put into the reader's language when read (``status_text``,
``role_label``, ``problem``), so one cached value serves readers of any language.
The vocabulary of ``Standing`` is the registry's (docs/registry.md, "Submissions").
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hocbaso.packet import RecordSnapshot
from hocbaso.printing import SignatureMark
from hocbaso.records.models import Transcript, YearlyRecord
from hocbaso.signing import Role


class Standing(enum.StrEnum):
    """The legal standing of a yearly record's submission in the registry."""

    EFFECTIVE = "effective"  # current and locked: it can no longer change
    ACCEPTED = "accepted"  # current, not yet locked
    SUPERSEDED = "superseded"  # replaced by a later submission of the record
    REVOKED = "revoked"  # withdrawn by the school
    ABSENT = "absent"  # nothing sent for the record yet
    INVALID = "invalid"  # national role: its signatures do not verify again


ROLE_WORDS = {
    Role.SUBJECT_TEACHER: gettext_lazy("subject teacher"),
    Role.HOMEROOM_TEACHER: gettext_lazy("homeroom teacher"),
    Role.LEADER: gettext_lazy("principal or deputy"),
    Role.SEAL: gettext_lazy("school seal"),
}

PROBLEM_WORDS = {
    "NO_CHECKPOINT": gettext_lazy("the ledger has no checkpoint yet"),
    "CHECKPOINT_INVALID": gettext_lazy("the checkpoint does not verify"),
    "INCLUSION_FAILS": gettext_lazy("the inclusion proof fails: %s"),
    "NOT_DEPARTMENT_KEY": gettext_lazy(
        "the checkpoint is not signed by department %(d)s's ledger key"
    ),
    "LOCK_NOT_COVERED": gettext_lazy("the checkpoint does not cover the record's lock"),
}


def _day(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y") if moment else ""


@dataclass(frozen=True)
class Problem:
    """Why a proof did not check out: a stable code and its one parameter."""

    code: str
    detail: str = ""

    def __str__(self) -> str:
        words = str(PROBLEM_WORDS[self.code])
        if self.code == "NOT_DEPARTMENT_KEY":
            return words % {"d": self.detail}
        return words % self.detail if self.code == "INCLUSION_FAILS" else words


@dataclass(frozen=True)
class SignatureLine:
    role: str
    signer: str
    issuer: str
    signed_at: datetime

    @property
    def role_label(self) -> str:
        return str(ROLE_WORDS[Role(self.role)])


@dataclass(frozen=True)
class LedgerProof:
    """Where a submission's ledger entry is and whether its proof checked out."""

    index: int
    tree_size: int | None
    checkpoint: str
    root_hex: str
    path_length: int = 0
    verified: bool = False
    lock_index: int | None = None
    revocation_index: int | None = None
    failure: Problem | None = None
    witnesses: int = 0  # configured witnesses that cosigned this tree or a later one

    @property
    def problem(self) -> str:
        return str(self.failure) if self.failure else ""


@dataclass(frozen=True)
class RecordPage:
    """One submission of one yearly record, as held: the form laid out from its
    packet, its signers, its standing and its ledger proof."""

    public_id: str
    record_id: int
    standing: Standing
    accepted_at: datetime
    effective_at: datetime | None
    withdrawn_at: datetime | None
    reason: str
    replaced_by: str | None
    packet_sha256: str
    snapshot: RecordSnapshot = field(repr=False)
    form: dict[str, Any] = field(repr=False)
    marks: tuple[SignatureMark, ...]
    proof: LedgerProof
    # national role: the department that sent it, and why it fails to verify
    department: str = ""
    failures: str = ""
    # a locked version corrected after the lock: the decision that superseded it
    # (docs/registry.md, "Correction after the lock")
    decision_number: str = ""
    decision_date: date | None = None
    corrected_at: datetime | None = None

    @property
    def school_year(self) -> str:
        return self.snapshot.school_year

    @property
    def grade(self) -> int:
        return self.snapshot.grade

    @property
    def signatures(self) -> list[SignatureLine]:
        return [
            SignatureLine(m.role.value, m.name, m.issuer, m.signed_at)
            for m in self.marks
        ]

    @property
    def status_text(self) -> str:
        return _status_text(self)


def _status_text(page: RecordPage) -> str:
    if page.standing is Standing.REVOKED:
        return _("Revoked on %(date)s. Reason: %(reason)s") % {
            "date": _day(page.withdrawn_at),
            "reason": page.reason,
        }
    if page.standing is Standing.SUPERSEDED and page.decision_number:
        return _(
            "Superseded on %(date)s by the version corrected under decision "
            "%(number)s of %(decision_date)s: this version is no longer in force."
        ) % {
            "date": _day(page.corrected_at),
            "number": page.decision_number,
            "decision_date": page.decision_date.strftime("%d/%m/%Y")
            if page.decision_date
            else "",
        }
    if page.standing is Standing.SUPERSEDED:
        return _(
            "Replaced on %(date)s by a newer submission: this version is no "
            "longer in force."
        ) % {"date": _day(page.withdrawn_at)}
    if page.standing is Standing.INVALID:
        return _("The signed record does not verify: %(problem)s") % {
            "problem": page.failures
        }
    if page.department:
        return _(
            "Effective since %(date)s (locked: it can no longer change). Sent by "
            "department %(department)s on %(received)s; its signatures verified "
            "again for this lookup."
        ) % {
            "date": _day(page.effective_at),
            "department": page.department,
            "received": _day(page.accepted_at),
        }
    if page.standing is Standing.EFFECTIVE:
        return _("Effective since %(date)s (locked: it can no longer change).") % {
            "date": _day(page.effective_at)
        }
    return _(
        "Submitted on %(date)s, not yet locked: the school may still replace or "
        "revoke it before the deadline."
    ) % {"date": _day(page.accepted_at)}


@dataclass(frozen=True)
class Holding:
    """What is held of one transcript: a page per yearly record (school-year
    order), the replaced submissions (newest first), the form's identity page and
    study history. ``transcript`` is the row looked up (set after the cache: never
    cached), or, on the national role, an unsaved one naming the student and the
    managing school; ``source`` says where the records came from, for the audit."""

    transcript: Transcript | None
    level: str  # "primary" or "secondary"
    pages: tuple[RecordPage, ...]
    earlier: tuple[RecordPage, ...]
    identity: dict[str, Any] = field(repr=False)
    history: tuple[dict[str, Any], ...] = field(repr=False)
    checkpoint_size: int | None
    source: dict[str, Any] = field(default_factory=dict)
    # the cache key it was kept under: what a page rendered from it may be kept by
    version: str = ""

    def page(self, public_id: str) -> RecordPage | None:
        for page in (*self.pages, *self.earlier):
            if page.public_id == public_id:
                return page
        return None


@dataclass(frozen=True)
class HeldSubmission:
    """A record's current submission as the other pages need it (no ORM row)."""

    public_id: str
    record_id: int
    blob_id: str  # the packet's SHA-256
    ledger_index: int
    standing: Standing
    accepted_at: datetime
    locked_at: datetime | None
    replaces: str | None  # the public id of the submission it superseded


STANDING_WORDS = {
    Standing.EFFECTIVE: gettext_lazy("effective since %(date)s"),
    Standing.ACCEPTED: gettext_lazy("received by the registry, not yet locked"),
    Standing.REVOKED: gettext_lazy("revoked by the school"),
    Standing.ABSENT: gettext_lazy("not yet sent to the registry"),
}


@dataclass(frozen=True)
class RecordStanding:
    """A yearly record's standing in the registry, for the citizen pages."""

    record: YearlyRecord
    standing: Standing
    since: datetime | None
    submission: HeldSubmission | None

    @property
    def words(self) -> str:
        text = str(STANDING_WORDS[self.standing])
        if self.standing is Standing.EFFECTIVE:
            return text % {"date": _day(self.since)}
        return text
