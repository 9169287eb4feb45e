"""The second step of a submission: every packet of a receipt checked and answered.

Steps (domain.md §7; docs/registry.md):
1. verify every packet (slow, outside any transaction) and identify its record
   (``checks``);
2. in one transaction that first locks the ledger head: check each record's round
   and current submission, then store the accepted packets as submissions (a
   replacement supersedes the current one), append one ledger entry each, write the
   per-record results and the audit rows (``storing``), and mark the receipt
   processed.
A rejected packet leaves only its result row: no submission, no ledger entry, and
the record's current submission is untouched. A packet identical to the record's
current submission is answered "accepted" again, with nothing new stored.

The API and the school pages give the receipt at once and a worker answers it
(``hocbaso.season.tasks``): a class package by a task of its own, the packets sent
alone in batches, in one transaction (``process_receipts``, one ledger checkpoint
for all; ``hocbaso.season.grouping``); answering twice is harmless, the second
finds the receipt answered under its row lock. A receipt left "received" (the
process stopped between the receipt and its answer, or its task was lost) is
answered by ``recover_receipts``: a periodic task of the workers, and
``hocbaso registry recover``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import Q

from hocbaso.packet import RecordSnapshot
from hocbaso.records.models import YearlyRecord
from hocbaso.registry import checks, storing
from hocbaso.registry.clock import Clock, fixed_clock, now
from hocbaso.registry.codes import Problem
from hocbaso.registry.entries import sha256_hex
from hocbaso.registry.ledger_log import LedgerSession, ledger_session
from hocbaso.registry.models import Receipt, SchoolRoundLock, Submission
from hocbaso.registry.package import Document, read_document
from hocbaso.registry.rounds import lock_deadline
from hocbaso.registry.storing import NewSubmission
from hocbaso.registry.storing_rows import bound_cursor, stored_bytes
from hocbaso.registry.verification import Verifier


@dataclass
class Candidate:
    """One packet of a receipt on its way through the checks."""

    position: int
    data: bytes
    sha256: str
    problems: list[Problem] = field(default_factory=list)
    snapshot: RecordSnapshot | None = None
    record: YearlyRecord | None = None
    current: Submission | None = None
    duplicate_of: Submission | None = None
    submission: NewSubmission | None = None

    @property
    def accepted(self) -> bool:
        return not self.problems

    @property
    def is_new(self) -> bool:
        return self.accepted and self.duplicate_of is None


def process_receipt(
    receipt: Receipt,
    *,
    verifier: Verifier,
    clock: Clock | None,
    document: Document | None = None,
    before_commit: Callable[[], None] | None = None,
):
    """Check and answer every packet of a received receipt; return the receipt.

    ``document`` is what receiving read of the bytes; read again from the stored
    bytes when not given (a worker answering later). ``before_commit`` runs last
    inside the storing transaction (the fault tests stop a worker there).
    """
    return process_receipts(
        [(receipt, clock, document)], verifier=verifier, before_commit=before_commit
    )[0]


@dataclass
class _Answering:
    """One receipt of a group on its way: its packets, its clock and time."""

    receipt: Receipt
    clock: Clock | None
    candidates: list[Candidate]
    at: datetime | None = None

    @property
    def record_ids(self) -> set[int]:
        return {c.record.pk for c in self.candidates if c.record is not None}


def process_receipts(
    items: list[tuple[Receipt, Clock | None, Document | None]],
    *,
    verifier: Verifier,
    before_commit: Callable[[], None] | None = None,
) -> list[Receipt]:
    """Answer several receipts in one storing transaction (a batch): each
    verified and checked at its own clock, stored in the given order as if one
    after the other, under one lock of the ledger head, with one checkpoint.

    The receipts are stored in waves in which no record appears twice, each wave
    with one statement per table (a packet sent alone then costs about what it
    costs in a class package); a receipt naming a record of an earlier one of its
    wave starts the next wave, so it sees that one stored. A receipt no longer
    "received" is returned as found. Returns the receipts, in the given order.
    """
    work = [
        _Answering(r, clock, _candidates(r, document, blob))
        for (r, clock, document), blob in zip(items, _blobs(items), strict=True)
        if r.status == Receipt.Status.RECEIVED
    ]
    if not work:
        return [r for r, _, _ in items]
    for w in work:
        _verify(w.candidates, verifier, w.clock)
    _identify(work)
    with transaction.atomic():
        for w in work:
            w.at = now(w.clock)
        with ledger_session(max(w.at for w in work)) as ledger:
            for wave in _waves(work):
                _answer_wave(wave, ledger)
        if before_commit is not None:
            before_commit()  # the ledger's entries and checkpoint are written
    answered = {w.receipt.pk: w.receipt for w in work}
    return [answered.get(r.pk, r) for r, _, _ in items]


def _blobs(items) -> list[bytes | None]:
    """The stored bytes of each receipt not read yet, in one query."""
    wanted = [
        r.blob_id
        for r, _, document in items
        if document is None and r.status == Receipt.Status.RECEIVED
    ]
    found = stored_bytes(wanted) if wanted else {}
    return [found.get(r.blob_id) for r, _, _ in items]


def _candidates(
    receipt: Receipt, document: Document | None, data: bytes | None
) -> list[Candidate]:
    """The receipt's packets, read again from its stored bytes if need be.

    A packet sent alone is its stored bytes: they were read when the receipt was
    given (the same bytes, stored under their SHA-256 and never changed), and
    verifying parses them again anyway; only a package is read again, to take
    its packets out."""
    if document is None and receipt.kind == Receipt.Kind.PACKET and data:
        document = Document("packet", (data,), digests=(receipt.blob_id,))
    if document is None:
        document = read_document(data or b"", receipt.school.code)
    digests = document.digests or tuple(sha256_hex(p) for p in document.packets)
    return [
        Candidate(n, packet, digest)
        for n, (packet, digest) in enumerate(
            zip(document.packets, digests, strict=True), 1
        )
    ]


def _waves(work: list[_Answering]) -> list[list[_Answering]]:
    """The receipts in order, cut where one names a record already in the wave."""
    waves: list[list[_Answering]] = [[]]
    seen: set[int] = set()
    for w in work:
        if waves[-1] and w.record_ids & seen:
            waves.append([])
            seen = set()
        waves[-1].append(w)
        seen |= w.record_ids
    return waves


def _answer_wave(wave: list[_Answering], ledger: LedgerSession) -> None:
    """Store a wave's answers inside the storing transaction."""
    locked = {
        r.pk: r
        for r in Receipt.objects.select_for_update()
        .filter(pk__in=[w.receipt.pk for w in wave])
        .order_by("pk")
    }
    for w in wave:
        w.receipt = locked[w.receipt.pk]
    # another worker may have answered some meanwhile
    live = [w for w in wave if w.receipt.status == Receipt.Status.RECEIVED]
    if live:
        _check_state(live)
        storing.store(live, ledger)
        _finish(live)


