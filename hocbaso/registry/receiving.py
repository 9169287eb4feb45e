"""The first step of a submission: the receipt, given at once (domain.md §6.2).

The bytes are stored as received (``Blob``) and the receipt says "received, being
processed" or "refused" with the codes of ``package.read_document``. The same bytes
sent again by the same school for the same operation get the same receipt back
(idempotent) while its answer still holds: a receipt that accepted nothing, or whose
accepted submissions were since revoked or replaced, is not reused and the bytes are
checked again (what refused them, a certificate not yet registered say, may have
changed; a withdrawn packet is then rejected as such).

Of a refused body only its first ``REFUSED_KEPT_BYTES`` are kept (a ``Blob`` of
those bytes, under their own SHA-256), with the SHA-256 and size of the whole in the
receipt's error: stored bytes are append-only, and a refusal must not let anyone
store 64 MiB of junk for good. A body that small is kept whole.
"""

from __future__ import annotations

from datetime import datetime

from django.db import DEFAULT_DB_ALIAS, connection, transaction
from django.db.models import CharField, Q
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils import timezone

from hocbaso.prepared import PreparedQuery
from hocbaso.records.models import School
from hocbaso.registry import auditing
from hocbaso.registry.actors import Actor, check_school
from hocbaso.registry.auditing import audit_event
from hocbaso.registry.codes import EventType
from hocbaso.registry.entries import sha256_hex
from hocbaso.registry.models import AuditEvent, Blob, Receipt, RecordResult, Submission
from hocbaso.registry.package import Document, DocumentError, read_document
from hocbaso.registry.storing_rows import RowInsert, insert_together

REFUSED_KEPT_BYTES = 4096
"""What is kept of a refused body: enough to see what was sent."""


def _reusable(
    school_id: int, operation: str, sha256: str, kept_sha256: str, refused_sha256: str
):
    reusable = Q(status__in=[Receipt.Status.RECEIVED, Receipt.Status.REFUSED]) | Q(
        status=Receipt.Status.PROCESSED, accepted_count__gt=0
    )
    # Both branches name the bytes by the indexed blob column: a refused body is
    # kept under the digest of its first bytes (kept_digest), its whole digest in
    # its error. With the error's key alone, the check read every receipt of the
    # table at every POST.
    # The key is read as text and cast to a string column, so the digest is
    # compared as one plain parameter (a JSON comparison encodes it, differently
    # on each backend, which a prepared query cannot fill in).
    same = Q(blob_id=sha256) | Q(
        blob_id=kept_sha256,
        status=Receipt.Status.REFUSED,
        refused_sha256=refused_sha256,
    )
    return (
        Receipt.objects.alias(refused_sha256=Cast(KT("errors__0__sha256"), CharField()))
        .filter(reusable, same, school_id=school_id, operation=operation)
        .order_by("received_at")
        .values("id")
    )


# Asked at every receipt, found at almost none: compiled once per process.
_REUSABLE = PreparedQuery(_reusable, int, str, str, str, str)


def kept_digest(data: bytes, sha256: str) -> str:
    """The SHA-256 a refused ``data`` is kept under (its first bytes'), or
    ``sha256`` when it is kept whole."""
    if len(data) <= REFUSED_KEPT_BYTES:
        return sha256
    return sha256_hex(data[:REFUSED_KEPT_BYTES])


def earlier_receipt(
    school: School, operation: str, sha256: str, kept_sha256: str
) -> Receipt | None:
    """The receipt an identical call got, if it still answers this one."""
    for row in _REUSABLE(school.pk, operation, sha256, kept_sha256, sha256):
        receipt = Receipt.objects.select_related("school").get(pk=row["id"])
        if not _answer_changed(receipt):
            return receipt
    return None


