"""The engine's completion: tasks of a dead worker go back to the queue, a task
that keeps killing its worker stops, a periodic task is enqueued once whatever the
number of workers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from hocbaso.season import engine, tasks
from hocbaso.season.models import WorkerBeat
from hocbaso.season.tests.support import run_ready, waiting

LONG_AGO = dt.timedelta(minutes=10)


def _running(worker_ids: list[str], started: dt.datetime) -> DBTaskResult:
    result = tasks.recover_receipts.enqueue()
    row = DBTaskResult.objects.get(pk=result.id)
    DBTaskResult.objects.filter(pk=row.pk).update(
        status=TaskResultStatus.RUNNING, started_at=started, worker_ids=worker_ids
    )
    return row


def _alive(worker_id: str, at: dt.datetime) -> None:
    """The worker's last beat was at ``at``."""
    engine.beat(worker_id, host="may-1", pid=1, started_at=at)
    WorkerBeat.objects.filter(worker_id=worker_id).update(beat_at=at)


@pytest.mark.django_db
def test_a_task_of_a_worker_that_stopped_beating_goes_back_to_the_queue(queue):
    now = timezone.now()
    dead = _running(["w-dead"], now - LONG_AGO)
    busy = _running(["w-alive"], now - LONG_AGO)
    young = _running(["w-new"], now)  # claimed just now: its worker may not beat yet
    _alive("w-alive", now)

    assert engine.requeue_abandoned(now) == [str(dead.pk)]

    statuses = dict(DBTaskResult.objects.values_list("pk", "status"))
    assert statuses[dead.pk] == TaskResultStatus.READY
    assert statuses[busy.pk] == statuses[young.pk] == TaskResultStatus.RUNNING
    assert DBTaskResult.objects.get(pk=dead.pk).started_at is None


@pytest.mark.django_db
def test_a_task_that_killed_its_worker_every_time_is_failed_not_requeued(queue):
    now = timezone.now()
    tried = [f"w{n}" for n in range(engine.MAX_ATTEMPTS)]
    poison = _running(tried, now - LONG_AGO)

    assert engine.requeue_abandoned(now) == []

    row = DBTaskResult.objects.get(pk=poison.pk)
    assert row.status == TaskResultStatus.FAILED
    assert row.exception_class_path == "hocbaso.season.WorkerLost"


@pytest.mark.django_db
def test_a_worker_gone_for_long_is_forgotten(queue):
    now = timezone.now()
    _alive("w-old", now - 11 * engine.lease())
    _alive("w-recent", now)

    engine.requeue_abandoned(now)

    assert list(WorkerBeat.objects.values_list("worker_id", flat=True)) == ["w-recent"]


@pytest.mark.django_db
def test_a_periodic_task_is_enqueued_once_per_period_by_any_number_of_workers(queue):
    now = timezone.now()
    every = dt.timedelta(minutes=5)
    enqueue = tasks.recover_receipts.enqueue

    first = [engine.run_if_due("recover", every, enqueue, now) for _ in range(3)]
    later = engine.run_if_due("recover", every, enqueue, now + every)

    assert first == [True, False, False] and later is True
    assert len(waiting("recover_receipts")) == 2


@pytest.mark.django_db
def test_a_task_enqueued_once_is_the_row_the_backend_writes_and_runs_once(queue):
    before = timezone.now()
    by_backend = DBTaskResult.objects.get(pk=tasks.answer_receipt.enqueue("r-1").id)

    assert engine.enqueue_once(tasks.answer_receipt, "r-2") is True
    assert engine.enqueue_once(tasks.answer_receipt, "r-2") is False  # sent again

    once = DBTaskResult.objects.get(pk=engine.once_id(tasks.answer_receipt, "r-2"))
    assert once.args_kwargs == {"args": ["r-2"], "kwargs": {}}
    same = ["status", "priority", "queue_name", "backend_name", "run_after"]
    same += ["task_path", "worker_ids", "return_value", "exception_class_path"]
    assert [getattr(once, f) for f in same] == [getattr(by_backend, f) for f in same]
    assert before <= once.enqueued_at <= timezone.now()
    assert run_ready() == ["answer_receipt", "answer_receipt"]  # "missing" both
    assert engine.enqueue_once(tasks.answer_receipt, "r-2") is False  # answered
    assert DBTaskResult.objects.count() == 2


def test_the_task_of_a_call_has_one_id_and_another_call_another():
    answer = tasks.answer_receipt
    assert engine.once_id(answer, "r-1") == engine.once_id(answer, "r-1")
    assert engine.once_id(answer, "r-1") != engine.once_id(answer, "r-2")
    assert engine.once_id(answer, "r-1") != engine.once_id(tasks.recover_receipts)
    # the arguments' boundaries are kept: ("a,b") is not ("a", "b")
    assert engine.once_id(answer, "a,b") != engine.once_id(answer, "a", "b")
