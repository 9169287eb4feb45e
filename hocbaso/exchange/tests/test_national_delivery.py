"""A department's locked round reaches the national repository through faults.

One story over one network (the tests run in order): the receiver is down, a
connection is cut mid-body, a receipt is lost on the way back, the sender is
killed mid-send; then everything is delivered, each record stored once, and the
department's status agrees with the receiver's receipts record by record.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import time

import pytest
import requests

from hocbaso.exchange.feed import stable_record_id
from hocbaso.exchange.tests.network import last_school_year
from hocbaso.exchange.tests.proxy import FaultyProxy

# The instances are subprocesses with their own SQLite databases: nothing here
# reaches the suite's database, so it runs once, in the SQLite half of `make test`.
pytestmark = pytest.mark.once

YEAR = last_school_year()
FAST = ["--attempts", "2", "--backoff", "0.05"]


def _received(network):
    return network.national.query(
        "select batch_id, receipt from exchange_inboundbatch order by batch_id"
    )


def _national_versions(network, department="01"):
    return network.national.query(
        "select record_id, version, packet_sha256, is_current "
        "from exchange_nationalrecord where department = ? order by record_id",
        department,
    )


def _locked_packets(instance, year=YEAR, round_name="main"):
    """(record id, packet SHA-256) of every locked current submission; the id is
    derived from the department, the lookup code and the school year."""
    rows = instance.query(
        "select t.lookup_code, s.blob_id from registry_submission s "
        "join records_schoolyear y on y.id = s.school_year_id "
        "join records_yearlyrecord r on r.id = s.record_id "
        "join records_transcript t on t.id = r.transcript_id "
        "where s.state = 'accepted' and s.locked_at is not null "
        "and y.name = ? and s.round = ?",
        year,
        round_name,
    )
    return {(stable_record_id(instance.code, c, year), sha) for c, sha in rows}


def test_it_keeps_the_batches_failed_while_the_receiver_is_down(network):
    north, national = network.north, network.national
    national.stop()
    done = north.exchange(
        "send",
        "--year",
        YEAR,
        "--round",
        "main",
        "--batch-size",
        "8",
        *FAST,
        check=False,
    )
    assert done.returncode != 0
    batches = north.batches()
    assert len(batches) == 4
    assert {b["state"] for b in batches} == {"failed"}
    assert all(b["attempts"] == 2 for b in batches)
    assert all(b["last_error"] for b in batches)
    national.start()
    assert _received(network) == []


def test_a_connection_cut_mid_body_stores_nothing(network):
    north, national = network.north, network.national
    proxy = FaultyProxy(national.port, "cut_request", cut_after=20_000)
    try:
        done = north.exchange(
            "deliver",
            "--url",
            proxy.url,
            "--attempts",
            "1",
            "--backoff",
            "0.05",
            "--limit",
            "1",
            check=False,
        )
    finally:
        proxy.close()
    assert done.returncode != 0
    assert proxy.forwarded == 1
    assert _received(network) == []
    assert [b["state"] for b in north.batches()] == ["failed"] * 4


def test_a_receipt_lost_on_the_way_back_leaves_the_batch_to_retry(network):
    north, national = network.north, network.national
    proxy = FaultyProxy(national.port, "drop_response")
    try:
        done = north.exchange(
            "deliver",
            "--url",
            proxy.url,
            "--attempts",
            "1",
            "--backoff",
            "0.05",
            "--limit",
            "1",
            check=False,
        )
    finally:
        proxy.close()
    assert done.returncode != 0
    # the receiver stored the batch; the sender, without the receipt, still
    # counts it failed (which batch was due first depends on the backoff)
    (received,) = [b for b, _ in _received(network)]
    states = {b["batch"]: b["state"] for b in north.batches()}
    assert states[received] == "failed"


def test_a_sender_killed_mid_send_leaves_the_batch_sending(network):
    north, national = network.north, network.national
    proxy = FaultyProxy(national.port, "stall")
    sender = north.popen(
        "exchange",
        "--skip-checks",
        "deliver",
        "--url",
        proxy.url,
        "--attempts",
        "1",
        "--limit",
        "1",
    )
    try:
        assert proxy.connected.wait(120)
        assert proxy.connections == 1
        os.kill(sender.pid, signal.SIGKILL)
        sender.wait(timeout=30)
    finally:
        proxy.close()
    states = [b["state"] for b in north.batches()]
    assert states.count("sending") == 1


def _until_due(instance) -> None:
    """Sleep until the last failed batch's next attempt (its recorded time)."""
    ((latest,),) = instance.query(
        "select max(next_attempt_at) from exchange_outboundbatch"
    )
    if latest:
        due = dt.datetime.fromisoformat(latest).replace(tzinfo=dt.UTC)
        time.sleep(max(0.0, (due - dt.datetime.now(dt.UTC)).total_seconds()))


