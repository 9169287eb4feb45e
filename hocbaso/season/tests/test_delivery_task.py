"""Delivery to the national repository as a task: run by the engine, idempotent,
enqueued once per period by any number of workers, its progress on the job."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from hocbaso.exchange import delivery, signed
from hocbaso.exchange.models import BatchState, Identity, OutboundBatch, Peer
from hocbaso.season import delivering, engine, progress
from hocbaso.season.models import Job
from hocbaso.season.tests.support import run_ready, waiting

pytestmark = pytest.mark.django_db


class Receiver:
    """The national repository's answer: a signed receipt for each batch posted."""

    posts: list[str] = []
    down = False

    def __init__(self, timeout: float = 60.0) -> None:
        pass

    def post(self, url: str, body: bytes) -> tuple[int, bytes]:
        if Receiver.down:
            return 503, b'{"error": "down"}'
        batch = OutboundBatch.objects.get(body_sha256=signed.sha256_hex(body))
        Receiver.posts.append(batch.batch_id)
        receipt = signed.sign_document(
            {
                "batch": batch.batch_id,
                "body_sha256": batch.body_sha256,
                "records": batch.record_count,
                "stored": batch.record_count,
                "duplicate": 0,
            }
        )
        return 200, json.dumps({"receipt": receipt}).encode()


@pytest.fixture
def national(settings, tmp_path, monkeypatch):
    settings.DATA_DIR = tmp_path
    Identity.objects.create(code="01")
    Peer.objects.create(
        code=signed.NATIONAL,
        kind="national",
        exchange_key=signed.signer().verifier_key().to_string(),
        url="http://national.invalid",
    )
    Receiver.posts, Receiver.down = [], False
    monkeypatch.setattr(delivery, "HttpTransport", Receiver)
    return [_batch(n) for n in (1, 2, 3)]


def _batch(sequence: int) -> OutboundBatch:
    body = json.dumps({"batch": sequence}).encode()
    return OutboundBatch.objects.create(
        destination=signed.NATIONAL,
        school_year="2025-2026",
        round="main",
        sequence=sequence,
        body=body,
        body_sha256=signed.sha256_hex(body),
        record_count=10 * sequence,
        created_at=timezone.now(),
    )


def test_the_delivery_task_delivers_every_due_batch_and_a_rerun_sends_nothing(
    national,
):
    job = delivering.enqueue_delivery()

    assert job.state == Job.State.DONE and (job.done, job.total) == (3, 3)
    assert job.result["sent"] == 3 and job.errors == []
    assert set(OutboundBatch.objects.values_list("state", flat=True)) == {"sent"}
    assert sorted(Receiver.posts) == sorted(b.batch_id for b in national)

    again = delivering.deliver_due.call(job.public_id)  # the same job, run again
    later = delivering.enqueue_delivery()  # a new run: nothing is due

    assert again == job.result and later.total == 0
    assert len(Receiver.posts) == 3


def test_a_receiver_down_leaves_the_batches_failed_and_the_job_says_so(national):
    Receiver.down = True

    job = delivering.enqueue_delivery()

    assert job.state == Job.State.DONE and job.result["failed"] == 3
    assert len(job.errors) == 3 and "503" in job.errors[0]
    failed = OutboundBatch.objects.filter(state=BatchState.FAILED)
    assert failed.count() == 3 and all(b.next_attempt_at for b in failed)


def test_the_command_enqueues_and_fails_while_a_batch_is_not_acknowledged(national):
    Receiver.down = True
    with pytest.raises(CommandError):
        call_command("exchange", "deliver", "--backoff", "0")

    Receiver.down = False
    OutboundBatch.objects.update(next_attempt_at=None)
    call_command("exchange", "deliver", "--backoff", "0")

    assert set(OutboundBatch.objects.values_list("state", flat=True)) == {"sent"}


def test_the_periodic_delivery_is_enqueued_once_per_period(queue, national):
    now = timezone.now()
    every = delivering.DELIVER_EVERY
    enqueue = delivering.enqueue_periodic

    first = [engine.run_if_due("deliver_due", every, enqueue, now) for _ in range(3)]
    half = engine.run_if_due("deliver_due", every, enqueue, now + every / 2)
    assert first == [True, False, False] and half is False
    assert len(waiting("deliver_due")) == 1

    assert run_ready() == ["deliver_due"]
    assert set(OutboundBatch.objects.values_list("state", flat=True)) == {"sent"}
    assert Job.objects.get().state == Job.State.DONE
    assert engine.run_if_due("deliver_due", every, enqueue, now + every) is True
    run_ready()  # nothing due: no job, no post
    assert Job.objects.count() == 1 and len(Receiver.posts) == 3


def test_a_periodic_run_with_nothing_due_keeps_no_job(national):
    OutboundBatch.objects.update(next_attempt_at=timezone.now() + dt.timedelta(hours=1))
    assert delivering.deliver_due.call() == {"sent": 0, "failed": 0}
    assert not Job.objects.exists()


def test_the_history_page_shows_the_latest_delivery_and_its_progress(
    national, django_user_model
):
    delivering.enqueue_delivery()
    running = progress.new_job(Job.Kind.DELIVERY)
    progress.begin(running, total=4)
    progress.advance(running, 1)
    client = Client()
    client.force_login(django_user_model.objects.create_superuser("root", "", "x"))

    page = client.get("/exchange/").content.decode()
    assert 'data-state="running"' in page and "Đã xử lý 1/4 lô" in page
    assert '<progress id="delivery-progress" max="4" value="1">' in page
    assert "data-refresh" in page  # until the run is over

    progress.finish(running, result={"sent": 3, "failed": 1}, errors=["b1: 503"])
    page = client.get("/exchange/").content.decode()
    assert "3 lô đã được xác nhận, 1 lô chưa được xác nhận" in page
    assert "b1: 503" in page and "data-refresh" not in page
