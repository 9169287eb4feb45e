"""The sending department's side of a transfer across provinces: it checks the
receiving department's request and the parent's consent, records the request in
the registry, and once the school released, delivers the locked signed records
with a signed manifest (docs/exchange.md, "Transfers across provinces (R15)",
steps 2 and 3).
"""

from __future__ import annotations

import base64
import datetime as dt
import json

from django.db import transaction
from django.utils.translation import gettext as _

from hocbaso.exchange import signed
from hocbaso.exchange.delivery import Transport
from hocbaso.exchange.errors import (
    BatchInvalidError,
    ConsentError,
    DeliveryError,
    ExchangeError,
    NotFoundError,
)
from hocbaso.exchange.models import CrossTransfer, Peer
from hocbaso.exchange.transfer_messages import (
    PACKAGES_PATH,
    foreign_school,
    post,
    school_fields,
)
from hocbaso.registry import actions as registry
from hocbaso.registry.actors import Actor
from hocbaso.registry.models import Blob, Submission


def receive_request(message: str, *, at) -> dict:
    """A receiving department's signed request with the parent's consent."""
    sender = signed.peer(_claimed_from(message), Peer.Kind.DEPARTMENT)
    request = signed.open_document(message, sender)
    if request.get("kind") != "transfer-request":
        raise BatchInvalidError(_("The message is not a transfer request."))
    _check_consent(request, at)
    existing = CrossTransfer.objects.filter(transfer_id=request["transfer"]).first()
    if existing is not None:
        return _request_answer(existing)
    with transaction.atomic():
        to_school = foreign_school(request["school"])
        step = registry.request_transfer(
            student_code=request["student_code"],
            level=request["level"],
            to_school=to_school,
            actor=Actor.system(f"exchange:{sender.code}"),
            note=request["transfer"],
            clock=lambda: at,
        )
        cross = CrossTransfer.objects.create(
            transfer_id=request["transfer"],
            side=CrossTransfer.Side.SENDING,
            state=CrossTransfer.State.REQUESTED,
            peer=sender.code,
            student_code=request["student_code"],
            level=request["level"],
            school_id=step.from_school_id,
            other_school_code=to_school.code,
            transcript_id=step.transcript_id,
            registry_transfer=step.public_id,
            consent=request["consent"],
            created_at=at,
            updated_at=at,
        )
    return _request_answer(cross)


def _claimed_from(note: str) -> str:
    try:
        return str(json.loads(note.split("\n", 1)[0]).get("from"))
    except (ValueError, AttributeError) as exc:
        raise BatchInvalidError(_("The message names no department.")) from exc


def _request_answer(cross: CrossTransfer) -> dict:
    return {
        "kind": "transfer-accepted",
        "transfer": cross.transfer_id,
        "department": signed.identity_code(),
        "school": cross.school.code,
    }


def _check_consent(request: dict, at) -> None:
    own = Peer(
        code=signed.identity_code(),
        exchange_key=signed.signer().verifier_key().to_string(),
    )
    try:
        consent = signed.open_document(request.get("consent") or "", own)
    except ExchangeError as exc:
        raise ConsentError(_("The consent is not signed by this department.")) from exc
    expected = {
        "kind": "consent",
        "student_code": request.get("student_code"),
        "level": request.get("level"),
        "to_school": (request.get("school") or {}).get("code"),
    }
    if any(consent.get(k) != v for k, v in expected.items()):
        raise ConsentError(_("The consent is for another student or school."))
    if dt.datetime.fromisoformat(consent["expires_at"]) < at:
        raise ConsentError(_("The consent has expired."))


def send_transcript(transfer_id: str, *, at, transport: Transport | None = None):
    """After the sending school released: deliver the signed records, then take
    the receiving department's acknowledgement into the registry."""
    cross = (
        CrossTransfer.objects.filter(
            transfer_id=transfer_id, side=CrossTransfer.Side.SENDING
        )
        .select_related("transcript", "school")
        .first()
    )
    if cross is None:
        raise NotFoundError(_("There is no transfer %(id)s.") % {"id": transfer_id})
    step = registry.transfer_status(cross.registry_transfer, actor=Actor.system())
    if step.state == "requested":
        raise ExchangeError(_("The sending school has not released the transcript."))
    peer = signed.peer(cross.peer, Peer.Kind.DEPARTMENT)
    answer = post(peer, PACKAGES_PATH, _package(cross), transport)
    if answer.get("transfer") != cross.transfer_id:
        raise DeliveryError(_("The acknowledgement is for another transfer."))
    if step.state == "released":
        registry.acknowledge_transfer(
            cross.registry_transfer,
            school=step.to_school,
            actor=Actor.system(f"exchange:{peer.code}"),
            clock=lambda: at,
        )
    cross.state = CrossTransfer.State.COMPLETED
    cross.updated_at = at
    cross.save()
    return cross


def _package(cross: CrossTransfer) -> dict:
    submissions = Submission.objects.filter(
        record__transcript=cross.transcript,
        state=Submission.State.ACCEPTED,
        locked_at__isnull=False,
    ).order_by("school_year__name")
    blobs = dict(
        Blob.objects.filter(pk__in=[s.blob_id for s in submissions]).values_list(
            "sha256", "data"
        )
    )
    return {
        "kind": "transfer-package",
        "transfer": cross.transfer_id,
        "department": signed.identity_code(),
        "lookup_code": cross.transcript.lookup_code,
        "school": school_fields(cross.school),
        "checkpoint": registry.latest_ledger_checkpoint() or "",
        "packets": [
            {
                "packet": base64.b64encode(bytes(blobs[s.blob_id])).decode(),
                "effective_at": s.locked_at.isoformat(),
            }
            for s in submissions
        ],
    }
