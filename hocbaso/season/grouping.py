"""Packets sent alone, answered in batches (docs/registry.md, "Packets sent alone").

A school's system may POST one packet (one record) at a time. A task for each would
cost each a task row, its claim, a verification batch, a transaction, a lock of the
ledger head and a checkpoint: several times what the record costs in a class
package. Instead:

- the request enqueues an ``answer_packets`` task only when none waits to run
  (``answer_packets_later``): a burst of POSTs makes a few tasks, not one each;
- the task claims the received packets nobody has claimed, oldest first, up to
  ``BATCH_RECORDS`` (``claim``: its id written on them by one UPDATE of the rows
  chosen, locked as chosen with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite
  has one writer at a time), verifies them with one trust store and one records
  binding, and stores them in one transaction under one lock of the ledger head,
  each checked at its own receipt time as if stored alone after the ones before it
  (``processing.process_receipts``).
  A full batch first enqueues the next task, so another worker takes the rest.

Never a receipt without a task to answer it: the check that a task waits runs after
the receipt is committed (the API's request), or, inside the caller's transaction,
locks that task's row FOR SHARE, which a worker's claim (FOR UPDATE SKIP LOCKED)
passes over until the receipt commits. Either way the waiting task is claimed, and
its claim query runs, after the receipt is visible.

A worker killed mid-batch leaves its task RUNNING and the receipts claimed by it: the
heartbeat's upkeep gives the task back once its lease ends, and the task, run again
under the same id, takes its own receipts first. If storing the batch fails, nothing
of it is written and each receipt is answered alone; one that fails alone stays
received for the periodic recovery, which answers any receipt left received.
"""

from __future__ import annotations

import logging

from django.db import DEFAULT_DB_ALIAS, connections
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from hocbaso.registry import processing
from hocbaso.registry.clock import fixed_clock
from hocbaso.registry.models import Receipt
from hocbaso.registry.verification import InProcessVerifier
from hocbaso.season import engine
from hocbaso.season.faults import pause_point

logger = logging.getLogger("hocbaso.season")

BATCH_RECORDS = 64
"""Packets a task claims and stores in one transaction at most: enough that a
packet sent alone costs about what it costs in a class package, few enough that
the ledger head is held briefly and the other workers keep verifying."""


def answer(receipts: list[Receipt]) -> list[Receipt]:
    """Answer at each receipt's time: the time it was received is the time it was
    submitted, so a queue still busy at a deadline rejects nothing received
    before it (its certificates are checked at that time too)."""
    return processing.process_receipts(
        [(r, fixed_clock(r.received_at), None) for r in receipts],
        verifier=InProcessVerifier(),
        before_commit=lambda: pause_point("answer"),
    )


def answer_claimed(task_id: str, task) -> dict[str, int]:
    """The body of ``answer_packets``: claim, answer, count."""
    claimed = claim(task_id)
    if len(claimed) >= BATCH_RECORDS:
        answer_packets_later(task)  # the rest, by another worker meanwhile
    if not claimed:
        return {"answered": 0, "alone": 0}
    try:
        answered = answer(claimed)
    except Exception:
        logger.exception("a batch of %s packets failed: answered alone", len(claimed))
        answered = _answer_each(claimed)
        return {"answered": _processed(answered), "alone": len(claimed)}
    return {"answered": _processed(answered), "alone": 0}


def claim(task_id: str) -> list[Receipt]:
    """The received packets task ``task_id`` answers, in receipt order: those it
    claimed in an earlier attempt (its worker died), then unclaimed ones."""
    connection = connections[DEFAULT_DB_ALIAS]
    # stored as the ORM stores it (SQLite: hex without dashes), so both agree
    task = Receipt._meta.get_field("claimed_by").get_db_prep_value(task_id, connection)
    waiting = [Receipt.Status.RECEIVED.value, Receipt.Kind.PACKET.value]
    with connection.cursor() as cursor:
        cursor.execute(_claim_sql(connection), [task, *waiting, task, BATCH_RECORDS])
        chosen = sorted(pk for (pk,) in cursor.fetchall())
    found = Receipt.objects.select_related("school").in_bulk(chosen)
    return [found[pk] for pk in chosen]


def _claim_sql(connection) -> str:
    """One statement, atomic by itself: the chosen rows locked as they are
    chosen on PostgreSQL, so a worker claiming at the same moment passes over
    them (SKIP LOCKED) and takes others; SQLite runs one writer at a time.
    Table and column names only, the values are parameters."""
    quote = connection.ops.quote_name
    table, claimed = quote(Receipt._meta.db_table), quote("claimed_by")
    lock = " FOR UPDATE SKIP LOCKED" if connection.vendor == "postgresql" else ""
    return (
        f"UPDATE {table} SET {claimed} = %s WHERE {quote('id')} IN ("  # noqa: S608
        f"SELECT {quote('id')} FROM {table} WHERE {quote('status')} = %s"
        f" AND {quote('kind')} = %s AND ({claimed} = %s OR {claimed} IS NULL)"
        f" ORDER BY {claimed} NULLS LAST, {quote('id')} LIMIT %s{lock}"
        f") RETURNING {quote('id')}"
    )


def _answer_each(receipts: list[Receipt]) -> list[Receipt]:
    """Each receipt in a transaction of its own; one that fails stays received."""
    answered = []
    for receipt in receipts:
        try:
            answered += answer([receipt])
        except Exception:
            logger.exception("receipt %s failed: left to the recovery", receipt)
    return answered


def _processed(receipts: list[Receipt]) -> int:
    return sum(1 for r in receipts if r.status == Receipt.Status.PROCESSED)


def answer_packets_later(task) -> bool:
    """Enqueue ``task`` (``answer_packets``) unless one waits to run already;
    whether it was enqueued."""
    if not engine.can_defer():
        task.enqueue()  # the inline backend runs it now
        return True
    if _waiting(task):
        return False
    engine.enqueue(task)
    return True


def _waiting(task) -> bool:
    """Whether a ``task`` waits to run. Inside the caller's transaction the row
    found is locked FOR SHARE on PostgreSQL (SQLite's transaction already holds
    the database), so no worker claims it before the caller's receipt commits."""
    connection = connections[DEFAULT_DB_ALIAS]
    quote = connection.ops.quote_name
    lock = (
        " FOR SHARE"
        if connection.in_atomic_block and connection.vendor == "postgresql"
        else ""
    )
    # table and column names only, the values are parameters: S608 does not apply
    sql = (
        f"SELECT 1 FROM {quote(DBTaskResult._meta.db_table)} "  # noqa: S608
        f"WHERE {quote('status')} = %s AND {quote('task_path')} = %s LIMIT 1{lock}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [TaskResultStatus.READY, task.module_path])
        return cursor.fetchone() is not None
