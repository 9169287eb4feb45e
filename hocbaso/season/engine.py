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
from collections.abc import Callable

from django.conf import settings
from django.utils import timezone
from django_tasks import TaskResultStatus, task_backends
from django_tasks_db.models import DBTaskResult

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


def waiting(task, *args) -> bool:
    """Whether this task with these arguments waits in the queue or runs now."""
    if not can_defer():
        return False  # the inline backend keeps no queue
    return DBTaskResult.objects.filter(
        task_path=task.module_path,
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
        args_kwargs={"args": list(args), "kwargs": {}},
    ).exists()


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
