"""What the registry holds of a transcript: the one read side (docs/registry.md).

Every page, the API, the citizen pages, the documents and the national role ask
here, never the registry's tables. What is held is built from the signed packets
the registry stored (the submissions' bytes), never from the school side's rows:

    transcript, holding = holdings().held(code)  # by lookup code, this role's source
    holding = holdings().of_transcript(t)        # staff pages: a transcript row
    standings(records)                           # each record's Standing (citizen)
    current_packets(transcripts)                 # the bytes of the current records

Every value is frozen and carries no words: a page's status text, a signer's role
and a proof's problem are put into words when they are read (the reader's
language), so one derived value serves every reader. What is derived (packets
parsed, the ledger proof verified against the signed checkpoint) is kept in the
deployment's cache (settings.CACHES, ``HOLDINGS_CACHE``) under a key made of what
can change it: the transcript's latest ledger entry (accept, replace, revoke, lock),
the latest checkpoint's size and root, and the cosignatures stored for it. Any change
in the registry appends an entry, so the next lookup reads a new key: a revocation
or a lock shows at once.

The source is chosen from HOCBASO_ROLE (``IMPLEMENTATIONS``): a department reads its
registry (``RegistryHoldings``), the national repository the records the
departments sent (``hocbaso.exchange.lookup.NationalHoldings``), both through the
``Holdings`` protocol.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from django.conf import settings
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Count, F, Func, Max, OuterRef, QuerySet, Subquery
from django.utils.module_loading import import_string

from hocbaso.ledger import LedgerError, hash_leaf, verify_inclusion
from hocbaso.packet import RecordLevel
from hocbaso.printing import PrintingError, layout
from hocbaso.printing.document import ReadPacket, read_packet
from hocbaso.records.models import School, Student, Transcript, YearlyRecord
from hocbaso.registry import entries
from hocbaso.registry.cosigning import witnesses_behind
from hocbaso.registry.holding_values import (
    HeldSubmission,
    Holding,
    LedgerProof,
    Problem,
    RecordPage,
    RecordStanding,
    Standing,
)
from hocbaso.registry.ledger_log import reading_ledger, verify_stored_checkpoint
from hocbaso.registry.models import (
    Blob,
    Correction,
    LedgerCheckpoint,
    LedgerCosignature,
    Submission,
    Transfer,
)
from hocbaso.registry.prepared import PreparedQuery

__all__ = [
    "HeldSubmission",
    "Holding",
    "Holdings",
    "LedgerProof",
    "Problem",
    "RecordPage",
    "RecordStanding",
    "RegistryHoldings",
    "Standing",
    "current_packets",
    "find_transcript",
    "held_packets",
    "holdings",
    "parsed_packet",
    "standings",
    "transcripts_released_to",
]

HOLDINGS_CACHE = "default"
# Long enough to matter, short enough that a cache nobody invalidates (the key
# changes instead) does not hold values for days.
_TTL = 3600
# The role → the implementation of Holdings; strings, so the registry does not
# import the exchange (docs/architecture.md: dependencies point one way).
IMPLEMENTATIONS = {
    "department": "hocbaso.registry.holdings.RegistryHoldings",
    "national": "hocbaso.exchange.lookup.NationalHoldings",
}


class Holdings(Protocol):
    """What an installation holds of transcripts, whatever its tables."""

    def held(self, code: str | None) -> tuple[Transcript | None, Holding | None]:
        """The transcript with this code (None when not a row here) and what is
        held of it (None when nothing)."""
        ...

    def of_transcript(self, transcript: Transcript) -> Holding | None:
        """What is held of a transcript row of this installation."""
        ...


def holdings() -> Holdings:
    """The implementation for this installation's role (HOCBASO_ROLE)."""
    return _implementation(settings.HOCBASO_ROLE)


@functools.cache
def _implementation(role: str) -> Holdings:
    implementation: Holdings = import_string(IMPLEMENTATIONS[role])()
    return implementation


def find_transcript(code: str | None) -> Transcript | None:
    """The transcript with this code, with its student and school, or None. One
    indexed query either way: a malformed code costs what an unknown one does."""
    rows = _BY_CODE(code or "0" * 32)
    return _transcript_of(rows[0]) if rows else None


# What select_related("student", "school") reads, compiled once (prepared.py):
# building the ORM's query cost twenty times running it.
_RELATED = {"": Transcript, "student__": Student, "school__": School}
_BY_CODE = PreparedQuery(
    lambda code: Transcript.objects.filter(lookup_code=code).values(
        *(
            prefix + f.attname
            for prefix, model in _RELATED.items()
            for f in model._meta.concrete_fields
        )
    )[:1],
    str,
)


def _transcript_of(row: dict[str, Any]) -> Transcript:
    def instance(prefix: str, model: type) -> Any:
        names = [f.attname for f in model._meta.concrete_fields]
        return model.from_db(DEFAULT_DB_ALIAS, names, [row[prefix + n] for n in names])

    transcript = instance("", Transcript)
    transcript.student = instance("student__", Student)
    transcript.school = instance("school__", School)
    return transcript


