"""Receipts answered by workers: the API and the school side answer with the receipt
at once, a worker verifies and stores, the receipt shows the results when ready."""

from __future__ import annotations

import datetime as dt

from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from hocbaso.records.models import Round
from hocbaso.registry import actions
from hocbaso.registry.models import LedgerEntry, Receipt, Submission
from hocbaso.registry.package import build_package
from hocbaso.registry.rounds import lock_deadline
from hocbaso.registry.tests.api_support import API, bearer, issue, post_xml
from hocbaso.registry.tests.helpers import submit
from hocbaso.season import tasks
from hocbaso.season.tests.support import run_ready, waiting


def test_the_api_gives_the_receipt_at_once_and_a_worker_answers_the_records(
    district, clock, queue, client
):
    record = district.records(district.primary, Round.MAIN)[0]
    token = issue(record.school)

    response = post_xml(
        client,
        f"/schools/{record.school.code}/submissions",
        district.packet(record),
        token,
    )

    assert response.status_code == 202
    assert response.json()["status"] == "received"
    assert response.json()["records"] == []
    assert not Submission.objects.filter(record=record).exists()
    assert len(waiting("answer_packets")) == 1
    assert run_ready() == ["answer_packets"]
    polled = client.get(response["Location"], headers=bearer(token)).json()
    assert polled["status"] == "processed"
    assert [r["outcome"] for r in polled["records"]] == ["accepted"]
    assert response["Location"] == f"{API}/receipts/{polled['receipt_id']}"
    assert actions.verify_ledger().ok


def test_an_answer_run_twice_stores_once(district, clock, queue, primary_clerk):
    record = district.records(district.primary, Round.MAIN)[0]
    receipt = tasks.answer_later(
        submit(district, record, primary_clerk, clock, process=False)
    )
    ledger_before = LedgerEntry.objects.count()

    tasks.answer_by_id(receipt.receipt_id)
    tasks.answer_by_id(receipt.receipt_id)  # a worker that died after commit

    assert Submission.objects.filter(record=record).count() == 1
    assert LedgerEntry.objects.count() == ledger_before + 1
    assert run_ready() == ["answer_packets"]  # the queued one finds it answered
    assert Submission.objects.filter(record=record).count() == 1


def test_a_receipt_received_before_the_deadline_is_answered_as_of_then(
    district, clock, queue, primary_clerk
):
    """A queue still busy when the deadline passes rejects nothing sent in time."""
    record = district.records(district.primary, Round.MAIN)[0]
    receipt = tasks.answer_later(
        submit(district, record, primary_clerk, clock, process=False)
    )
    clock.set(lock_deadline(district.year, Round.MAIN) + dt.timedelta(hours=2))

    run_ready()

    found = Receipt.objects.get(public_id=receipt.receipt_id)
    assert (found.status, found.accepted_count) == ("processed", 1)
    assert Submission.objects.get(record=record).accepted_at == found.received_at


def test_the_periodic_recovery_answers_a_receipt_whose_task_was_lost(
    district, clock, queue, primary_clerk
):
    record = district.records(district.primary, Round.MAIN)[0]
    stuck = submit(district, record, primary_clerk, clock, process=False)
    clock.set(clock() + dt.timedelta(minutes=10))

    assert tasks.recover_receipts.call() == 1

    assert Receipt.objects.get(public_id=stuck.receipt_id).status == "processed"


def test_the_same_bytes_sent_again_wait_for_one_answer(district, clock, queue, client):
    record = district.records(district.primary, Round.MAIN)[0]
    token = issue(record.school)
    path = f"/schools/{record.school.code}/submissions"

    first = post_xml(client, path, district.packet(record), token).json()
    again = post_xml(client, path, district.packet(record), token).json()

    assert again["receipt_id"] == first["receipt_id"]
    assert len(waiting("answer_packets")) == 1
    assert run_ready() == ["answer_packets"]


def test_the_same_bytes_sent_after_their_answer_failed_are_left_to_the_recovery(
    district, clock, queue, client
):
    """A class package's receipt has one task: sent again after that task failed,
    the bytes enqueue no second one, and the periodic recovery answers it."""
    records = district.records(district.primary, Round.MAIN)[:2]
    package = build_package(
        [district.packet(r) for r in records],
        school_code=records[0].school.code,
        school_year=district.year.name,
    )
    token = issue(records[0].school)
    path = f"/schools/{records[0].school.code}/submissions"
    first = post_xml(client, path, package, token).json()
    (task,) = waiting("answer_receipt")
    DBTaskResult.objects.filter(pk=task.pk).update(status=TaskResultStatus.FAILED)

    again = post_xml(client, path, package, token).json()

    assert (again["receipt_id"], again["status"]) == (first["receipt_id"], "received")
    assert waiting("answer_receipt") == []
    clock.set(clock() + dt.timedelta(minutes=10))
    assert tasks.recover_receipts.call() == 1
    polled = client.get(f"{API}/receipts/{first['receipt_id']}", headers=bearer(token))
    assert [r["outcome"] for r in polled.json()["records"]] == ["accepted"] * 2


def test_a_packet_sent_again_after_its_task_failed_gets_a_task_again(
    district, clock, queue, client
):
    """Packets sent alone wait for any task that answers packets: when none waits
    (the last one failed), the packet sent again enqueues one."""
    record = district.records(district.primary, Round.MAIN)[0]
    token = issue(record.school)
    path = f"/schools/{record.school.code}/submissions"
    first = post_xml(client, path, district.packet(record), token).json()
    (task,) = waiting("answer_packets")
    DBTaskResult.objects.filter(pk=task.pk).update(status=TaskResultStatus.FAILED)

    again = post_xml(client, path, district.packet(record), token).json()

    assert again["receipt_id"] == first["receipt_id"]
    assert run_ready() == ["answer_packets"]
    polled = client.get(f"{API}/receipts/{first['receipt_id']}", headers=bearer(token))
    assert [r["outcome"] for r in polled.json()["records"]] == ["accepted"]
