"""``hocbaso ledger verify`` and the corrections after the lock.

The entries a correction's rows call for (rebuilt from the rows, compared with the
stored entries by ``ledger_check``), and what the log alone says of each
correction, compared with its row (``ledger_state``):
- ``correction:request`` names the locked packet (previous) and the evidence
  (digest), and commits to the reason (note);
- ``correction:decide`` says approved or refused (a fixed digest each) and commits
  to the decision's number, date, signer and refusal reason (note);
- ``record:correct`` accepts the new version's packet, superseding the locked one
  (previous), and names the correction it issues (note: SHA-256 of its id); the
  submission it accepted is effective at the entry's time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

from hocbaso.ledger import Entry, Event
from hocbaso.registry import entries
from hocbaso.registry.models import Correction

_CHUNK = 2000


def request_entry(row: Correction) -> Entry:
    return entries.correction_request_entry(
        record_id=row.record_id,
        public_id=row.public_id,
        evidence_sha256=row.evidence_id,
        locked_sha256=row.locked.blob_id,
        reason=row.reason,
        at=row.requested_at,
    )


def correction_entries(hints: dict[int, str]) -> Iterator[tuple[int, Entry]]:
    """The request and decision entries of every correction, from its rows."""
    from hocbaso.registry.correcting import decision_entry

    rows = Correction.objects.select_related("locked").order_by("pk")
    for row in rows.iterator(chunk_size=_CHUNK):
        hints[row.request_ledger_index] = _(
            "the request of correction %(id)s is not the entry's"
        ) % {"id": row.public_id}
        yield row.request_ledger_index, request_entry(row)
        if row.decision_ledger_index is not None:
            hints[row.decision_ledger_index] = _(
                "the decision of correction %(id)s is not the entry's"
            ) % {"id": row.public_id}
            yield row.decision_ledger_index, decision_entry(row)


def issued_corrections() -> dict[int, Correction]:
    """The issued corrections by the id of the submission they accepted (one query:
    few rows, read once by ``ledger verify``)."""
    rows = Correction.objects.select_related("locked").filter(issued__isnull=False)
    return {row.issued_id: row for row in rows}


def issued_entry(row: Correction, submission, packet_sha256: str) -> Entry:
    """The record:correct entry of the submission that issued ``row``."""
    from hocbaso.registry.correcting import issue_entry

    return issue_entry(row, submission.public_id, packet_sha256, submission.accepted_at)


@dataclass
class CorrectionFate:
    """A correction as the log tells it."""

    state: str = "requested"
    issued: str | None = None  # the submission the record:correct entry accepted


def read_correction(entry: Entry, fates: dict[str, CorrectionFate], notes: dict):
    """Fold one entry of the log into ``fates`` (by correction id)."""
    if entry.event is Event.CORRECTION_REQUEST:
        fates[entry.reference] = CorrectionFate()
        notes[hashlib.sha256(entry.reference.encode()).digest()] = entry.reference
    elif entry.event is Event.CORRECTION_DECIDE:
        fate = fates.get(entry.reference)
        if fate is not None and fate.state == "requested":
            approved = entry.digest == entries.APPROVED_DIGEST
            fate.state = "approved" if approved else "refused"
    elif entry.event is Event.RECORD_CORRECT:
        fate = fates.get(notes.get(entry.note, ""))
        if fate is not None and fate.state == "approved":
            fate.state, fate.issued = "issued", entry.reference


def correction_problems(fates: dict[str, CorrectionFate]) -> list[str]:
    """Every correction row whose state or issued submission the log contradicts."""
    problems = []
    rows = Correction.objects.select_related("issued").order_by("pk")
    for row in rows.iterator(chunk_size=_CHUNK):
        fate = fates.get(row.public_id) or CorrectionFate(state="(none)")
        issued = row.issued.public_id if row.issued else None
        for column, in_row, by_log in (
            ("state", row.state, fate.state),
            ("issued", issued, fate.issued),
        ):
            if in_row != by_log:
                problems.append(
                    _(
                        "correction %(id)s, column %(column)s: %(row)r in the row, "
                        "%(log)r by the ledger"
                    )
                    % {
                        "id": row.public_id,
                        "column": column,
                        "row": in_row,
                        "log": by_log,
                    }
                )
    return problems
