"""The engine's wiring: enqueueing after commit, heartbeats, the recovery of tasks
whose worker died, and periodic tasks (docs/architecture.md, "Background work").

django-tasks-db claims a task (status RUNNING) in one short transaction and marks it
finished after it ran; a worker killed in between leaves it RUNNING for good. Each
worker therefore beats (``WorkerBeat``) every third of the lease, and any worker
gives back to the queue a task RUNNING for longer than the lease whose worker has
not beaten within it. A task run twice that way finds its work done: every task
body checks the state under a row lock in one transaction (``tasks``). A task that
has been given back ``MAX_ATTEMPTS`` times is marked failed instead (a task that
kills its worker must not loop).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.constants import OnConflict
from django.db.models.sql import InsertQuery
from django.utils import timezone
from django_tasks import TaskResultStatus, task_backends
from django_tasks_db.models import DBTaskResult, get_date_max

from hocbaso.season.models import PeriodicSlot, WorkerBeat

MAX_ATTEMPTS = 5


def lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.HOCBASO_WORKER_LEASE_SECONDS)


def can_defer() -> bool:
    """Whether the configured backend runs a task at a later time (the database
    backend does; the tests' immediate backend does not)."""
    return bool(task_backends["default"].supports_defer)


def enqueue(task, *args):
    """Enqueue now: on the database backend the task's row is written in the
    caller's transaction, so it commits (or rolls back) with the work that asked
    for it, and no worker sees a task whose rows are not committed yet. Returns
    the task's result (its id)."""
    return task.enqueue(*args)


ONCE = uuid.UUID("5d3c8f0e-6a61-4c1e-9b7a-2f0a4c1d9e21")
"""The namespace of the ids of tasks enqueued once (``enqueue_once``)."""


def once_id(task, *args) -> uuid.UUID:
    """The id of the one task ``task`` with these arguments may ever have."""
    call = json.dumps([task.module_path, list(args)], separators=(",", ":"))
    return uuid.uuid5(ONCE, call)


def enqueue_once(task, *args) -> bool:
    """Enqueue now unless this task with these arguments was enqueued before;
    whether it was enqueued now.

    The task's id is ``once_id``: the table's primary key refuses a second row,
    so no check is asked first (it would scan the queue) and two requests at the
    same moment cannot both enqueue: the second insert waits for the first's
    transaction, then does nothing. The row is the one django-tasks-db writes,
    in one INSERT compiled once per process; its ``task_enqueued`` signal (a
    debug log line) is not sent. A task that failed keeps its row, so the same
    call enqueues nothing again: what it was for is the periodic recovery's
    (``tasks.recover_receipts`` for a receipt). Inline backend: runs it now.
    """
    if not can_defer():
        task.enqueue(*args)  # the inline backend keeps no queue to look in
        return True
    row = DBTaskResult(
        id=once_id(task, *args),
        args_kwargs={"args": list(args), "kwargs": {}},
        priority=task.priority,
        task_path=task.module_path,
        queue_name=task.queue_name,
        run_after=task.run_after or get_date_max(),
        backend_name=task.backend,
    )
    return _INSERT_ONCE(row)


class _InsertIgnoringConflict:
    """``INSERT … ON CONFLICT DO NOTHING`` of one task row, its SQL compiled by
    the ORM once per database (as ``hocbaso/prepared.py`` does for reads); each
    call only converts the row's values as the ORM does."""

    def __init__(self) -> None:
        self._sql: dict[str, str] = {}
        self._fields = [
            f for f in DBTaskResult._meta.concrete_fields if not f.generated
        ]

    def __call__(self, row: DBTaskResult, using: str = DEFAULT_DB_ALIAS) -> bool:
        connection = connections[using]
        params = [
            f.get_db_prep_save(f.pre_save(row, add=True), connection=connection)
            for f in self._fields
        ]
        sql = self._sql.get(using) or self._compile(row, using)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.rowcount == 1

    def _compile(self, row: DBTaskResult, using: str) -> str:
        query = InsertQuery(DBTaskResult, on_conflict=OnConflict.IGNORE)
        query.insert_values(self._fields, [row])
        [(sql, params)] = query.get_compiler(using=using).as_sql()
        if len(params) != len(self._fields):  # one parameter a column, in order
            raise RuntimeError(f"the task row's insert has {len(params)} parameters")
        self._sql[using] = sql
        return sql


_INSERT_ONCE = _InsertIgnoringConflict()


def beat(worker_id: str, *, host: str, pid: int, started_at: dt.datetime) -> None:
    now = timezone.now()
    WorkerBeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"beat_at": now, "host": host, "pid": pid, "started_at": started_at},
    )


def requeue_abandoned(now: dt.datetime | None = None) -> list[str]:
    """Give back the tasks whose worker stopped beating; their ids."""
    now = now or timezone.now()
    stale = now - lease()
    alive = set(
        WorkerBeat.objects.filter(beat_at__gte=stale).values_list(
            "worker_id", flat=True
        )
    )
    requeued = []
    running = DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=stale
    )
    for row in running.only("id", "started_at", "worker_ids"):
        if row.worker_ids and row.worker_ids[-1] in alive:
            continue
        again = len(row.worker_ids) < MAX_ATTEMPTS
        # Conditional on the claim seen: a worker that claimed it meanwhile keeps it.
        changed = DBTaskResult.objects.filter(
            pk=row.pk, status=TaskResultStatus.RUNNING, started_at=row.started_at
        ).update(
            status=TaskResultStatus.READY if again else TaskResultStatus.FAILED,
            started_at=None if again else row.started_at,
            finished_at=None if again else now,
            exception_class_path="" if again else "hocbaso.season.WorkerLost",
            traceback="" if again else "the worker died on each attempt",
        )
        if changed and again:
            requeued.append(str(row.pk))
    WorkerBeat.objects.filter(beat_at__lt=now - 10 * lease()).delete()
    return requeued


def run_if_due(
    name: str, every: dt.timedelta, enqueue: Callable[[], object], now=None
) -> bool:
    """Enqueue a periodic task if its slot is due; True for the one worker that
    moved the slot (a conditional UPDATE: any number of workers enqueue it once)."""
    now = now or timezone.now()
    PeriodicSlot.objects.get_or_create(name=name, defaults={"due_at": now})
    moved = PeriodicSlot.objects.filter(name=name, due_at__lte=now).update(
        due_at=now + every
    )
    if moved:
        enqueue()
    return bool(moved)
