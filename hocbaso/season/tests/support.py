"""Running the queue in the test's own process and transaction: django-tasks-db's
worker claims and runs each ready task (its loop would close the test's connection,
so the loop is ours, the claim and the run are the engine's)."""

from __future__ import annotations

from django_tasks import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult


def run_ready(worker_id: str = "test-worker") -> list[str]:
    """Run every task ready now, in the engine's order; their task paths."""
    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )
    ran = []
    while (row := DBTaskResult.objects.ready().first()) is not None:
        row.claim(worker_id)
        worker.run_task(row)
        row.refresh_from_db()
        assert row.status == TaskResultStatus.SUCCESSFUL, row.traceback
        ran.append(row.task_path.rsplit(".", 1)[1])
    return ran


def waiting(name: str) -> list[DBTaskResult]:
    return list(
        DBTaskResult.objects.filter(
            status=TaskResultStatus.READY, task_path__endswith=f".{name}"
        ).order_by("run_after")
    )
