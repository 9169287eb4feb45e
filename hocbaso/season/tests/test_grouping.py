"""Packets sent alone, answered in batches: a burst of them makes one task, which
answers them in one transaction with one checkpoint, each with its own answer
(forged, late, two of one record as if one after the other); a batch never grows
past its bound; a batch's claim held by a worker that died is answered once; a
batch that fails writes nothing and answers each receipt alone; a packet that
arrives once a task has claimed its batch gets a task of its own."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from hocbaso.records.models import Round
from hocbaso.registry import actions, processing, verification
from hocbaso.registry.codes import RecordCode
from hocbaso.registry.models import (
    LedgerCheckpoint,
    LedgerEntry,
    Receipt,
    RecordResult,
    Submission,
)
from hocbaso.registry.rounds import lock_deadline
from hocbaso.registry.tests.api_support import issue, post_xml
from hocbaso.registry.tests.helpers import submit, tamper
from hocbaso.season import engine, grouping, tasks
from hocbaso.season.tests.support import run_ready, waiting

REASON = "Sửa nhận xét của giáo viên chủ nhiệm"


def _send_alone(district, records, clerk, clock, data=None):
    """Each record's packet sent alone, as the API does: a receipt, then a task
    only if none waits."""
    return [
        tasks.answer_later(
            submit(district, record, clerk, clock, data=data, process=False)
        ).receipt_id
        for record in records
    ]


def _receipts(ids):
    found = {r.public_id: r for r in Receipt.objects.filter(public_id__in=ids)}
    return [found[i] for i in ids]


def _outcomes(ids):
    """Each receipt's record: its outcome and the codes of its problems."""
    rows = {
        r.receipt.public_id: r for r in RecordResult.objects.select_related("receipt")
    }
    return [
        (rows[i].outcome, sorted({p["code"] for p in rows[i].problems})) for i in ids
    ]


def test_a_burst_of_packets_is_one_task_and_one_transaction_each_with_its_answer(
    district, clock, queue, primary_clerk
):
    records = district.records(district.primary, Round.MAIN)[:3]
    ids = _send_alone(district, records[:2], primary_clerk, clock)
    ids += _send_alone(  # changed after signing: rejected, the others accepted
        district, records[2:], primary_clerk, clock, tamper(district.packet(records[2]))
    )
    checkpoints, entries = LedgerCheckpoint.objects.count(), LedgerEntry.objects.count()

    assert len(waiting("answer_packets")) == 1  # three receipts, one task
    with CaptureQueriesContext(connection) as queries:
        assert run_ready() == ["answer_packets"]

    assert [r.status for r in _receipts(ids)] == ["processed"] * 3
    assert all(r.processed_at == r.received_at for r in _receipts(ids))
    # the answers written by one statement compiled once, not a CASE per receipt
    receipts = Receipt._meta.db_table
    assert [q for q in queries if receipts in q["sql"] and "CASE" in q["sql"]] == []
    assert _outcomes(ids) == [("accepted", [])] * 2 + [
        ("rejected", [RecordCode.SIGNATURE_INVALID])
    ]
    assert LedgerEntry.objects.count() == entries + 2
    assert LedgerCheckpoint.objects.count() == checkpoints + 1
    (row,) = DBTaskResult.objects.filter(task_path__endswith=".answer_packets")
    assert row.return_value == {"answered": 3, "alone": 0}
    assert actions.verify_ledger().ok


def test_a_packet_received_after_the_deadline_is_refused_alone_in_its_batch(
    district, clock, queue, primary_clerk
):
    records = district.records(district.primary, Round.MAIN)[:2]
    in_time = _send_alone(district, records[:1], primary_clerk, clock)
    clock.set(lock_deadline(district.year, Round.MAIN) + dt.timedelta(minutes=1))
    late = _send_alone(district, records[1:], primary_clerk, clock)

    assert run_ready() == ["answer_packets"]

    assert _outcomes(in_time + late) == [
        ("accepted", []),
        ("rejected", [RecordCode.DEADLINE_PASSED]),
    ]


SAME_RECORD = {
    "submitted twice": (("submit", "packet"), ("submit", "replacement")),
    "submitted then replaced": (("submit", "packet"), ("replace", "replacement")),
    "replaced then submitted": (("replace", "replacement"), ("submit", "packet")),
}
ONE_AFTER_THE_OTHER = {
    "submitted twice": [("accepted", []), ("rejected", [RecordCode.ALREADY_SUBMITTED])],
    "submitted then replaced": [("accepted", []), ("accepted", [])],
    "replaced then submitted": [
        ("rejected", [RecordCode.NOTHING_TO_REPLACE]),
        ("accepted", []),
    ],
}