def _answer_changed(receipt: Receipt) -> bool:
    """Whether a submission the receipt accepted is no longer current."""
    accepted = RecordResult.objects.filter(
        receipt=receipt, outcome=RecordResult.Outcome.ACCEPTED
    )
    return accepted.exclude(submission__state=Submission.State.ACCEPTED).exists()


# The bytes and the receipt are written at every POST: INSERTs whose SQL is written
# once per process (storing_rows), as compiling them cost as much as running them.
_BLOB = RowInsert(Blob, ("sha256", "data", "size", "stored_at"), ignore_conflicts=True)
_RECEIPT_COLUMNS = tuple(
    f.attname for f in Receipt._meta.concrete_fields if not f.primary_key
)
_RECEIPT = RowInsert(Receipt, _RECEIPT_COLUMNS, returning=("id",))


def _write(receipt: Receipt, blob: tuple, event: AuditEvent) -> None:
    """The bytes kept, the receipt and its audit row, all or none; the receipt
    saved as ``save()`` would leave it (its id set, no longer new).

    On PostgreSQL one statement (``insert_together``): a POST waited for five
    round trips here (BEGIN, three INSERTs, COMMIT), most of its time when the
    server's cores are busy. SQLite is in the process: a transaction costs no
    round trip."""
    row = tuple(getattr(receipt, c) for c in _RECEIPT_COLUMNS)
    if connection.vendor == "postgresql":
        parts = (_BLOB.single(blob), auditing.single(event))
        [(receipt.pk,)] = insert_together(_RECEIPT.single(row), *parts)
    else:
        with transaction.atomic():
            _BLOB([blob])
            [(receipt.pk,)] = _RECEIPT([row])
            auditing.write(event)
    receipt._state.adding, receipt._state.db = False, DEFAULT_DB_ALIAS


def receive(
    data: bytes,
    *,
    school: School,
    actor: Actor,
    operation: str,
    reason: str,
    at: datetime,
) -> tuple[Receipt, Document | None]:
    """Store the bytes and give the receipt (received or refused).

    Also returns what was read of the bytes, so that processing at once need not
    read them again (None for a receipt given earlier or refused).
    """
    check_school(actor, school, timezone.localdate(at))
    sha256 = sha256_hex(data)
    kept_sha256 = kept_digest(data, sha256)
    earlier = earlier_receipt(school, operation, sha256, kept_sha256)
    if earlier is not None:
        return earlier, None
    kind, count, errors, document = "", 0, [], None
    try:
        document = read_document(data, school.code)
        kind, count = document.kind, len(document.packets)
    except DocumentError as exc:
        errors = [{**exc.problem.to_dict(), "sha256": sha256, "size": len(data)}]
    # Of a refused body only its first bytes, under their own SHA-256: never a
    # truncated copy under the whole body's, as the same bytes may be accepted
    # later (from the school they belong to) and must then be stored whole.
    kept = (data[:REFUSED_KEPT_BYTES], kept_sha256) if errors else (data, sha256)
    receipt = Receipt(
        school=school,
        operation=operation,
        kind=kind,
        status=Receipt.Status.REFUSED if errors else Receipt.Status.RECEIVED,
        blob_id=kept[1],
        reason=reason,
        errors=errors,
        record_count=count,
        received_at=at,
        actor_user_id=actor.user_id,
        actor_label=actor.label,
    )
    event = _audited(receipt, actor, sha256, len(data))
    _write(receipt, (kept[1], kept[0], len(kept[0]), at), event)
    return receipt, document


def _audited(receipt: Receipt, actor: Actor, sha256: str, size: int) -> AuditEvent:
    """The receipt's audit row: what was received, by whom, and its answer."""
    return audit_event(
        EventType.RECEIPT_RECEIVE,
        actor,
        receipt.received_at,
        object_type="receipt",
        object_id=receipt.public_id,
        school_id=receipt.school_id,
        detail={
            "status": receipt.status,
            "records": receipt.record_count,
            "sha256": sha256,
            "size": size,
        },
    )
