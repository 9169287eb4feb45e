"""The exchange's endpoints under /api/v1/exchange/ (docs/exchange.md).

Installations authenticate each other by signature, not by session or token:
every body is a document signed with the sender's exchange key, checked against
the ``Peer`` this installation registered. Errors are the API's envelope
``{"error": …, "code": …}``.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router

from hocbaso.exchange import inbound, signed, transfers
from hocbaso.exchange.errors import BatchInvalidError, ExchangeError, WrongRoleError
from hocbaso.registry import actions as registry
from hocbaso.registry.errors import RegistryError
from hocbaso.registry.witnessing import witness_key

router = Router(tags=["exchange"], auth=None)

# A batch of 500 records is about 20 MB; read from the stream, since Django caps
# ``request.body`` at DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB).
MAX_BODY_BYTES = 128 * 1024 * 1024


def _body(request: HttpRequest) -> bytes:
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > MAX_BODY_BYTES:
        raise BatchInvalidError(
            _("A body has at most %(limit)s bytes.") % {"limit": MAX_BODY_BYTES}
        )
    data = request.read(MAX_BODY_BYTES + 1) if declared > 0 else b""
    if len(data) > MAX_BODY_BYTES:
        raise BatchInvalidError(
            _("A body has at most %(limit)s bytes.") % {"limit": MAX_BODY_BYTES}
        )
    return data


def _error(exc: ExchangeError | RegistryError) -> JsonResponse:
    return JsonResponse(
        {"error": str(exc), "code": exc.code},
        status=getattr(exc, "status", 400),
        json_dumps_params={"ensure_ascii": False},
    )


@router.get("/exchange/keys")
def keys(request: HttpRequest):
    """This installation's code and verifier keys, for a peer to register."""
    try:
        return {
            "code": signed.identity_code(),
            "role": settings.HOCBASO_ROLE,
            "exchange_key": signed.signer().verifier_key().to_string(),
            "ledger_key": registry.ledger_verifier_key(),
            "witness_key": witness_key(),
        }
    except ExchangeError as exc:
        return _error(exc)


@router.post("/exchange/batches")
def receive_batch(request: HttpRequest):
    """A department's signed batch; answers the national repository's receipt."""
    try:
        if settings.HOCBASO_ROLE != signed.NATIONAL:
            raise WrongRoleError(_("This installation is not the national repository."))
        stored, receipt = inbound.receive_batch(_body(request), at=timezone.now())
    except ExchangeError as exc:
        return _error(exc)
    return {"receipt": receipt, "replayed": not stored}


def _message(request: HttpRequest) -> str:
    try:
        message = json.loads(_body(request)).get("message")
    except (ValueError, AttributeError):
        message = None
    if not isinstance(message, str):
        raise BatchInvalidError(_("The body needs a signed message."))
    return message


def _department_only() -> None:
    if settings.HOCBASO_ROLE != "department":
        raise WrongRoleError(_("This installation is not a department's registry."))


@router.post("/exchange/transfers/requests")
def transfer_request(request: HttpRequest):
    """Another department asks for a transcript, with the parent's consent."""
    try:
        _department_only()
        answer = transfers.receive_request(_message(request), at=timezone.now())
    except (ExchangeError, RegistryError) as exc:
        return _error(exc)
    return {"message": signed.sign_document(answer)}


@router.post("/exchange/transfers/packages")
def transfer_package(request: HttpRequest):
    """The sending department delivers the transcript's signed records."""
    try:
        _department_only()
        answer = transfers.take_in(_message(request), at=timezone.now())
    except (ExchangeError, RegistryError) as exc:
        return _error(exc)
    return {"message": signed.sign_document(answer)}