@pytest.mark.parametrize("together", [True, False], ids=["one batch", "one by one"])
@pytest.mark.parametrize("case", list(SAME_RECORD))
def test_two_packets_of_one_record_in_a_batch_answer_as_one_after_the_other(
    district, clock, queue, primary_clerk, case, together
):
    (record_id,) = district.replacement
    record = next(r for r in district.records(district.primary) if r.pk == record_id)
    data = {
        "packet": district.packet(record),
        "replacement": district.replacement[record_id],
    }
    ids = []
    for operation, which in SAME_RECORD[case]:
        extra = {"reason": REASON} if operation == "replace" else {}
        send = getattr(actions, operation)
        receipt = send(
            data[which],
            school=record.school,
            actor=primary_clerk,
            clock=clock,
            process=False,
            **extra,
        )
        ids.append(tasks.answer_later(receipt).receipt_id)
        if not together:
            assert run_ready() == ["answer_packets"]
    if together:
        assert run_ready() == ["answer_packets"]

    assert _outcomes(ids) == ONE_AFTER_THE_OTHER[case]
    assert Submission.objects.filter(record=record, state="accepted").count() == 1
    assert actions.verify_ledger().ok


def test_a_full_batch_enqueues_the_next_and_takes_no_more_than_its_bound(
    district, clock, queue, primary_clerk, monkeypatch
):
    monkeypatch.setattr(grouping, "BATCH_RECORDS", 3)
    records = district.records(district.primary)[:4]
    assert len(records) == 4
    ids = _send_alone(district, records, primary_clerk, clock)
    checkpoints = LedgerCheckpoint.objects.count()

    assert run_ready() == ["answer_packets", "answer_packets"]  # 3, then 1

    assert LedgerCheckpoint.objects.count() == checkpoints + 2
    assert all(r.accepted_count == 1 for r in _receipts(ids))


def test_a_batch_claimed_by_a_worker_that_died_is_answered_once_when_given_back(
    district, clock, queue, primary_clerk
):
    records = district.records(district.primary, Round.MAIN)[:3]
    ids = _send_alone(district, records[:2], primary_clerk, clock)
    entries = LedgerEntry.objects.count()
    (task,) = waiting("answer_packets")
    task.claim("dead-worker")
    # the worker claims its batch, then is killed before its transaction ends
    assert [r.public_id for r in grouping.claim(str(task.pk))] == ids
    # a packet sent now gets a task, which leaves the dead worker's batch alone
    later = _send_alone(district, records[2:], primary_clerk, clock)
    assert run_ready() == ["answer_packets"]
    assert [r.status for r in _receipts(ids + later)] == ["received"] * 2 + [
        "processed"
    ]

    clock.set(clock() + 2 * engine.lease())  # the lease ends, no beat from it
    assert engine.requeue_abandoned() == [str(task.pk)]
    assert run_ready() == ["answer_packets"]

    assert Submission.objects.filter(record__in=records).count() == 3
    assert LedgerEntry.objects.count() == entries + 3
    assert all(r.accepted_count == 1 for r in _receipts(ids + later))
    assert actions.verify_ledger().ok


def test_a_batch_that_fails_writes_nothing_and_each_receipt_is_answered_alone(
    district, clock, queue, primary_clerk, monkeypatch
):
    records = district.records(district.primary, Round.MAIN)[:3]
    ids = _send_alone(district, records, primary_clerk, clock)
    checkpoints, entries = LedgerCheckpoint.objects.count(), LedgerEntry.objects.count()
    alone = processing.process_receipts

    def failing(items, **options):
        receipt_ids = [r.public_id for r, _, _ in items]
        if len(items) > 1 or receipt_ids == ids[1:2]:

            def fail():  # the entries and the checkpoint are written by now
                raise RuntimeError("the batch's transaction failed")

            options["before_commit"] = fail
        return alone(items, **options)

    monkeypatch.setattr(processing, "process_receipts", failing)

    assert run_ready() == ["answer_packets"]

    (row,) = DBTaskResult.objects.filter(task_path__endswith=".answer_packets")
    assert row.return_value == {"answered": 2, "alone": 3}
    assert [r.status for r in _receipts(ids)] == ["processed", "received", "processed"]
    assert LedgerEntry.objects.count() == entries + 2  # nothing of the batch
    assert LedgerCheckpoint.objects.count() == checkpoints + 2
    assert actions.verify_ledger().ok
    monkeypatch.setattr(processing, "process_receipts", alone)
    clock.set(clock() + dt.timedelta(minutes=10))
    assert tasks.recover_receipts.call() == 1  # the one that failed alone
    assert all(r.accepted_count == 1 for r in _receipts(ids))


