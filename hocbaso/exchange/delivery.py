"""Deliver queued batches to the national repository, surviving faults.

Each batch goes through the outbox states: ``waiting`` (queued), ``sending`` (an
attempt under way, committed before the bytes leave, so a sender killed mid-send
finds it again at its next run), ``sent`` (the receiver's signed receipt checked
and kept), ``failed`` (an attempt failed; retried with exponential backoff) and
``resend`` (staff asked to send it again). The receiver keys batches by their id and
records by id and version, so a batch delivered twice, or sent again after a
receipt was lost on the way back, is stored once and answered with the same receipt.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import requests
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hocbaso.exchange import signed
from hocbaso.exchange.errors import DeliveryError, ExchangeError, SignatureError
from hocbaso.exchange.models import BatchState, OutboundBatch, Peer

BATCHES_PATH = "/api/v1/exchange/batches"
MAX_BACKOFF = 300.0


class Transport(Protocol):
    def post(self, url: str, body: bytes) -> tuple[int, bytes]: ...


class HttpTransport:
    """POST with requests; connection errors and timeouts raise DeliveryError."""

    def __init__(self, timeout: float = 60.0) -> None:
        self._timeout = timeout

    def post(self, url: str, body: bytes) -> tuple[int, bytes]:
        try:
            answer = requests.post(
                url,
                data=body,
                headers={"Content-Type": "application/json"},
                timeout=(5.0, self._timeout),
            )
        except requests.RequestException as exc:
            raise DeliveryError(
                _("The receiver could not be reached: %(error)s")
                % {"error": type(exc).__name__}
            ) from exc
        return answer.status_code, answer.content


@dataclass
class Policy:
    attempts: int = 5  # attempts of one batch in one run
    backoff: float = 1.0  # seconds before the second attempt, doubled each time
    sleep: Callable[[float], None] = time.sleep


def due_batches(destination: str, now: dt.datetime):
    """Every batch not yet acknowledged whose next attempt is due."""
    open_states = [
        BatchState.WAITING,
        BatchState.SENDING,
        BatchState.FAILED,
        BatchState.RESEND,
    ]
    return (
        OutboundBatch.objects.filter(destination=destination, state__in=open_states)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("created_at", "sequence")
    )


def deliver(
    *,
    destination: str = signed.NATIONAL,
    transport: Transport | None = None,
    policy: Policy | None = None,
    clock: Callable[[], dt.datetime] = timezone.now,
    limit: int | None = None,
    url: str | None = None,
) -> list[OutboundBatch]:
    """Send every due batch, retrying each with backoff; the batches handled.

    ``limit`` sends at most that many; ``url`` overrides the peer's address.
    """
    peer = signed.peer(destination)
    if url:
        peer.url = url
    if not peer.url:
        raise ExchangeError(_("No address is registered for %(p)s.") % {"p": peer.code})
    transport, policy = transport or HttpTransport(), policy or Policy()
    handled = []
    for batch in list(due_batches(destination, clock())[:limit]):
        handled.append(deliver_batch(batch, peer, transport, policy, clock))
    return handled


def deliver_batch(batch, peer: Peer, transport, policy: Policy, clock):
    url = peer.url.rstrip("/") + BATCHES_PATH
    for attempt in range(policy.attempts):
        if attempt:
            policy.sleep(min(policy.backoff * 2 ** (attempt - 1), MAX_BACKOFF))
        _mark(batch, state=BatchState.SENDING, attempts=batch.attempts + 1)
        try:
            status, content = transport.post(url, bytes(batch.body))
            _accept(batch, peer, status, content, clock())
            return batch
        except ExchangeError as exc:
            delay = min(policy.backoff * 2 ** (batch.attempts - 1), MAX_BACKOFF)
            _mark(
                batch,
                state=BatchState.FAILED,
                last_error=str(exc),
                next_attempt_at=clock() + dt.timedelta(seconds=delay),
            )
    return batch


def _mark(batch: OutboundBatch, **fields) -> None:
    for name, value in fields.items():
        setattr(batch, name, value)
    OutboundBatch.objects.filter(pk=batch.pk).update(**fields)


def _accept(batch, peer, status: int, content: bytes, at: dt.datetime) -> None:
    """Check the signed receipt of a 200 answer; anything else raises."""
    try:
        answer = json.loads(content)
    except ValueError:
        answer = {}
    if status != 200 or not isinstance(answer, dict) or "receipt" not in answer:
        error = answer.get("error") if isinstance(answer, dict) else None
        raise DeliveryError(
            _("The receiver answered %(status)s: %(error)s")
            % {"status": status, "error": error or _("no receipt")}
        )
    receipt = check_receipt(answer["receipt"], batch, peer)
    _mark(
        batch,
        state=BatchState.SENT,
        receipt=answer["receipt"],
        sent_at=at,
        last_error="",
        next_attempt_at=None,
        stored_count=receipt["stored"],
        duplicate_count=receipt["duplicate"],
    )


def check_receipt(note: str, batch: OutboundBatch, peer: Peer) -> dict:
    """The receipt's document, signed by the receiver, for exactly this batch."""
    document = signed.open_document(note, peer)
    if (
        document.get("batch") != batch.batch_id
        or document.get("body_sha256") != batch.body_sha256
        or document.get("records") != batch.record_count
    ):
        raise SignatureError(_("The receipt is not the receipt of this batch."))
    return document


def mark_for_resend(batch_id: str) -> OutboundBatch:
    """Staff ask for a batch to be sent again (the receiver keeps it once)."""
    batch = OutboundBatch.objects.filter(batch_id=batch_id).first()
    if batch is None:
        raise ExchangeError(_("There is no batch %(id)s.") % {"id": batch_id})
    _mark(batch, state=BatchState.RESEND, next_attempt_at=None)
    return batch