RECOVERY_GRACE = timedelta(minutes=5)
"""How long a receipt may be "received" before recovery answers it: a worker may
still be on it (answering it twice is harmless, the second finds it answered)."""


def recover_receipts(
    *, verifier: Verifier, clock: Clock | None, older_than: timedelta = RECOVERY_GRACE
) -> list[Receipt]:
    """Answer every receipt still "received" after ``older_than``, oldest first,
    each at the time it was received (the submission's time, as a worker answers)."""
    stuck = Receipt.objects.select_related("school").filter(
        status=Receipt.Status.RECEIVED, received_at__lte=now(clock) - older_than
    )
    return [
        process_receipt(r, verifier=verifier, clock=fixed_clock(r.received_at))
        for r in stuck.order_by("received_at", "pk")
    ]


def _verify(candidates: list[Candidate], verifier: Verifier, clock) -> None:
    results = verifier.verify([c.data for c in candidates], now(clock))
    for candidate, result in zip(candidates, results, strict=True):
        candidate.problems += checks.signature_problems(result)
        candidate.snapshot = result.snapshot


def _identify(work: list[_Answering]) -> None:
    readable = [(w, c) for w in work for c in w.candidates if c.snapshot is not None]
    found = checks.find_records([c.snapshot for _, c in readable])
    for w, c in readable:
        transcript, c.record = found[(c.snapshot.lookup_code, c.snapshot.school_year)]
        c.problems += checks.identity_problems(
            c.snapshot, transcript, c.record, w.receipt.school_id
        )


