"""Group commit of receipts: a worker that takes one ``answer_receipt`` task also
takes other small receipts' tasks waiting behind it, verifies them all and stores
them in one transaction with one ledger checkpoint (docs/registry.md, "Submitting").

A packet sent alone would otherwise cost a task claim, a transaction, a lock of the
ledger head, a checkpoint and a commit of its own, several times its verification.

The companions are claimed as the engine claims a task: their rows marked RUNNING
under the worker's id in one short transaction (``SELECT … FOR UPDATE SKIP LOCKED``
on PostgreSQL, an exclusive transaction on SQLite), so no other worker takes them.
A worker killed while it holds them leaves them RUNNING; the heartbeat's upkeep
gives them back to the queue once its lease ends (``engine.requeue_abandoned``),
as it does the task the worker ran. If the group's answer fails, the companions are
given back at once and the worker answers its own receipt alone.
"""

from __future__ import annotations

import logging
from collections import defaultdict

from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from hocbaso.registry import processing
from hocbaso.registry.clock import fixed_clock
from hocbaso.registry.models import Receipt
from hocbaso.registry.verification import InProcessVerifier
from hocbaso.season import engine
from hocbaso.season.faults import pause_point

logger = logging.getLogger("hocbaso.season")

GROUP_RECORDS = 64
"""Records answered in one transaction at most: enough that a packet sent alone
costs about what it costs in a class package, few enough that the ledger head is
held briefly and the other workers keep verifying."""
LOOK_AHEAD = 128
"""Waiting tasks looked at for companions in one claim."""


def answer_with_companions(receipt: Receipt, task_id: str | None, task) -> Receipt:
    """Answer ``receipt`` and the small receipts waiting behind it together."""
    room = GROUP_RECORDS - receipt.record_count
    claimed = claim_companions(task_id, task, room) if room > 0 else []
    if not claimed:
        return answer([receipt])[0]
    others = _receipts(claimed)
    try:
        answered = answer([receipt, *others.values()])
    except Exception:
        logger.exception("group of %s receipts failed: answered alone", len(claimed))
        give_back(claimed)
        return answer([receipt])[0]
    _finish(claimed, {r.public_id: str(r.status) for r in answered})
    return answered[0]


def answer(receipts: list[Receipt]) -> list[Receipt]:
    """Answer at each receipt's time: the time it was received is the time it was
    submitted, so a queue still busy at a deadline rejects nothing received
    before it (its certificates are checked at that time too)."""
    return processing.process_receipts(
        [(r, fixed_clock(r.received_at), None) for r in receipts],
        verifier=InProcessVerifier(),
        before_commit=lambda: pause_point("answer"),
    )


def claim_companions(task_id: str | None, task, room: int) -> list[DBTaskResult]:
    """Mark RUNNING, under the worker of task ``task_id``, the waiting tasks of
    ``task`` whose receipts fit in ``room`` records; those rows."""
    if task_id is None or not engine.can_defer():
        return []  # run inline: there is no queue to take from
    leader = DBTaskResult.objects.filter(pk=task_id).first()
    if leader is None or not leader.worker_ids:
        return []
    waiting = DBTaskResult.objects.ready().filter(
        task_path=task.module_path,
        backend_name=leader.backend_name,
        queue_name=leader.queue_name,
    )
    # Chosen before locking, so that only the chosen rows are locked: a worker
    # polling meanwhile (SKIP LOCKED) must not find the rest of the queue hidden.
    chosen = [row.pk for row in _fitting(list(waiting[:LOOK_AHEAD]), room)]
    with exclusive_transaction(waiting.db):
        # still waiting: another worker may have taken some since
        locked = waiting.filter(pk__in=chosen).select_for_update(skip_locked=True)
        taken = list(locked)
        started = timezone.now()
        for row in taken:
            row.status = TaskResultStatus.RUNNING
            row.started_at = started
            row.worker_ids = [*row.worker_ids, leader.worker_ids[-1]]
        DBTaskResult.objects.bulk_update(taken, ["status", "started_at", "worker_ids"])
    return taken


def _fitting(rows: list[DBTaskResult], room: int) -> list[DBTaskResult]:
    """The rows, in queue order, whose receipts' records fit in ``room``."""
    counts = dict(
        Receipt.objects.filter(
            public_id__in=[_receipt_id(r) for r in rows]
        ).values_list("public_id", "record_count")
    )
    taken = []
    for row in rows:
        size = max(counts.get(_receipt_id(row), 1), 1)
        if size <= room:
            taken.append(row)
            room -= size
    return taken


def _receipt_id(row: DBTaskResult) -> str:
    return str(row.args_kwargs["args"][0])


def _receipts(rows: list[DBTaskResult]) -> dict[str, Receipt]:
    """The companions' receipts in their tasks' order (a missing one left out)."""
    found = Receipt.objects.select_related("school").in_bulk(
        [_receipt_id(r) for r in rows], field_name="public_id"
    )
    return {
        _receipt_id(r): found[_receipt_id(r)] for r in rows if _receipt_id(r) in found
    }


def _finish(rows: list[DBTaskResult], statuses: dict[str, str]) -> None:
    """Each companion task successful, its value its receipt's status, as if it
    had run alone; only while this worker still holds it."""
    by_value: dict[str, list] = defaultdict(list)
    for row in rows:
        by_value[statuses.get(_receipt_id(row), "missing")].append(row.pk)
    finished = timezone.now()
    for value, ids in by_value.items():
        DBTaskResult.objects.filter(pk__in=ids, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.SUCCESSFUL,
            finished_at=finished,
            return_value=value,
            exception_class_path="",
            traceback="",
        )


def give_back(rows: list[DBTaskResult]) -> None:
    """The companions back in the queue, this claim not counted as an attempt."""
    for row in rows:
        DBTaskResult.objects.filter(
            pk=row.pk, status=TaskResultStatus.RUNNING, started_at=row.started_at
        ).update(
            status=TaskResultStatus.READY,
            started_at=None,
            worker_ids=row.worker_ids[:-1],
        )
