"""The transcript as the registry holds it: what the lookup and staff pages show.

Everything shown is parsed from the signed packets the registry stored (the
submissions' bytes), never from the school side's rows (architecture.md). Per
yearly record: its current submission (or, when none is current, the last one
withdrawn) laid out like the official form, its legal status in words, who signed
it, when and under which CA, and the proof that its ledger entry is in the log
(checked here with hocbaso.ledger against the latest signed checkpoint). Earlier
submissions replaced by a newer one are listed with a link to the current one.

    code = normalise_code(text)              # None unless 32 hex digits
    transcript = find_transcript(code)       # None when no transcript has it
    view = registry_transcript(transcript)   # None when the registry holds nothing
    transcript, view = held_transcript(code) # both, from the source of this role

On the national repository (``HOCBASO_ROLE=national``) ``held_transcript`` reads
the records the departments sent (``hocbaso.exchange.lookup``): the view is built
the same way, its ``transcript`` is not a row here (the transcript is managed in
a department) and ``source`` says where the records came from, for the audit.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hocbaso.ledger import LedgerError, hash_leaf, verify_inclusion
from hocbaso.packet import (
    PacketError,
    RecordLevel,
    RecordSnapshot,
    load_packet_tree,
    snapshot_from_tree,
)
from hocbaso.printing import SignatureMark
from hocbaso.printing import _model as form_model
from hocbaso.printing import _primary as form_primary
from hocbaso.printing import _secondary as form_secondary
from hocbaso.records.models import Transcript
from hocbaso.registry import entries
from hocbaso.registry.ledger_log import reading_ledger, verify_stored_checkpoint
from hocbaso.registry.models import Blob, LedgerCheckpoint, Submission
from hocbaso.signing import Role
from hocbaso.signing._parsed import MalformedSignatureError, parse_signature
from hocbaso.signing.roles import find_slots

_HEX32 = re.compile(r"^[0-9a-f]{32}$")
_SEPARATORS = re.compile(r"[\s\-]")


def normalise_code(text: str | None) -> str | None:
    """The lookup code as stored (32 lowercase hex) from what a person typed:
    spaces and hyphens (the UUID form) are dropped, case is ignored. None if it is
    not a lookup code."""
    value = _SEPARATORS.sub("", text or "").lower()
    return value if _HEX32.match(value) else None


def find_transcript(code: str | None) -> Transcript | None:
    """The transcript with this code, or None. One indexed query either way."""
    if code is None:
        # Same work as a code that matches nothing: one query (no timing oracle
        # between a malformed and an unknown code is needed, but it costs nothing).
        code = "0" * 32
    return (
        Transcript.objects.select_related("student", "school")
        .filter(lookup_code=code)
        .first()
    )


def held_transcript(
    code: str | None,
) -> tuple[Transcript | None, TranscriptView | None]:
    """The transcript with this code and what this installation holds of it.

    A department answers from its registry; the national repository from the
    records the departments sent (its own registry, if it has one, after them).
    The transcript is None when it is not a row of this installation.
    """
    if settings.HOCBASO_ROLE == "national":
        from hocbaso.exchange.lookup import national_transcript

        view = national_transcript(code)
        if view is not None:
            return None, view
    transcript = find_transcript(code)
    return transcript, registry_transcript(transcript)


def parsed_packet(data: bytes) -> _Packet | None:
    """What a packet's bytes show (snapshot, signature marks, the year's form)."""
    return _parse(data)


# --- what one submission shows ----------------------------------------------------


class Standing:
    """The legal status of a submission, as a CSS class and a kind."""

    EFFECTIVE = "effective"
    PENDING = "pending"
    REVOKED = "revoked"
    REPLACED = "replaced"


ROLE_WORDS = {
    Role.SUBJECT_TEACHER: gettext_lazy("subject teacher"),
    Role.HOMEROOM_TEACHER: gettext_lazy("homeroom teacher"),
    Role.LEADER: gettext_lazy("principal or deputy"),
    Role.SEAL: gettext_lazy("school seal"),
}


@dataclass(frozen=True)
class SignatureLine:
    role: str
    role_label: str
    signer: str
    issuer: str
    signed_at: datetime


@dataclass(frozen=True)
class LedgerProof:
    """Where a submission's ledger entry is and whether its proof checked out."""

    index: int
    tree_size: int | None
    checkpoint: str
    root_hex: str
    path_length: int
    verified: bool
    problem: str = ""
    lock_index: int | None = None
    revocation_index: int | None = None


