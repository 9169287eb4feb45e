"""Building a holding from a transcript's submissions (docs/registry.md,
"Revocation and replacement" and "Correction after the lock"; docs/portal.md,
"What the lookup shows").

What is held is built from the signed packets the registry stored (the
submissions' bytes), never from the school side's rows: one page per record (its
current submission, else its latest revoked one), the earlier versions apart,
each with its ledger proof, and the form's identity page and study history laid
out from the shown records.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from hocbaso.packet import RecordLevel
from hocbaso.printing import layout
from hocbaso.records.models import Transcript
from hocbaso.registry.holding_packets import Packet, parsed_packets
from hocbaso.registry.holding_proofs import Checkpoint
from hocbaso.registry.holding_standings import standing_of
from hocbaso.registry.holding_values import Holding, RecordPage, Standing
from hocbaso.registry.models import Correction, Submission


def build(transcript_id: int) -> Holding | bool:
    submissions = list(
        Submission.objects.filter(record__transcript_id=transcript_id)
        .select_related("supersedes", "lock")
        .order_by("record_id", "accepted_at", "pk")
    )
    parsed = parsed_packets({s.blob_id for s in submissions})
    checkpoint = Checkpoint.latest()
    replaced_by = {
        s.supersedes.public_id: s.public_id for s in submissions if s.supersedes
    }
    corrected = _corrected(submissions)
    shown = _shown([s for s in submissions if s.pk not in corrected])
    pages, earlier = [], []
    for s in submissions:
        packet = parsed.get(s.blob_id)
        if packet is None:  # accepted once, unreadable now: shown as nothing
            continue
        page = _page(s, packet, checkpoint, replaced_by.get(s.public_id))
        if s.pk in corrected:
            page = _superseded_by_decision(page, corrected[s.pk])
        (pages if shown.get(s.record_id) is s else earlier).append(page)
    if not pages and not earlier:
        return False
    pages.sort(key=lambda p: (p.school_year, p.grade, p.accepted_at))
    earlier.sort(key=lambda p: p.accepted_at, reverse=True)
    return from_pages(pages, earlier, checkpoint_size=checkpoint.size)


def _corrected(submissions: list[Submission]) -> dict[int, Correction]:
    """The locked submissions a correction after the lock superseded, by id: their
    rows never change (docs/registry.md, "Correction after the lock")."""
    ids = [s.pk for s in submissions if s.locked_at is not None]
    rows = Correction.objects.filter(
        locked_id__in=ids, state=Correction.State.ISSUED
    ).select_related("issued")
    return {row.locked_id: row for row in rows}


def _superseded_by_decision(page: RecordPage, row: Correction) -> RecordPage:
    return replace(
        page,
        standing=Standing.SUPERSEDED,
        decision_number=row.decision_number,
        decision_date=row.decision_date,
        corrected_at=row.issued.accepted_at,
    )


def _shown(submissions: list[Submission]) -> dict[int, Submission]:
    """Per record: its current submission, else its latest revoked one."""
    shown: dict[int, Submission] = {}
    for s in submissions:
        held = shown.get(s.record_id)
        if s.state == Submission.State.ACCEPTED or (
            s.state == Submission.State.REVOKED
            and (held is None or held.state != Submission.State.ACCEPTED)
        ):
            shown[s.record_id] = s
    return shown


def from_pages(
    pages: Sequence[RecordPage],
    earlier: Sequence[RecordPage] = (),
    *,
    checkpoint_size: int | None,
    transcript: Transcript | None = None,
    source: dict[str, Any] | None = None,
) -> Holding:
    """A holding from its pages: the identity page and study history of the form
    laid out from the shown records (the latest one for the identity)."""
    snapshots = [p.snapshot for p in pages] or [earlier[0].snapshot]
    marks = [layout.Marks(p.marks) for p in pages] or [layout.Marks(())]
    level = "primary" if snapshots[0].level is RecordLevel.PRIMARY else "secondary"
    history = layout.history(level, snapshots, marks[: len(snapshots)])
    return Holding(
        transcript=transcript,
        level=level,
        pages=tuple(pages),
        earlier=tuple(earlier),
        identity=layout.identity(snapshots[-1], marks[-1]),
        history=tuple(row for row in history if not row.get("blank")),
        checkpoint_size=checkpoint_size,
        source=source or {},
    )


def _page(
    s: Submission, packet: Packet, checkpoint: Checkpoint, replaced_by: str | None
) -> RecordPage:
    return RecordPage(
        public_id=s.public_id,
        record_id=s.record_id,
        standing=standing_of(s),
        accepted_at=s.accepted_at,
        effective_at=s.locked_at,
        withdrawn_at=s.withdrawn_at,
        reason=s.withdraw_reason or s.reason,
        replaced_by=replaced_by,
        packet_sha256=packet.read.sha256,
        snapshot=packet.read.snapshot,
        form=packet.form,
        marks=packet.read.marks,
        proof=checkpoint.prove(s, packet.read.sha256),
    )
