"""Running a signing batch item by item (models.SigningBatch), for the pages' JSON.

With the signing agent, each item goes: ``next_work`` prepares the digests of its
round (hocbaso.records.deferred_actions) → the page has the agent sign them →
``give_signatures`` checks and completes. The principal's item has two rounds
(leader, then seal) and is then submitted to the registry as a class package. With
the demo keys, ``next_work`` does the whole item on the server. Every refusal is
stored on the item (state failed) and returned; ``retry`` puts failed items back in
the queue.

The steps live beside this module: the items' states (``batch_items``), the
agent's rounds (``batch_agent``), the demo keys (``batch_demo``) and the
submission with its receipts (``batch_receipts``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from hocbaso.records import deferred_actions as deferred
from hocbaso.records.errors import RecordsError
from hocbaso.records.models import SchoolClass
from hocbaso.registry.errors import RegistryError
from hocbaso.school import clock
from hocbaso.school.batch_agent import (
    b64,
    chain_from_pem,
    check_leader_values,
    prepare_round,
)
from hocbaso.school.batch_demo import demo_keys_allowed, sign_with_demo_keys
from hocbaso.school.batch_items import DONE_STATES, BatchError, Kind, State, records_of
from hocbaso.school.batch_receipts import settle, submit
from hocbaso.school.models import BatchItem, SigningBatch

__all__ = [
    "BatchError",
    "create_batch",
    "demo_keys_allowed",
    "give_certificate",
    "give_signatures",
    "next_work",
    "retry",
    "status",
]


@transaction.atomic
def create_batch(
    user,
    kind: str,
    classes: Iterable[SchoolClass],
    mode: str,
    reason: str = "",
) -> SigningBatch:
    """A batch over classes of one school and school year (in the given order)."""
    classes = list(classes)
    if kind not in Kind.values:
        raise BatchError(_("unknown kind of batch: %(kind)s") % {"kind": kind})
    if mode not in SigningBatch.Mode.values:
        raise BatchError(_("unknown way of signing: %(mode)s") % {"mode": mode})
    if mode == SigningBatch.Mode.DEMO and not demo_keys_allowed():
        raise BatchError(_("this deployment does not sign with demo keys"))
    if not classes:
        raise BatchError(_("choose at least one class"))
    if len({(c.school_id, c.school_year_id) for c in classes}) != 1:
        raise BatchError(_("a batch holds classes of one school and school year"))
    batch = SigningBatch.objects.create(
        user=user,
        school=classes[0].school,
        school_year=classes[0].school_year,
        kind=kind,
        mode=mode,
        reason=reason.strip(),
        signing_time=clock.now(),
    )
    BatchItem.objects.bulk_create(
        BatchItem(batch=batch, position=n, school_class=c)
        for n, c in enumerate(classes, 1)
    )
    return batch


def status(batch: SigningBatch) -> dict:
    """What the page shows: each item's state and the counts."""
    items = list(batch.items.select_related("school_class").order_by("position"))
    waiting = settle([i for i in items if i.state == State.SUBMITTED])
    done = DONE_STATES[batch.kind]
    return {
        "batch": batch.public_id,
        "kind": batch.kind,
        "mode": batch.mode,
        "status": batch.status,
        "total": len(items),
        "done": sum(1 for i in items if i.state in done),
        "failed": sum(1 for i in items if i.state == State.FAILED),
        "records": sum(i.records for i in items),
        "accepted": sum(i.accepted for i in items),
        "items": [
            {
                "id": i.pk,
                "class": i.school_class.name,
                "state": i.state,
                "state_label": str(i.get_state_display()),
                "records": i.records,
                "accepted": i.accepted,
                "answered": i.pk not in waiting,
                "error": i.error,
            }
            for i in items
        ],
    }


def _next_item(batch: SigningBatch) -> BatchItem | None:
    done = DONE_STATES[batch.kind] | {State.FAILED}
    return (
        batch.items.exclude(state__in=done)
        .select_related("school_class__school", "school_class__school_year")
        .order_by("position")
        .first()
    )


def _finish_if_done(batch: SigningBatch) -> None:
    if not batch.items.exclude(state__in=DONE_STATES[batch.kind]).exists():
        batch.status = SigningBatch.Status.DONE
        batch.save(update_fields=["status", "updated_at"])