def test_the_next_run_delivers_every_batch_once(network):
    north = network.north
    _until_due(north)
    north.exchange("deliver", *FAST)
    batches = north.status()
    assert {b["state"] for b in batches} == {"sent"}
    received = dict(_received(network))
    assert set(received) == {b["batch"] for b in batches}
    # the status agrees with the receiver's receipts, batch by batch
    for batch in batches:
        assert batch["receipt_sha256"] == _sha(received[batch["batch"]])
    # record by record: every locked record once, its version 1, its packet
    national = _national_versions(network)
    assert {(r, sha) for r, _v, sha, _c in national} == _locked_packets(north)
    assert len(national) == len(_locked_packets(north)) == 30
    assert all(v == 1 and current for _r, v, _sha, current in national)
    assert sum(b["stored"] for b in batches) == 30


def test_the_national_lookup_finds_a_delivered_transcript(network):
    """The national repository's portal API answers from the records it stored."""
    ((code,),) = network.national.query(
        "select lookup_code from exchange_nationalrecord where department = '01' "
        "order by record_id limit 1"
    )
    held = network.national.query(
        "select packet_sha256 from exchange_nationalrecord where lookup_code = ?",
        code,
    )
    answer = requests.post(
        network.national.url + "/api/v1/portal/lookup",
        json={"code": code, "purpose": "tra cứu quốc gia"},
        timeout=60,
    )
    assert answer.status_code == 200
    records = answer.json()["records"]
    assert {r["packet_sha256"] for r in records} == {sha for (sha,) in held}
    assert all(r["status"] == "effective" and r["signatures"] for r in records)
    assert all(r["ledger"]["verified"] for r in records)
    (detail,) = network.national.query(
        "select detail from portal_accessevent where action = 'api'"
    )
    assert '"source": "national"' in detail[0] and code not in detail[0]


def test_a_batch_delivered_twice_is_answered_with_the_same_receipt(network):
    north, national = network.north, network.national
    batch_id, body = north.query(
        "select batch_id, body from exchange_outboundbatch order by sequence"
    )[0]
    answers = [_post(national, bytes(body)) for _ in range(2)]
    assert [a.status_code for a in answers] == [200, 200]
    assert answers[0].json() == answers[1].json()
    assert answers[0].json()["replayed"] is True
    assert dict(_received(network))[batch_id] == answers[0].json()["receipt"]
    done = north.exchange("resend", batch_id, *FAST)
    assert " sent " in done.stdout
    assert len(_national_versions(network)) == 30


def test_it_refuses_a_batch_whose_bytes_changed(network):
    north, national = network.north, network.national
    body = bytes(north.query("select body from exchange_outboundbatch")[0][0])
    changed = body.replace(b'"sukien": "NEW"', b'"sukien": "UPDATE"', 1)
    assert changed != body
    answer = _post(national, changed)
    assert answer.status_code == 409
    assert answer.json()["code"] == "BATCH_CONFLICT"


def test_a_batch_from_an_unknown_department_is_refused(network):
    south, national = network.south, network.national
    south.exchange("send", "--year", YEAR, "--round", "main", *FAST)
    body = bytes(south.query("select body from exchange_outboundbatch")[0][0])
    forged = body.replace(b'\\"department\\":\\"79\\"', b'\\"department\\":\\"02\\"')
    assert forged != body
    answer = _post(national, forged)
    assert answer.status_code == 403
    assert answer.json()["code"] == "UNKNOWN_PEER"
    assert len(_national_versions(network, "79")) == len(_locked_packets(south))


def _post(instance, body: bytes):
    return requests.post(
        instance.url + "/api/v1/exchange/batches",
        data=body,
        headers={"Content-Type": "application/json"},
        timeout=120,
    )


def _sha(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode()).hexdigest()
