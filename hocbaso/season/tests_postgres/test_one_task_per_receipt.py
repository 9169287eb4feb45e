"""Two requests that give the same receipt at the same moment (the same bytes sent
twice at once) enqueue one answer: the task's id is the receipt's, and the second
insert waits for the first's transaction, then does nothing (engine.enqueue_once).
A check of the queue before inserting would see neither's uncommitted row."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from hocbaso.registry.results import ReceiptView
from hocbaso.season import tasks

pytestmark = pytest.mark.postgres
HELD = 1.0
"""Seconds the first request keeps its transaction open after enqueueing, unless
the second has finished meanwhile (it cannot while it waits for the row)."""


def _received(receipt_id: str) -> ReceiptView:
    return ReceiptView(
        receipt_id=receipt_id,
        school_code="019201",
        operation="submit",
        kind="packet",
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
