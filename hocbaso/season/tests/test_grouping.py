"""Group commit: packets sent alone are answered by one task run, in one
transaction with one checkpoint; a group never grows past its records; companions
held by a worker that died go back to the queue and are answered once; a group
that fails gives its companions back and its worker answers its own receipt."""

from __future__ import annotations

import datetime as dt

from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from hocbaso.records.models import Round
from hocbaso.registry import actions, processing
from hocbaso.registry.models import LedgerCheckpoint, LedgerEntry, Receipt, Submission
from hocbaso.registry.tests.api_support import issue, post_xml
from hocbaso.registry.tests.helpers import submit, tamper
from hocbaso.season import engine, grouping, tasks
from hocbaso.season.tests.support import run_ready, waiting

QUERIES_PER_PACKET_ALONE = 9


def _send_alone(district, records, clerk, clock, data=None):
    """Each record's packet sent alone, as the API does: a receipt and a task."""
    return [
        tasks.answer_later(
            submit(district, record, clerk, clock, data=data, process=False)
        ).receipt_id
        for record in records
    ]


def _receipts(ids):
    return {r.public_id: r for r in Receipt.objects.filter(public_id__in=ids)}


def test_packets_sent_alone_are_answered_together_in_one_transaction(
    district, clock, queue, primary_clerk
):
    records = district.records(district.primary, Round.MAIN)[:3]
    ids = _send_alone(district, records, primary_clerk, clock)
    ids += _send_alone(  # changed after signing: rejected, the others accepted
        district, records[:1], primary_clerk, clock, tamper(district.packet(records[0]))
    )
    checkpoints, entries = LedgerCheckpoint.objects.count(), LedgerEntry.objects.count()

    assert run_ready() == ["answer_receipt"]  # one task run answers the four

    answered = _receipts(ids)
    assert [answered[i].status for i in ids] == ["processed"] * 4
    assert [answered[i].accepted_count for i in ids] == [1, 1, 1, 0]
    assert LedgerEntry.objects.count() == entries + 3
    assert LedgerCheckpoint.objects.count() == checkpoints + 1
    rows = DBTaskResult.objects.filter(task_path__endswith=".answer_receipt")
    assert (
        sorted(rows.values_list("status", "return_value"))
        == [(TaskResultStatus.SUCCESSFUL, "processed")] * 4
    )
    assert all(len(w) == 1 for w in rows.values_list("worker_ids", flat=True))
    assert actions.verify_ledger().ok


def test_a_group_takes_no_more_records_than_its_room(
    district, clock, queue, primary_clerk, monkeypatch
):
    monkeypatch.setattr(grouping, "GROUP_RECORDS", 3)
    records = district.records(district.primary)[:4]
    assert len(records) == 4
    ids = _send_alone(district, records, primary_clerk, clock)
    checkpoints = LedgerCheckpoint.objects.count()

    assert run_ready() == ["answer_receipt", "answer_receipt"]  # 3, then 1

    assert LedgerCheckpoint.objects.count() == checkpoints + 2
    assert all(r.accepted_count == 1 for r in _receipts(ids).values())


def test_companions_of_a_worker_that_died_go_back_and_are_answered_once(
    district, clock, queue, primary_clerk
):
    records = district.records(district.primary, Round.MAIN)[:3]
    ids = _send_alone(district, records, primary_clerk, clock)
    entries = LedgerEntry.objects.count()
    leader = DBTaskResult.objects.ready().first()
    leader.claim("dead-worker")
    # the worker claims its companions, then is killed before its transaction ends
    held = grouping.claim_companions(str(leader.pk), tasks.answer_receipt, 64)
    assert len(held) == 2 and not waiting("answer_receipt")
    assert LedgerEntry.objects.count() == entries

    clock.set(clock() + 2 * engine.lease())  # the lease ends, no beat from it
    assert len(engine.requeue_abandoned()) == 3
    run_ready()

    assert Submission.objects.filter(record__in=records).count() == 3
    assert LedgerEntry.objects.count() == entries + 3
    assert all(r.accepted_count == 1 for r in _receipts(ids).values())
    assert actions.verify_ledger().ok


def test_a_failed_group_gives_its_companions_back_and_answers_alone(
    district, clock, queue, primary_clerk, monkeypatch
):
    records = district.records(district.primary, Round.MAIN)[:3]
    ids = _send_alone(district, records, primary_clerk, clock)
    alone = processing.process_receipts

    def only_alone(items, **options):
        if len(items) > 1:
            raise RuntimeError("the group's transaction failed")
        return alone(items, **options)

    monkeypatch.setattr(processing, "process_receipts", only_alone)

    assert run_ready() == ["answer_receipt"] * 3

    assert all(r.accepted_count == 1 for r in _receipts(ids).values())
    rows = DBTaskResult.objects.filter(task_path__endswith=".answer_receipt")
    # a claim given back is not counted as an attempt of the task
    assert all(len(w) == 1 for w in rows.values_list("worker_ids", flat=True))
    assert actions.verify_ledger().ok


def test_a_receipt_answered_twice_in_a_group_is_stored_once(
    district, clock, queue, primary_clerk
):
    records = district.records(district.primary, Round.MAIN)[:2]
    ids = _send_alone(district, records, primary_clerk, clock)
    found = list(Receipt.objects.select_related("school").filter(public_id__in=ids))

    grouping.answer(found)
    grouping.answer(found)  # what the receipts were when read: "received"

    assert Submission.objects.filter(record__in=records).count() == 2
    assert clock() - dt.timedelta(days=1) < found[0].received_at


def test_a_replacement_grouped_after_its_submission_sees_it_stored(
    district, clock, queue, primary_clerk
):
    """Two receipts of one record in one group are stored one after the other."""
    records = district.records(district.primary, Round.MAIN)
    first = _send_alone(district, records[:2], primary_clerk, clock)
    replacing = actions.replace(
        district.replacement[records[0].pk],
        school=records[0].school,
        actor=primary_clerk,
        reason="Sửa nhận xét của giáo viên chủ nhiệm",
        clock=clock,
        process=False,
    )
    tasks.answer_later(replacing)
    checkpoints = LedgerCheckpoint.objects.count()

    assert run_ready() == ["answer_receipt"]

    answered = _receipts([*first, replacing.receipt_id])
    assert [r.accepted_count for r in answered.values()] == [1, 1, 1]
    assert LedgerCheckpoint.objects.count() == checkpoints + 1
    states = Submission.objects.filter(record=records[0]).values_list("state")
    assert sorted(s for (s,) in states) == ["accepted", "superseded"]
    assert actions.verify_ledger().ok


def test_a_packet_sent_alone_costs_the_api_few_queries(
    district, clock, queue, client, django_assert_max_num_queries
):
    """The API's answer to a packet sent alone: its token (and its last use, once
    a minute), the earlier receipt, the bytes, the receipt and its audit row, the
    task (and the savepoint the test's transaction makes of the receipt's); no
    read of results a receipt just given cannot have, no second read of the
    receipt, no look into the queue."""
    record = district.records(district.primary, Round.MAIN)[0]
    token = issue(record.school)
    path = f"/schools/{record.school.code}/submissions"

    with django_assert_max_num_queries(QUERIES_PER_PACKET_ALONE) as queries:
        response = post_xml(client, path, district.packet(record), token)

    assert response.status_code == 202
    assert response.json()["status"] == "received"
    assert len(waiting("answer_receipt")) == 1
    tasks_table = DBTaskResult._meta.db_table
    assert [
        q for q in queries if q["sql"].startswith("SELECT") and tasks_table in q["sql"]
    ] == []