class RegistryHoldings:
    """A department's registry as the source."""

    def held(self, code: str | None) -> tuple[Transcript | None, Holding | None]:
        transcript = find_transcript(code)
        return transcript, self.of_transcript(transcript)

    def of_transcript(self, transcript: Transcript | None) -> Holding | None:
        """None when the registry holds nothing. With None (a code that matched
        nothing) the same version query runs and finds nothing, so an unknown code
        and a transcript without submissions cost alike."""
        pk = transcript.pk if transcript is not None else 0
        event, count = _latest_event(pk)
        if transcript is None or not count:
            return None
        key = f"holdings:registry:{pk}:{event}:{_checkpoint_state()}"
        found = _kept(key, pk)
        if found is False:  # held submissions, none readable: shown as nothing
            return None
        return replace(found, transcript=transcript, version=key)


# The holdings this process read last, as objects: unpickling one from the cache
# cost a tenth of a cached lookup. A value never changes under its key; one is
# used only while the cache still has its key, so clearing the cache clears it.
_RECENT: OrderedDict[str, Holding | bool] = OrderedDict()
_RECENT_SIZE = 128
_RECENT_LOCK = threading.Lock()


def _kept(key: str, transcript_id: int) -> Holding | bool:
    cache = caches[HOLDINGS_CACHE]
    with _RECENT_LOCK:
        found = _RECENT.get(key)
    if found is None or not cache.has_key(key):
        found = cache.get(key)
        if found is None:
            found = _build(transcript_id)
            cache.set(key, found, _TTL)
    with _RECENT_LOCK:
        _RECENT[key] = found
        _RECENT.move_to_end(key)
        while len(_RECENT) > _RECENT_SIZE:
            _RECENT.popitem(last=False)
    return found


def _latest_event(transcript_id: int) -> tuple[int, int]:
    """The index of the transcript's latest ledger entry (its submissions accepted,
    withdrawn or locked) and how many submissions it has: one query."""
    rows = _LATEST_EVENT(transcript_id)
    if not rows:
        return -1, 0
    row = rows[0]
    indexes = [
        row[k] for k in ("accepted", "withdrawn", "locked") if row[k] is not None
    ]
    return max(indexes, default=-1), row["count"]


_LATEST_EVENT = PreparedQuery(
    lambda transcript_id: (
        Submission.objects.filter(record__transcript_id=transcript_id)
        .order_by()
        .values("record__transcript_id")
        .annotate(
            accepted=Max("ledger_index"),
            withdrawn=Max("withdraw_ledger_index"),
            locked=Max("lock__ledger_index"),
            count=Count("pk"),
        )
    ),
    int,
)


def _checkpoint_state() -> str:
    """The latest checkpoint's size and root: every registry transaction appends
    and signs a new one (docs/registry.md), and the root tells apart two logs of
    the same size (one whose last appends were rolled back and made again). With
    them, the count and latest id of the cosignatures covering it, in the same
    query: a witness cosigning after the page was kept shows at the next lookup
    (the proof's witness count, docs/ledger.md)."""
    rows = _CHECKPOINT_STATE()
    if not rows:
        return "none"
    row = rows[0]
    cosigned = f"w{row['cosigned'] or 0}.{row['cosigned_last'] or 0}"
    return f"{row['size']}-{bytes(row['root']).hex()}-{cosigned}"


def _latest_checkpoint_state() -> QuerySet:
    covering = LedgerCosignature.objects.filter(size__gte=OuterRef("size")).order_by()
    return (
        LedgerCheckpoint.objects.order_by("-size")
        .annotate(
            cosigned=Subquery(covering.annotate(n=_COUNT).values("n")[:1]),
            cosigned_last=Subquery(covering.annotate(m=_MAX).values("m")[:1]),
        )
        .values("size", "root", "cosigned", "cosigned_last")[:1]
    )


# Aggregates written as plain functions: inside the subquery they must not group
# by anything (every cosignature covering the checkpoint is one group).
_COUNT = Func(F("pk"), function="COUNT")
_MAX = Func(F("pk"), function="MAX")
_CHECKPOINT_STATE = PreparedQuery(_latest_checkpoint_state)


# --- building what is held ------------------------------------------------------