@dataclass
class RecordPage:
    """One submission of one yearly record, as the registry holds it."""

    public_id: str
    record_id: int
    standing: str
    status_text: str
    accepted_at: datetime
    effective_at: datetime | None
    withdrawn_at: datetime | None
    reason: str
    replaced_by: str | None
    packet_sha256: str
    snapshot: RecordSnapshot
    form: dict[str, Any]
    signatures: list[SignatureLine]
    proof: LedgerProof
    submission: Submission = field(repr=False)

    @property
    def school_year(self) -> str:
        return self.snapshot.school_year

    @property
    def grade(self) -> int:
        return self.snapshot.grade


@dataclass
class TranscriptView:
    transcript: Transcript
    level: str  # "primary" or "secondary"
    pages: list[RecordPage]  # one per yearly record, school-year order
    earlier: list[RecordPage]  # replaced submissions, newest first
    identity: dict[str, Any]
    history: list[dict[str, Any]]
    checkpoint_size: int | None
    # where the records come from when not from this registry (audit detail)
    source: dict[str, Any] = field(default_factory=dict)

    def page(self, public_id: str) -> RecordPage | None:
        for page in [*self.pages, *self.earlier]:
            if page.public_id == public_id:
                return page
        return None

    def packets(self, pages: list[RecordPage] | None = None) -> list[bytes]:
        """The stored bytes of pages (default: those shown, one per record)."""
        pages = self.pages if pages is None else pages
        ids = [p.submission.blob_id for p in pages]
        data = dict(Blob.objects.filter(pk__in=ids).values_list("sha256", "data"))
        return [bytes(data[blob_id]) for blob_id in ids]


def registry_transcript(transcript: Transcript | None) -> TranscriptView | None:
    """What the registry holds of a transcript; None when it holds nothing.

    With None (a code that matched nothing) the same query runs and finds nothing,
    so an unknown code and a transcript the registry holds nothing of cost alike.
    """
    submissions = list(
        Submission.objects.filter(
            record__transcript_id=transcript.pk if transcript else 0
        )
        .select_related("supersedes", "lock")
        .order_by("record_id", "accepted_at", "pk")
    )
    if not submissions or transcript is None:
        return None
    parsed = _parsed_packets({s.blob_id for s in submissions})
    checkpoint = _Checkpoint.latest()
    replaced_by = {
        s.supersedes.public_id: s.public_id for s in submissions if s.supersedes
    }
    shown: dict[int, Submission] = {}
    for s in submissions:  # the current one, else the latest revoked one
        held = shown.get(s.record_id)
        if s.state == Submission.State.ACCEPTED or (
            s.state == Submission.State.REVOKED
            and (held is None or held.state != Submission.State.ACCEPTED)
        ):
            shown[s.record_id] = s
    pages, earlier = [], []
    for s in submissions:
        packet = parsed.get(s.blob_id)
        if packet is None:  # accepted once, unreadable now: shown as nothing
            continue
        page = _page(s, packet, checkpoint, replaced_by)
        if shown.get(s.record_id) is s:
            pages.append(page)
        else:
            earlier.append(page)
    if not pages and not earlier:
        return None
    pages.sort(key=lambda p: (p.school_year, p.grade, p.accepted_at))
    earlier.sort(key=lambda p: p.accepted_at, reverse=True)
    snapshots = [p.snapshot for p in pages] or [earlier[0].snapshot]
    level = "primary" if snapshots[0].level is RecordLevel.PRIMARY else "secondary"
    marks = [form_model.Marks(_marks(p)) for p in pages] or [form_model.Marks(())]
    return TranscriptView(
        transcript=transcript,
        level=level,
        pages=pages,
        earlier=earlier,
        identity=form_model.identity(snapshots[-1], marks[-1]),
        history=[
            row
            for row in form_model.history(level, snapshots, marks[: len(snapshots)])
            if not row.get("blank")
        ],
        checkpoint_size=checkpoint.size,
    )


