"""``hocbaso worker``: a task worker (django-tasks-db's ``db_worker``) with a heartbeat.

Takes every option of ``db_worker`` (``--batch``, ``--max-tasks``, ``--interval``,
``--queue-name``…). Beside the worker's loop, a thread beats every third of
settings.HOCBASO_WORKER_LEASE_SECONDS and, on each beat: gives back to the queue the
tasks whose worker stopped beating (``engine.requeue_abandoned``), and enqueues the
periodic tasks that are due (receipt recovery every ``RECOVERY_EVERY``, the school
years' deadline schedules every ``SCHEDULE_EVERY``, the delivery of the batches due
to the national repository every ``delivering.DELIVER_EVERY``, the witnesses asked
to cosign every ``witnessing.WITNESS_EVERY``). Run any number of them, on any number
of machines, against the same database.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading

from django.db import DatabaseError, connection
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks_db.management.commands.db_worker import Command as DbWorker

from hocbaso.commands import PlainErrors
from hocbaso.season import engine, witnessing

logger = logging.getLogger("hocbaso.season")
RECOVERY_EVERY = dt.timedelta(minutes=5)
SCHEDULE_EVERY = dt.timedelta(hours=1)
# The archive's soft copies are re-timestamped months before it is needed.
ARCHIVE_EVERY = dt.timedelta(days=1)


class Keeper(threading.Thread):
    """The worker's heartbeat and the queue's upkeep, on its own connection."""

    def __init__(self, worker_id: str) -> None:
        super().__init__(name="hocbaso-heartbeat", daemon=True)
        self.worker_id = worker_id
        self.started_at = timezone.now()
        self.stopped = threading.Event()

    def run(self) -> None:
        interval = engine.lease().total_seconds() / 3
        while not self.stopped.wait(interval):
            self.tick()
        connection.close()

    def tick(self) -> None:
        from hocbaso.portal.citizen import retention
        from hocbaso.season import delivering, tasks

        try:
            engine.beat(
                self.worker_id,
                host=socket.gethostname(),
                pid=os.getpid(),
                started_at=self.started_at,
            )
            for task_id in engine.requeue_abandoned():
                logger.warning("task %s given back: its worker stopped", task_id)
            engine.run_if_due(
                "retimestamp_archive", ARCHIVE_EVERY, tasks.retimestamp_archive.enqueue
            )
            engine.run_if_due(
                "recover_receipts", RECOVERY_EVERY, tasks.recover_receipts.enqueue
            )
            engine.run_if_due(
                "schedule_deadlines", SCHEDULE_EVERY, tasks.schedule_deadlines.enqueue
            )
            witnessing.enqueue_if_due()
            retention.enqueue_if_due()  # docs/privacy.md, daily
            engine.run_if_due(
                "deliver_due", delivering.DELIVER_EVERY, delivering.enqueue_periodic
            )
        except DatabaseError as exc:  # a busy SQLite file: the next beat retries
            logger.warning("heartbeat of %s failed: %s", self.worker_id, exc)


class Command(PlainErrors, DbWorker):
    help = _("Run a task worker with a heartbeat (django-tasks-db's db_worker).")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        # db_worker's own help is English only: say it again in the project's words.
        helps = _option_helps()
        for action in parser._actions:
            action.help = helps.get(action.dest, action.help)

    def handle(self, *args, **options) -> None:
        keeper = Keeper(options["worker_id"])
        keeper.tick()  # alive before the first task is claimed
        keeper.start()
        try:
            super().handle(*args, **options)
        finally:
            keeper.stopped.set()


def _option_helps() -> dict[str, str]:
    return {
        "queue_name": _("the queues to process, separated by commas; '*': all"),
        "exclude_queues": _("queues to leave out, separated by commas"),
        "interval": _("seconds to wait when the queue is empty"),
        "batch": _("process every task waiting, then stop"),
        "reload": _("restart on code changes (not for production)"),
        "backend_name": _("the task backend to use"),
        "startup_delay": _("start at once, without a short random delay"),
        "max_tasks": _("stop after this many tasks"),
        "worker_id": _("worker id, unique among the workers (default: generated)"),
    }