def test_a_packet_received_after_a_tasks_claim_gets_a_task_of_its_own(
    district, clock, queue, primary_clerk
):
    records = district.records(district.primary, Round.MAIN)[:2]
    first = _send_alone(district, records[:1], primary_clerk, clock)
    (task,) = waiting("answer_packets")
    task.claim("worker-1")
    assert [r.public_id for r in grouping.claim(str(task.pk))] == first

    second = _send_alone(district, records[1:], primary_clerk, clock)

    assert len(waiting("answer_packets")) == 1
    assert run_ready() == ["answer_packets"]
    assert [r.status for r in _receipts(first + second)] == ["received", "processed"]


def test_a_packet_sent_alone_costs_the_api_few_queries_and_one_look_at_the_queue(
    district, clock, queue, client, django_assert_max_num_queries
):
    """The API's answer to a packet sent alone: its token (and its last use, once
    a minute), the earlier receipt, the bytes, the receipt and its audit row (one
    statement on PostgreSQL), and whether a task waits to answer packets: none
    inserted while one waits."""
    records = district.records(district.primary, Round.MAIN)[:2]
    token = issue(records[0].school)
    path = f"/schools/{records[0].school.code}/submissions"
    post_xml(client, path, district.packet(records[0]), token)
    (waiting_task,) = waiting("answer_packets")

    most = QUERIES_PER_PACKET_ALONE[connection.vendor]
    with django_assert_max_num_queries(most) as queries:
        response = post_xml(client, path, district.packet(records[1]), token)

    assert response.status_code == 202
    assert response.json()["status"] == "received"
    assert waiting("answer_packets") == [waiting_task]
    tasks_table = DBTaskResult._meta.db_table
    assert [q["sql"].split()[0] for q in queries if tasks_table in q["sql"]] == [
        "SELECT"
    ]
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 1


QUERIES_PER_PACKET_ALONE = {"postgresql": 4, "sqlite": 8}
"""Token, earlier receipt, the write (on SQLite the bytes, the receipt and the audit
row, in the test's savepoint), the queue's check; one more for the token's last
use, which this POST, the token's second within a minute, does not write."""


def test_a_batch_finds_its_trust_store_and_role_binding_once(
    district, clock, queue, primary_clerk, monkeypatch
):
    """Each receipt of a batch is verified at its own time, by one verifier: the
    trust store (a look at its directory's files) and the records binding once."""
    found, bindings = [], []
    store = verification.trust_store
    monkeypatch.setattr(verification, "trust_store", lambda: found.append(1) or store())
    binding = verification.RecordsRoleBinding

    def counted():
        bindings.append(1)
        return binding()

    monkeypatch.setattr(verification, "RecordsRoleBinding", counted)
    records = district.records(district.primary, Round.MAIN)[:3]
    ids = _send_alone(district, records, primary_clerk, clock)

    assert run_ready() == ["answer_packets"]

    assert all(r.accepted_count == 1 for r in _receipts(ids))
    assert (len(found), len(bindings)) == (1, 1)


def test_a_worker_reads_a_packet_sent_alone_once_by_verifying_it(
    district, clock, queue, primary_clerk, monkeypatch
):
    """The receipt read the bytes when it was given; the worker only verifies them
    (which parses them), while a class package is read again for its packets."""
    read = []
    reading = processing.read_document
    monkeypatch.setattr(
        processing, "read_document", lambda *a: read.append(1) or reading(*a)
    )
    records = district.records(district.primary, Round.MAIN)[:2]
    ids = _send_alone(district, records, primary_clerk, clock)

    assert run_ready() == ["answer_packets"]

    assert read == []
    assert _outcomes(ids) == [("accepted", [])] * 2
    assert actions.verify_ledger().ok


def test_a_claim_is_one_statement_and_names_its_task_as_the_orm_does(
    district, clock, queue, primary_clerk
):
    records = district.records(district.primary, Round.MAIN)[:2]
    ids = _send_alone(district, records, primary_clerk, clock)
    (task,) = waiting("answer_packets")

    with CaptureQueriesContext(connection) as queries:
        grouping.claim(str(task.pk))

    receipts = Receipt._meta.db_table
    writes = [q for q in queries if q["sql"].startswith("UPDATE")]
    assert len(writes) == 1 and receipts in writes[0]["sql"]
    held = Receipt.objects.filter(claimed_by=task.pk)
    assert sorted(held.values_list("public_id", flat=True)) == sorted(ids)
