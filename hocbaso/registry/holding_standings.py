"""Standings and packets of many records at once, for the staff and citizen
pages (docs/citizen.md; docs/registry.md, "Transfers").

Where a holding answers for one transcript, these answer for a list: each record's
standing in one query, the current packets of several transcripts in two, and the
transcripts released to a school by a transfer.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from hocbaso.records.models import Transcript, YearlyRecord
from hocbaso.registry.holding_values import HeldSubmission, RecordStanding, Standing
from hocbaso.registry.models import Blob, Submission, Transfer


def standing_of(s: Submission) -> Standing:
    """A submission's standing, in the registry's one vocabulary."""
    if s.state == Submission.State.REVOKED:
        return Standing.REVOKED
    if s.state == Submission.State.SUPERSEDED:
        return Standing.SUPERSEDED
    return Standing.EFFECTIVE if s.locked_at is not None else Standing.ACCEPTED


def standings(records: Iterable[YearlyRecord]) -> list[RecordStanding]:
    """The registry's standing of each record (its current submission, else its
    last revoked one, else absent), in one query."""
    records = list(records)
    current: dict[int, Submission] = {}
    withdrawn: dict[int, Submission] = {}
    rows = Submission.objects.filter(record__in=records).order_by("accepted_at", "pk")
    for sub in rows.select_related("supersedes"):
        if sub.state == Submission.State.ACCEPTED:
            current[sub.record_id] = sub
        elif sub.state == Submission.State.REVOKED:
            withdrawn[sub.record_id] = sub
    return [_record_standing(r, current, withdrawn) for r in records]


def _record_standing(record, current, withdrawn) -> RecordStanding:
    sub = current.get(record.pk)
    if sub is not None:
        return RecordStanding(record, standing_of(sub), sub.locked_at, held(sub))
    if record.pk in withdrawn:
        gone = withdrawn[record.pk]
        return RecordStanding(record, Standing.REVOKED, gone.withdrawn_at, None)
    return RecordStanding(record, Standing.ABSENT, None, None)


def held(sub: Submission) -> HeldSubmission:
    return HeldSubmission(
        public_id=sub.public_id,
        record_id=sub.record_id,
        blob_id=sub.blob_id,
        ledger_index=sub.ledger_index,
        standing=standing_of(sub),
        accepted_at=sub.accepted_at,
        locked_at=sub.locked_at,
        replaces=sub.supersedes.public_id if sub.supersedes_id else None,
    )


def current_packets(
    transcripts: Sequence[Transcript],
) -> dict[int, list[tuple[HeldSubmission, bytes]]]:
    """transcript id → its current submissions and their packets' bytes exactly as
    stored, oldest school year first (two queries)."""
    found: dict[int, list[tuple[HeldSubmission, bytes]]] = {
        t.pk: [] for t in transcripts
    }
    rows = list(
        Submission.objects.filter(
            record__transcript__in=transcripts, state=Submission.State.ACCEPTED
        )
        .select_related("supersedes", "record")
        .order_by("record__transcript_id", "school_year__name", "grade")
    )
    blobs = Blob.objects.filter(pk__in=[s.blob_id for s in rows])
    data = dict(blobs.values_list("sha256", "data"))
    for sub in rows:
        found[sub.record.transcript_id].append((held(sub), bytes(data[sub.blob_id])))
    return found


def transcripts_released_to(schools) -> Any:
    """The ids of the transcripts released to these schools in a transfer not yet
    acknowledged: the receiving school reads them from the release on, never on
    its request alone (docs/registry.md, transfers)."""
    return Transfer.objects.filter(
        state=Transfer.State.RELEASED, to_school__in=schools
    ).values("transcript")