def _check_state(live: list[_Answering]) -> None:
    candidates = [c for w in live for c in w.candidates]
    records = [c.record for c in candidates if c.record is not None]
    current, same = _submissions_of(records, {c.sha256 for c in candidates})
    locked = set(
        SchoolRoundLock.objects.filter(
            school_id__in={r.school_id for r in records},
            school_year_id__in={r.school_year_id for r in records},
        ).values_list("school_id", "school_year_id", "round")
    )
    for w in live:
        _check_receipt(w, current, same, locked)


def _submissions_of(records: list[YearlyRecord], digests: set[str]):
    """The records' current submissions (record id →) and the submissions of the
    same bytes (SHA-256 →), in one query. Both are locked: the rows of the same
    bytes too, which blocks no writer (each holds the ledger head first)."""
    accepted = Submission.State.ACCEPTED
    rows = (
        Submission.objects.select_for_update()
        .filter(Q(record__in=records, state=accepted) | Q(blob_id__in=digests))
        .only("id", "public_id", "record_id", "blob_id", "state")
    )
    wanted = {r.pk for r in records}
    current, same = {}, {}
    for s in rows:
        if s.state == accepted and s.record_id in wanted:
            current[s.record_id] = s
        if s.blob_id in digests:
            same[s.blob_id] = s
    return current, same


def _check_receipt(w: _Answering, current: dict, same: dict, locked: set) -> None:
    seen: set[int] = set()
    for c in w.candidates:
        if c.record is None:
            continue
        same_bytes = same.get(c.sha256)
        if (
            c.accepted
            and same_bytes is not None
            and same_bytes == current.get(c.record.pk)
        ):
            c.duplicate_of = same_bytes
            continue
        if c.record.pk in seen:
            c.problems.append(checks.duplicate_in_package())
            continue
        seen.add(c.record.pk)
        c.current = current.get(c.record.pk)
        c.problems += _round_problems(c.record, locked, w.at)
        c.problems += checks.operation_problems(
            w.receipt.operation, c.current, same_bytes
        )


def _round_problems(record: YearlyRecord, locked: set, at) -> list[Problem]:
    if not record.round:
        return []  # reported by the identity checks
    key = (record.school_id, record.school_year_id, record.round)
    passed = at >= lock_deadline(record.school_year, record.round)
    return checks.round_problems(key in locked, passed)


def _finish(live: list[_Answering]) -> None:
    for w in live:
        accepted = sum(1 for c in w.candidates if c.accepted)
        w.receipt.status = Receipt.Status.PROCESSED
        w.receipt.processed_at = w.at
        w.receipt.accepted_count = accepted
        w.receipt.rejected_count = len(w.candidates) - accepted
    mark_processed([w.receipt for w in live])


_PROCESSED = (
    'UPDATE "registry_receipt" SET "status" = %s, "processed_at" = v.at,'
    ' "accepted_count" = v.accepted, "rejected_count" = v.rejected'
    " FROM UNNEST(%s::bigint[], %s::timestamptz[], %s::integer[], %s::integer[])"
    ' AS v(id, at, accepted, rejected) WHERE "registry_receipt"."id" = v.id'
)
_PROCESSED_ONE = (
    'UPDATE "registry_receipt" SET "status" = %s, "processed_at" = %s,'
    ' "accepted_count" = %s, "rejected_count" = %s WHERE "id" = %s'
)


def mark_processed(receipts: list[Receipt]) -> None:
    """Write each receipt's answer (status, time, counts) in one statement
    written once, not ``bulk_update``'s CASE per field and receipt compiled at
    each batch: it cost a batch of packets sent alone about as much CPU as
    verifying them."""
    status = Receipt.Status.PROCESSED.value
    if connection.vendor == "postgresql":
        columns = [
            [r.pk for r in receipts],
            [r.processed_at for r in receipts],
            [r.accepted_count for r in receipts],
            [r.rejected_count for r in receipts],
        ]
        with bound_cursor(connection) as cursor:
            cursor.execute(_PROCESSED, [status, *columns])
        return
    at = Receipt._meta.get_field("processed_at")
    rows = [
        (
            status,
            at.get_db_prep_save(r.processed_at, connection),
            r.accepted_count,
            r.rejected_count,
            r.pk,
        )
        for r in receipts
    ]
    with connection.cursor() as cursor:
        cursor.executemany(_PROCESSED_ONE, rows)