@dataclass(frozen=True)
class _Packet:
    """What a stored packet shows, parsed once per process: the bytes are
    immutable (the blob's key is their SHA-256), so the parse is too."""

    sha256: str
    snapshot: RecordSnapshot
    marks: tuple[SignatureMark, ...]
    form: dict[str, Any]


_CACHE_SIZE = 2048
_cache: OrderedDict[str, _Packet | None] = OrderedDict()
_cache_lock = threading.Lock()


def _parsed_packets(blob_ids: set[str]) -> dict[str, _Packet | None]:
    """The parsed packets of these blobs; the bytes of any not parsed yet are read
    in one query and checked against their SHA-256."""
    found: dict[str, _Packet | None] = {}
    with _cache_lock:
        for blob_id in blob_ids:
            if blob_id in _cache:
                _cache.move_to_end(blob_id)
                found[blob_id] = _cache[blob_id]
    missing = blob_ids - found.keys()
    if missing:
        rows = Blob.objects.filter(pk__in=missing).values_list("sha256", "data")
        for blob_id, data in rows:
            found[blob_id] = _parse(bytes(data))
        with _cache_lock:
            for blob_id in missing:
                _cache[blob_id] = found.get(blob_id)
            while len(_cache) > _CACHE_SIZE:
                _cache.popitem(last=False)
    return found


def _parse(data: bytes) -> _Packet | None:
    try:
        root = load_packet_tree(data)
        snapshot = snapshot_from_tree(root)
    except PacketError:
        return None
    marks = tuple(_signature_marks(root))
    year_page = (
        form_primary.year_page
        if snapshot.level is RecordLevel.PRIMARY
        else form_secondary.year_page
    )
    return _Packet(
        sha256=hashlib.sha256(data).hexdigest(),
        snapshot=snapshot,
        marks=marks,
        form=year_page(snapshot, form_model.Marks(marks)),
    )


def signature_lines(marks) -> list[SignatureLine]:
    """The page's lines for a packet's signature marks (who, role, CA, when)."""
    return [
        SignatureLine(
            role=m.role.value,
            role_label=str(ROLE_WORDS[m.role]),
            signer=m.name,
            issuer=m.issuer,
            signed_at=m.signed_at,
        )
        for m in marks
    ]


def _page(
    s: Submission,
    packet: _Packet,
    checkpoint: _Checkpoint,
    replaced_by: dict[str, str],
) -> RecordPage:
    standing, status = _standing(s, replaced_by)
    page = RecordPage(
        public_id=s.public_id,
        record_id=s.record_id,
        standing=standing,
        status_text=status,
        accepted_at=s.accepted_at,
        effective_at=s.locked_at,
        withdrawn_at=s.withdrawn_at,
        reason=s.withdraw_reason or s.reason,
        replaced_by=replaced_by.get(s.public_id),
        packet_sha256=packet.sha256,
        snapshot=packet.snapshot,
        form=packet.form,
        signatures=signature_lines(packet.marks),
        proof=checkpoint.prove(s, packet.sha256),
        submission=s,
    )
    page._marks = list(packet.marks)
    return page


def _marks(page: RecordPage) -> list[SignatureMark]:
    return page._marks


