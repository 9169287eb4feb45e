"""A department queues the locked records of a round for the national repository.

``queue_round`` writes, in one transaction, the batches of every locked record of
the round that the national repository does not hold in its present version yet:

1. the records: every current submission of the round that is locked (so a record
   revoked or replaced before the lock, which has no current submission, never
   leaves the province), with its packet bytes as received;
2. the version: a record never sent is ``NEW`` version 1; a version corrected
   after the lock (``record:correct``, which supersedes the locked submission) is
   ``UPDATE`` with the next version, after the versions it supersedes; a record
   sent before whose managing school has changed since (a transfer) is
   ``UPDATE`` with the next version and the same packet; a record already sent as
   it is now is skipped;
3. each batch: the feed rows and packets, and a manifest signed with the
   department's exchange key that lists every record's hashes, the ledger
   checkpoint, the inclusion proofs of each record's submission and lock entries
   and the consistency proofs from earlier checkpoints (``evidence.py``), and the
   count per management unit.

A record's id is derived from signed data (``feed.stable_record_id``: department,
lookup code, school year), never from this database's keys.

The batch's bytes are kept (``OutboundBatch.body``): a resend sends the very same
batch, which the receiver recognises by its id.
"""

from __future__ import annotations

import base64
import json
from collections import Counter, defaultdict
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hocbaso.exchange import evidence, signed
from hocbaso.exchange.errors import ExchangeError
from hocbaso.exchange.feed import feed_row, stable_record_id
from hocbaso.exchange.models import OutboundBatch, OutboundRecord
from hocbaso.packet import parse_packet
from hocbaso.records.models import Round, unit_of
from hocbaso.registry import actions as registry
from hocbaso.registry.models import Blob, Submission

BATCH_FORMAT = "hocbaso-exchange-batch/2"
DEFAULT_BATCH_SIZE = 500


