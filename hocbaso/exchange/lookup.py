"""The national lookup (R14): the portal's pages and API on the national repository.

``hocbaso.portal.registry_view.held_transcript`` calls ``national_transcript`` when
``HOCBASO_ROLE=national``. The view is built like a department's, from the signed
packets the departments sent (``NationalRecord``), so the same templates and the
same API schema show it:

- each current, effective record of the transcript is a page: its form, its
  signers (parsed from the packet), and its legal status, with the packet's
  signatures verified again against the sending department's CAs at the record's
  effective date (the result is kept per packet and day in this process);
- its ledger proof is the department's: the checkpoint of the batch that brought
  the record must verify under the ledger key the department had when the batch
  was received, and the proof kept with the record (the lock entry's RFC 6962
  audit path, the lock's list naming the packet, the submission entry's path) is
  checked again against it (``proofs.stored_proof_holds``);
- the transcript is not a row here: ``view.transcript`` is an unsaved
  ``Transcript`` naming the student and the managing school, and ``view.source``
  lists the departments' record ids for the audit trail (never the code).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict

from django.utils import timezone
from django.utils.translation import gettext as _

from hocbaso.exchange import proofs, trust
from hocbaso.exchange.errors import ExchangeError
from hocbaso.exchange.inbound import national_records
from hocbaso.exchange.models import NationalRecord
from hocbaso.ledger import LedgerError, VerifierKey, verify_checkpoint
from hocbaso.packet import RecordLevel
from hocbaso.portal.registry_view import (
    LedgerProof,
    RecordPage,
    Standing,
    TranscriptView,
    parsed_packet,
    signature_lines,
)
from hocbaso.printing import _model as form_model
from hocbaso.records.models import School, Student, Transcript
from hocbaso.signing import Status, verify_packet

INVALID = "invalid"

_verified: OrderedDict[tuple[str, dt.date], tuple[bool, str]] = OrderedDict()
_lock = threading.Lock()
_CACHE_SIZE = 2048


def national_transcript(code: str | None) -> TranscriptView | None:
    """What the national repository holds of the transcript with this code."""
    records = national_records(code or "0" * 32)
    pages, packets = [], []
    for record in records:
        packet = parsed_packet(bytes(record.packet))
        if packet is None:  # stored after verification: cannot happen unless edited
            continue
        pages.append(_page(record, packet))
        packets.append(packet)
    if not pages:
        return None
    snapshots = [p.snapshot for p in packets]
    marks = [form_model.Marks(p.marks) for p in packets]
    level = "primary" if snapshots[0].level is RecordLevel.PRIMARY else "secondary"
    latest = records[-1]
    return TranscriptView(
        transcript=_transcript(latest, snapshots[-1], level),
        level=level,
        pages=pages,
        earlier=[],
        identity=form_model.identity(snapshots[-1], marks[-1]),
        history=[
            row
            for row in form_model.history(level, snapshots, marks)
            if not row.get("blank")
        ],
        checkpoint_size=None,
        source={
            "source": "national",
            "records": [f"{r.record_id} v{r.version}" for r in records],
        },
    )


def _transcript(record: NationalRecord, snapshot, level: str) -> Transcript:
    """An unsaved transcript: the student and the school that manages it now."""
    managing = record.row.get("matruongquanly") or snapshot.school.code
    name = snapshot.school.name if managing == snapshot.school.code else managing
    return Transcript(
        level=level,
        lookup_code=record.lookup_code,
        student=Student(
            student_code=snapshot.student.student_code,
            full_name=snapshot.student.full_name,
        ),
        school=School(code=managing, name=name, level=level),
    )


def _page(record: NationalRecord, packet) -> RecordPage:
    effective = dt.datetime.fromisoformat(record.row["ngayhieuluc"])
    valid, problem = _signatures_valid(record, effective)
    day = timezone.localtime(effective).strftime("%d/%m/%Y")
    received = timezone.localtime(record.stored_at).strftime("%d/%m/%Y")
    if valid:
        standing = Standing.EFFECTIVE
        status = _(
            "Effective since %(date)s (locked: it can no longer change). Sent by "
            "department %(department)s on %(received)s; its signatures verified "
            "again for this lookup."
        ) % {"date": day, "department": record.department, "received": received}
    else:
        standing = INVALID
        status = _("The signed record does not verify: %(problem)s") % {
            "problem": problem
        }
    page = RecordPage(
        public_id=f"{record.record_id}-v{record.version}",
        record_id=record.pk,
        standing=standing,
        status_text=status,
        accepted_at=record.stored_at,
        effective_at=effective,
        withdrawn_at=None,
        reason="",
        replaced_by=None,
        packet_sha256=record.packet_sha256,
        snapshot=packet.snapshot,
        form=packet.form,
        signatures=signature_lines(packet.marks),
        proof=_proof(record),
        submission=None,
    )
    page._marks = list(packet.marks)
    return page


def _signatures_valid(record: NationalRecord, effective: dt.datetime):
    key = (record.packet_sha256, timezone.localdate())
    with _lock:
        if key in _verified:
            return _verified[key]
    try:
        store = trust.department_trust_store(record.department)
    except ExchangeError as exc:
        return False, str(exc)
    result = verify_packet(bytes(record.packet), store, at=effective)
    found = (
        result.status is Status.VALID,
        "; ".join(f"{c.name}: {c.reason}" for c in result.failures),
    )
    with _lock:
        _verified[key] = found
        while len(_verified) > _CACHE_SIZE:
            _verified.popitem(last=False)
    return found


def _proof(record: NationalRecord) -> LedgerProof:
    """The department's checkpoint and the lock's audit path, checked again here
    with the ledger key the department had when the batch was received."""
    note, stored = record.batch.checkpoint, record.proof or {}
    lock = stored.get("lock", {})
    proof = LedgerProof(
        index=record.lock_index if record.lock_index is not None else -1,
        tree_size=stored.get("size"),
        checkpoint=note,
        root_hex="",
        path_length=len(lock.get("proof", [])),
        verified=False,
        lock_index=record.lock_index,
    )
    key = trust.ledger_key_at(record.department, record.batch.received_at)
    try:
        checkpoint = verify_checkpoint(note, VerifierKey.from_string(key or ""))
    except (LedgerError, ValueError):
        return _replace(
            proof,
            problem=_("the checkpoint is not signed by department %(d)s's ledger key")
            % {"d": record.department},
        )
    proof = _replace(
        proof, tree_size=checkpoint.size, root_hex=checkpoint.root_hash.hex()
    )
    if not proofs.stored_proof_holds(record, key):
        return _replace(
            proof, problem=_("the checkpoint does not cover the record's lock")
        )
    return _replace(proof, verified=True)


def _replace(proof: LedgerProof, **changes) -> LedgerProof:
    from dataclasses import replace

    return replace(proof, **changes)