def _fail(item: BatchItem, error: Exception) -> None:
    item.state = State.FAILED
    item.error = str(error)
    item.stage = {}
    item.save(update_fields=["state", "error", "stage", "updated_at"])


def next_work(batch: SigningBatch) -> dict:
    """Advance the batch: the digests the agent must sign next, or progress.

    Returns {"work": {...}} when signatures are needed, else {"status": ...}.
    """
    if batch.status != SigningBatch.Status.OPEN:
        return {"status": status(batch)}
    item = _next_item(batch)
    if item is None:
        _finish_if_done(batch)
        return {"status": status(batch)}
    try:
        if item.state == State.SIGNED:  # the principal's: signed, sealed, to submit
            submit(batch, item)
        elif batch.mode == SigningBatch.Mode.DEMO:
            sign_with_demo_keys(batch, item)
        else:
            work = prepare_round(batch, item)
            if work is None:
                return next_work(batch)
            return {"work": work, "status": status(batch)}
    except (RecordsError, RegistryError, BatchError) as exc:
        _fail(item, exc)
    _finish_if_done(batch)
    return {"status": status(batch)}


def give_certificate(batch: SigningBatch, item_id: int, chain_pem: list[str]) -> dict:
    """The agent's certificate chain for the next round (personal key or seal)."""
    item = _item(batch, item_id)
    chain = chain_from_pem(chain_pem)
    if not chain:
        raise BatchError(_("the signer's certificate is missing"))
    stage = dict(item.stage)
    if stage.get("want") == "seal":
        stage["seal_chain"] = chain_pem
        stage.pop("want")
        item.state = State.LEADER_SIGNED
    else:
        stage["chain"] = chain_pem
    item.stage = stage
    item.save(update_fields=["state", "stage", "updated_at"])
    return next_work(batch)


def give_signatures(
    batch: SigningBatch, item_id: int, round_name: str, signatures: list[str]
) -> dict:
    """The agent's values for the digests of the item's prepared round, in order."""
    item = _item(batch, item_id)
    stage = dict(item.stage)
    if stage.get("round") != round_name or "digests" not in stage:
        raise BatchError(_("this round was not prepared; ask for the next work"))
    digests = [b64(d["digest"]) for d in stage["digests"]]
    if len(signatures) != len(digests):
        raise BatchError(
            _("%(given)s signatures for %(wanted)s digests")
            % {"given": len(signatures), "wanted": len(digests)}
        )
    values = [b64(s) for s in signatures]
    at = dt.datetime.fromisoformat(stage["signing_time"])
    try:
        if round_name == "leader":
            check_leader_values(batch, item, stage, values, at)
            return next_work(batch)
        chain = chain_from_pem(stage["chain"])
        by_digest = dict(zip(digests, values, strict=True))
        if round_name == "seal":
            leader_by_record = {
                int(k): b64(v) for k, v in stage["leader_values"].items()
            }
            leader_digests = {
                b64(d["digest"]): leader_by_record[d["record"]]
                for d in stage["leader_digests"]
            }
            steps = deferred.complete_leader_and_seal(
                batch.user,
                records_of(item),
                chain,
                leader_digests,
                chain_from_pem(stage["seal_chain"]),
                by_digest,
                at,
                issued_on=clock.now().date(),
            )
        elif batch.kind == Kind.HOMEROOM:
            steps = deferred.complete_homeroom(
                batch.user, item.school_class, chain, by_digest, at
            )
        else:
            steps = deferred.complete_subject_teacher(
                batch.user, item.school_class, chain, by_digest, at
            )
    except (RecordsError, RegistryError) as exc:
        _fail(item, exc)
        return {"status": status(batch)}
    item.state, item.stage, item.error = State.SIGNED, {}, ""
    item.records = len({s.record_id for s in steps})
    item.save(update_fields=["state", "stage", "error", "records", "updated_at"])
    return next_work(batch)


def retry(batch: SigningBatch) -> dict:
    """Failed items back in the queue; the batch runs again."""
    batch.items.filter(state=State.FAILED).update(state=State.PENDING, error="")
    batch.status = SigningBatch.Status.OPEN
    batch.save(update_fields=["status", "updated_at"])
    return status(batch)


def _item(batch: SigningBatch, item_id) -> BatchItem:
    try:
        return batch.items.select_related("school_class").get(pk=int(item_id))
    except (BatchItem.DoesNotExist, TypeError, ValueError):
        raise BatchError(_("no such item in this batch")) from None