def queue_round(
    school_year: str,
    round_name: str,
    *,
    at: datetime,
    destination: str = signed.NATIONAL,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> list[OutboundBatch]:
    """Queue the round's locked records not yet sent; the new batches."""
    if round_name not in Round.values:
        raise ExchangeError(
            _("Unknown round %(round)s: main or supplementary.") % {"round": round_name}
        )
    department = signed.identity_code()
    signed.peer(destination)
    with transaction.atomic():
        items = _pending(department, school_year, round_name, destination)
        checkpoint = registry.latest_ledger_checkpoint() or ""
        first = _next_sequence(destination, school_year, round_name)
        chunks = [items[i : i + batch_size] for i in range(0, len(items), batch_size)]
        return [
            _write_batch(
                chunk,
                department=department,
                destination=destination,
                school_year=school_year,
                round_name=round_name,
                sequence=first + n,
                checkpoint=checkpoint,
                at=at,
            )
            for n, chunk in enumerate(chunks)
        ]


def _locked(department: str, school_year: str, round_name: str):
    return (
        Submission.objects.filter(
            state=Submission.State.ACCEPTED,
            locked_at__isnull=False,
            school_year__name=school_year,
            round=round_name,
            record_school__department__code=department,
        )
        .select_related(
            "record_school",
            "lock",
            "record__transcript__school",
            "issued_correction",
        )
        .order_by("pk")
    )


def _pending(department, school_year, round_name, destination) -> list[dict]:
    """What to send, per transcript-year in the order the ledger made it: the
    locked submission, then each version corrected after the lock (a correction
    supersedes the submission before it; both stay accepted and locked)."""
    chains: dict[str, list[Submission]] = defaultdict(list)
    for submission in _locked(department, school_year, round_name):
        code = submission.record.transcript.lookup_code
        chains[stable_record_id(department, code, school_year)].append(submission)
    last: dict[str, OutboundRecord] = {}
    sent: set[str] = set()
    for row in OutboundRecord.objects.filter(
        destination=destination, record_id__in=list(chains)
    ).order_by("version"):
        last[row.record_id] = row
        sent.add(row.submission_id)
    items: list[dict] = []
    for record_id, chain in chains.items():
        items += _chain_items(record_id, chain, last.get(record_id), sent)
    return items


def _chain_items(record_id, chain, last, sent: set[str]) -> list[dict]:
    version = last.version if last else 0
    items = []
    for submission in chain:
        if submission.public_id in sent:
            continue
        version += 1
        items.append(_item(submission, record_id, version))
    current = chain[-1]
    moved = last is not None and last.managing_school != _managing(current)
    if not items and moved:  # a transfer: the same packet, the next version
        items.append(_item(current, record_id, version + 1))
    return items


def _managing(submission) -> str:
    return submission.record.transcript.school.code


def _item(submission, record_id: str, version: int) -> dict:
    return {
        "submission": submission,
        "record_id": record_id,
        "version": version,
        "event": "NEW" if version == 1 else "UPDATE",
        "managing": _managing(submission),
        "correction": _issued_correction(submission),
    }


def _issued_correction(submission):
    """The correction a submission issued, if it is a version corrected after the
    lock (it has no lock of its own: it was effective when issued)."""
    if submission.supersedes_id is None or submission.lock_id is not None:
        return None
    return getattr(submission, "issued_correction", None)


def _next_sequence(destination, school_year, round_name) -> int:
    last = (
        OutboundBatch.objects.filter(
            destination=destination, school_year=school_year, round=round_name
        )
        .order_by("-sequence")
        .values_list("sequence", flat=True)
        .first()
    )
    return (last or 0) + 1


def _write_batch(
    items, *, department, destination, school_year, round_name, sequence, checkpoint, at
) -> OutboundBatch:
    blobs = dict(
        Blob.objects.filter(
            pk__in=[i["submission"].blob_id for i in items]
        ).values_list("sha256", "data")
    )
    batch = OutboundBatch(
        destination=destination,
        school_year=school_year,
        round=round_name,
        sequence=sequence,
        record_count=len(items),
        created_at=at,
        checkpoint=checkpoint,
    )
    size = evidence.checkpoint_size(checkpoint)
    records, listed, units, locks = [], [], Counter(), {}
    for item in items:
        submission = item["submission"]
        packet = bytes(blobs[submission.blob_id])
        row = _row(item, packet, at)
        units[row["madonviquanly"]] += 1
        listed.append(_listed(item, row, size, locks))
        records.append({"row": row, "packet": base64.b64encode(packet).decode()})
    manifest = signed.sign_document(
        {
            "format": BATCH_FORMAT,
            "batch": batch.batch_id,
            "department": department,
            "destination": destination,
            "school_year": school_year,
            "round": round_name,
            "sequence": sequence,
            "created_at": at.isoformat(),
            "checkpoint": checkpoint,
            "earlier": evidence.earlier_checkpoints(destination, checkpoint),
            "locks": locks,
            "counts": dict(sorted(units.items())),
            "records": listed,
        }
    )
    body = json.dumps({"manifest": manifest, "records": records}).encode()
    batch.body, batch.body_sha256 = body, signed.sha256_hex(body)
    batch.save()
    OutboundRecord.objects.bulk_create(
        OutboundRecord(
            batch=batch,
            destination=destination,
            record_id=i["record_id"],
            version=i["version"],
            event=i["event"],
            submission_id=i["submission"].public_id,
            packet_sha256=i["submission"].blob_id,
            managing_school=i["managing"],
        )
        for i in items
    )
    return batch


def _listed(item: dict, row: dict, size: int, locks: dict) -> dict:
    """The manifest's line of one record, with its ledger evidence: the lock that
    made it effective, or the decision of the correction that issued it."""
    submission, correction = item["submission"], item["correction"]
    listed = {
        "idbanghi": item["record_id"],
        "phienban": item["version"],
        "sukien": item["event"],
        "packet_sha256": submission.blob_id,
        "row_sha256": signed.sha256_hex(signed.canonical(row)),
        "lock_index": None,
        "submission": evidence.submission_evidence(submission, size),
    }
    if correction is not None:
        listed["correction"] = evidence.correction_evidence(correction, size)
        return listed
    lock = submission.lock
    listed["lock_index"] = lock.ledger_index
    if str(lock.ledger_index) not in locks:
        locks[str(lock.ledger_index)] = evidence.lock_evidence(lock, size)
    return listed


def _row(item: dict, packet: bytes, at: datetime) -> dict:
    submission = item["submission"]
    unit = unit_of(submission.record_school, timezone.localdate(submission.locked_at))
    row = feed_row(
        parse_packet(packet),
        record_id=item["record_id"],
        event=item["event"],
        version=item["version"],
        updated_at=at,
        effective_at=submission.locked_at,
        unit_code=unit.code if unit else submission.record_school.department.code,
    )
    row["matruongquanly"] = item["managing"]
    return row
