"""Delivery to the national repository as a task (docs/exchange.md, "Delivery").

``deliver_due`` sends every batch that is due, once each per run (a failed batch
waits for its ``next_attempt_at``, doubled after each failure, so the periodic
run is the retry loop and no worker sleeps through a backoff). It is enqueued by
the workers every ``DELIVER_EVERY`` (``engine.run_if_due``: once per period
whatever the number of workers) and by ``hocbaso exchange deliver`` / ``send``.

A run again after its worker died is harmless: batches acknowledged are no longer
due, a batch left ``sending`` is due again, and the receiver keys batches by
their id, so one sent twice is stored once and answered with the same receipt.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from hocbaso.exchange import delivery, signed
from hocbaso.exchange.errors import ExchangeError
from hocbaso.exchange.models import BatchState
from hocbaso.season import engine, progress
from hocbaso.season.models import Job

DELIVER_EVERY = dt.timedelta(minutes=10)


@task()
def deliver_due(
    job_id: str = "",
    destination: str = signed.NATIONAL,
    attempts: int = 1,
    backoff: float = 1.0,
    limit: int | None = None,
    url: str = "",
) -> dict:
    """Deliver the due batches; counts of batches sent and still failing."""
    found = progress.job(job_id) if job_id else None
    if found is not None and found.is_finished:
        return found.result
    due = list(delivery.due_batches(destination, timezone.now())[:limit])
    if found is None:
        if not due:
            return {"sent": 0, "failed": 0}  # the periodic run keeps no empty jobs
        found = progress.new_job(Job.Kind.DELIVERY, params={"to": destination})
    try:
        peer = signed.peer(destination)
        peer.url = url or peer.url  # another address for this run, not stored
        if not peer.url:
            raise ExchangeError(
                _("No address is registered for %(p)s.") % {"p": peer.code}
            )
    except ExchangeError as exc:
        failed = {"sent": 0, "failed": len(due)}
        progress.finish(found, result=failed, errors=[str(exc)], failed=True)
        return failed
    return _deliver(found, peer, due, delivery.Policy(attempts, backoff))


def _deliver(found: Job, peer, due: list, policy: delivery.Policy) -> dict:
    progress.begin(found, total=len(due))
    transport = delivery.HttpTransport()
    errors = []
    for n, batch in enumerate(due, start=1):
        delivery.deliver_batch(batch, peer, transport, policy, timezone.now)
        if batch.state != BatchState.SENT:
            errors.append(f"{batch.batch_id}: {batch.last_error}")
        progress.advance(found, n)
    result = {
        "sent": len(due) - len(errors),
        "failed": len(errors),
        "batches": [b.batch_id for b in due],
    }
    progress.finish(found, result=result, errors=errors)
    return result


def enqueue_delivery(*, user=None, destination=signed.NATIONAL, **options) -> Job:
    """A delivery job and its task (run inline by the tests' immediate backend);
    ``options``: attempts, backoff, limit, url as ``deliver_due`` takes them."""
    found = progress.new_job(Job.Kind.DELIVERY, user=user, params={"to": destination})
    args = [options.get(k) for k in ("attempts", "backoff", "limit", "url")]
    defaults = (1, 1.0, None, "")
    args = [d if a is None else a for a, d in zip(args, defaults, strict=True)]
    engine.enqueue(deliver_due, found.public_id, destination, *args)
    found.refresh_from_db()
    return found


def enqueue_periodic() -> object:
    return engine.enqueue(deliver_due)