def _build(transcript_id: int) -> Holding | bool:
    submissions = list(
        Submission.objects.filter(record__transcript_id=transcript_id)
        .select_related("supersedes", "lock")
        .order_by("record_id", "accepted_at", "pk")
    )
    parsed = _parsed_packets({s.blob_id for s in submissions})
    checkpoint = _Checkpoint.latest()
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
    s: Submission, packet: _Packet, checkpoint: _Checkpoint, replaced_by: str | None
) -> RecordPage:
    return RecordPage(
        public_id=s.public_id,
        record_id=s.record_id,
        standing=_standing(s),
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


def _standing(s: Submission) -> Standing:
    if s.state == Submission.State.REVOKED:
        return Standing.REVOKED
    if s.state == Submission.State.SUPERSEDED:
        return Standing.SUPERSEDED
    return Standing.EFFECTIVE if s.locked_at is not None else Standing.ACCEPTED


# --- packets ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Packet:
    """A stored packet as read for the pages: immutable like the bytes (the blob's
    key is their SHA-256), so it is cached under that key for good."""

    read: ParsedPacket
    form: dict[str, Any] = field(repr=False)


@dataclass(frozen=True)
class ParsedPacket:
    sha256: str
    snapshot: Any
    marks: tuple[Any, ...]


def parsed_packet(data: bytes, sha256: str) -> _Packet | None:
    """What a packet's bytes show (snapshot, signature marks, the year's form), or
    None when they are not a readable record. Cached under the bytes' SHA-256,
    which the caller has checked (the blob's key, the national record's digest)."""
    cache = caches[HOLDINGS_CACHE]
    key = f"holdings:packet:{sha256}"
    found = cache.get(key)
    if found is None:
        found = _parse(data, sha256) or False
        cache.set(key, found, _TTL)
    return found or None


def _parsed_packets(blob_ids: set[str]) -> dict[str, _Packet | None]:
    """The parsed packets of these blobs; the bytes of any not cached yet are read
    in one query."""
    cache = caches[HOLDINGS_CACHE]
    keys = {f"holdings:packet:{b}": b for b in blob_ids}
    found = {keys[k]: v or None for k, v in cache.get_many(list(keys)).items()}
    missing = blob_ids - found.keys()
    if missing:
        rows = Blob.objects.filter(pk__in=missing).values_list("sha256", "data")
        for blob_id, data in rows:
            found[blob_id] = parsed_packet(bytes(data), blob_id)
    return found


def _parse(data: bytes, sha256: str) -> _Packet | None:
    try:
        read: ReadPacket = read_packet(data)
    except PrintingError:
        return None
    marks = layout.Marks(read.marks)
    return _Packet(
        ParsedPacket(sha256, read.snapshot, read.marks),
        form=layout.year_page(read.snapshot, marks),
    )


def held_packets(pages: Iterable[RecordPage]) -> list[bytes]:
    """The stored bytes of pages (registry blobs), in the order given."""
    ids = [p.packet_sha256 for p in pages]
    data = dict(Blob.objects.filter(pk__in=ids).values_list("sha256", "data"))
    return [bytes(data[blob_id]) for blob_id in ids]


# --- the ledger --------------------------------------------------------------------


@dataclass(frozen=True)
class _Checkpoint:
    size: int | None
    note: str
    root: bytes
    problem: Problem | None

    @classmethod
    def latest(cls) -> _Checkpoint:
        row = LedgerCheckpoint.objects.order_by("-size").first()
        if row is None:
            return cls(None, "", b"", Problem("NO_CHECKPOINT"))
        try:
            checkpoint = verify_stored_checkpoint(row.note)
        except LedgerError:
            return cls(row.size, row.note, b"", Problem("CHECKPOINT_INVALID"))
        return cls(checkpoint.size, row.note, checkpoint.root_hash, None)

    def prove(self, s: Submission, packet_sha256: str) -> LedgerProof:
        """Rebuild the submission's entry from the stored bytes and check that it is
        leaf ledger_index of the tree the signed checkpoint commits to (RFC 6962
        §2.1.1)."""
        proof = LedgerProof(
            index=s.ledger_index,
            tree_size=self.size,
            checkpoint=self.note,
            root_hex=self.root.hex(),
            lock_index=s.lock.ledger_index if s.lock_id else None,
            revocation_index=s.withdraw_ledger_index,
            failure=self.problem,
            witnesses=len(witnesses_behind(self.size)) if self.size else 0,
        )
        if self.problem or self.size is None:
            return proof
        entry = entries.submission_entry(
            record_id=s.record_id,
            public_id=s.public_id,
            packet_sha256=packet_sha256,
            accepted_at=s.accepted_at,
            previous_sha256=s.supersedes.blob_id if s.supersedes else None,
        )
        try:
            path = reading_ledger().inclusion_proof(s.ledger_index, self.size)
            leaf = hash_leaf(entry.to_bytes())
            verify_inclusion(leaf, s.ledger_index, self.size, path, self.root)
        except LedgerError as exc:
            return replace(proof, failure=Problem("INCLUSION_FAILS", str(exc)))
        return replace(proof, path_length=len(path), verified=True)


# --- standings, packets and transfers for the other pages ----------------------


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
        return RecordStanding(record, _standing(sub), sub.locked_at, held(sub))
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
        standing=_standing(sub),
        accepted_at=sub.accepted_at,
        locked_at=sub.locked_at,
        replaces=sub.supersedes.public_id if sub.supersedes_id else None,
    )


def packet_of(submission: HeldSubmission) -> bytes:
    """The stored bytes of a held submission's packet."""
    return bytes(Blob.objects.values_list("data", flat=True).get(pk=submission.blob_id))


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
