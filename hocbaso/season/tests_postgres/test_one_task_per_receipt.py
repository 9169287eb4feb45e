"""Two requests that give the same receipt at the same moment (the same bytes sent
twice at once) enqueue one answer: the task's id is the receipt's, and the second
insert waits for the first's transaction, then does nothing (engine.enqueue_once).
A check of the queue before inserting would see neither's uncommitted row.

A packet sent alone inside the caller's transaction relies on the task that waits
to answer packets: that task's row is locked until the caller commits, so no
worker claims it (and looks for packets) before the receipt is there."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from hocbaso.registry.results import ReceiptView
from hocbaso.season import grouping, tasks

pytestmark = pytest.mark.postgres
HELD = 1.0
"""Seconds the first request keeps its transaction open after enqueueing, unless
the second has finished meanwhile (it cannot while it waits for the row)."""


def _received(receipt_id: str) -> ReceiptView:
    return ReceiptView(
        receipt_id=receipt_id,
        school_code="019201",
        operation="submit",
        kind="package",
        status="received",
        received_at=timezone.now(),
        processed_at=None,
        sha256="0" * 64,
    )


def test_two_requests_at_once_enqueue_one_answer_for_their_receipt(
    transactional_db, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    receipt = _received("bb1b2c3d4e5f60718293a4b5c6d7e8f9")
    first_enqueued, second_done, errors = threading.Event(), threading.Event(), []

    def first():
        with transaction.atomic():
            tasks.answer_later(receipt)
            first_enqueued.set()
            second_done.wait(timeout=HELD)

    def second():
        first_enqueued.wait(timeout=30)
        with transaction.atomic():
            tasks.answer_later(receipt)
        second_done.set()

    threads = [_thread(first, errors), _thread(second, errors)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    rows = DBTaskResult.objects.filter(task_path__endswith=".answer_receipt")
    assert list(rows.values_list("args_kwargs", flat=True)) == [
        {"args": [receipt.receipt_id], "kwargs": {}}
    ]


def _thread(target, errors: list) -> threading.Thread:
    def run():
        try:
            target()
        except BaseException as exc:  # reported by the test thread
            errors.append(exc)
        finally:
            connection.close()

    return threading.Thread(target=run)


def test_a_worker_claims_the_task_a_caller_relies_on_only_once_it_has_committed(
    transactional_db, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert grouping.answer_packets_later(tasks.answer_packets) is True
    relied_on, claimed, errors = threading.Event(), threading.Event(), []

    def caller():  # a packet received, then the queue checked, one transaction
        with transaction.atomic():
            assert grouping.answer_packets_later(tasks.answer_packets) is False
            relied_on.set()
            claimed.wait(timeout=HELD)

    thread = _thread(caller, errors)
    thread.start()
    relied_on.wait(timeout=30)
    passed_over = _claim()  # as the worker claims: FOR UPDATE SKIP LOCKED
    claimed.set()
    thread.join(timeout=60)

    assert errors == []
    assert passed_over is None
    task = _claim()  # the caller has committed
    assert task is not None and task.task_path.endswith(".answer_packets")


def _claim():
    with exclusive_transaction():
        found = DBTaskResult.objects.ready().get_locked()
        if found is not None:
            found.claim("worker-1")
    assert found is None or found.status == TaskResultStatus.RUNNING
    return found