def _standing(s: Submission, replaced_by: dict[str, str]) -> tuple[str, str]:
    def day(moment: datetime | None) -> str:
        return timezone.localtime(moment).strftime("%d/%m/%Y") if moment else ""

    if s.state == Submission.State.REVOKED:
        return Standing.REVOKED, _("Revoked on %(date)s. Reason: %(reason)s") % {
            "date": day(s.withdrawn_at),
            "reason": s.withdraw_reason,
        }
    if s.state == Submission.State.SUPERSEDED:
        return Standing.REPLACED, _(
            "Replaced on %(date)s by a newer submission: this version is no "
            "longer in force."
        ) % {"date": day(s.withdrawn_at)}
    if s.locked_at is not None:
        return Standing.EFFECTIVE, _(
            "Effective since %(date)s (locked: it can no longer change)."
        ) % {"date": day(s.locked_at)}
    return Standing.PENDING, _(
        "Submitted on %(date)s, not yet locked: the school may still replace or "
        "revoke it before the deadline."
    ) % {"date": day(s.accepted_at)}


def _signature_marks(root) -> list[SignatureMark]:
    marks = []
    for placed in find_slots(root):
        for element in placed.signatures():
            try:
                parsed = parse_signature(element, placed)
            except MalformedSignatureError:
                continue
            marks.append(
                SignatureMark.from_certificate(
                    placed.slot.role, parsed.certificates[0], parsed.signing_time
                )
            )
    return marks


# --- the ledger --------------------------------------------------------------------


@dataclass
class _Checkpoint:
    size: int | None
    note: str
    root: bytes
    problem: str

    @classmethod
    def latest(cls) -> _Checkpoint:
        row = LedgerCheckpoint.objects.order_by("-size").first()
        if row is None:
            return cls(None, "", b"", _("the ledger has no checkpoint yet"))
        try:
            checkpoint = verify_stored_checkpoint(row.note)
        except LedgerError:
            return cls(row.size, row.note, b"", _("the checkpoint does not verify"))
        return cls(checkpoint.size, row.note, checkpoint.root_hash, "")

    def prove(self, s: Submission, packet_sha256: str) -> LedgerProof:
        """Rebuild the submission's entry from the stored bytes and check that it is
        leaf ledger_index of the tree the signed checkpoint commits to."""
        entry = entries.submission_entry(
            record_id=s.record_id,
            public_id=s.public_id,
            packet_sha256=packet_sha256,
            accepted_at=s.accepted_at,
            previous_sha256=s.supersedes.blob_id if s.supersedes else None,
        )
        proof = LedgerProof(
            index=s.ledger_index,
            tree_size=self.size,
            checkpoint=self.note,
            root_hex=self.root.hex(),
            path_length=0,
            verified=False,
            problem=self.problem,
            lock_index=s.lock.ledger_index if s.lock_id else None,
            revocation_index=s.withdraw_ledger_index,
        )
        if self.problem or self.size is None:
            return proof
        try:
            path = _inclusion_path(s.ledger_index, self.size, self.root)
            verify_inclusion(
                hash_leaf(entry.to_bytes()), s.ledger_index, self.size, path, self.root
            )
        except LedgerError as exc:
            return _replace(proof, problem=_("the inclusion proof fails: %s") % exc)
        return _replace(proof, path_length=len(path), verified=True)


_paths: OrderedDict[tuple[int, int, bytes], list[bytes]] = OrderedDict()


def _inclusion_path(index: int, size: int, root: bytes) -> list[bytes]:
    """The audit path of leaf index in the tree of size; kept per process (the
    tree whose signed checkpoint has this root never changes: append-only)."""
    key = (index, size, root)
    with _cache_lock:
        if key in _paths:
            return _paths[key]
    path = reading_ledger().inclusion_proof(index, size)
    with _cache_lock:
        _paths[key] = path
        while len(_paths) > _CACHE_SIZE:
            _paths.popitem(last=False)
    return path


def _replace(proof: LedgerProof, **changes) -> LedgerProof:
    from dataclasses import replace

    return replace(proof, **changes)
