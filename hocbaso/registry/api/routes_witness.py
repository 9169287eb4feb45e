"""The witness endpoint every installation answers (c2sp.org/tlog-witness).

``POST /api/v1/witness/add-checkpoint``: the body is the old size, the consistency
proof and the signed checkpoint; the answer is this witness's cosignature line
(200, text/plain), or the specification's refusal: 400 malformed, 403 no trusted
signature, 404 unknown log, 409 another size (the body is the size the witness
knows, ``text/x.tlog.size``), 422 the proof does not verify. No authentication:
the log's signature on the checkpoint is what is checked.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router

from hocbaso.ledger import WitnessError
from hocbaso.ledger.witness import (
    MAX_REQUEST_BYTES,
    BadRequestError,
    ConflictError,
    ForbiddenError,
    InconsistentError,
    UnknownLogError,
)
from hocbaso.registry.witnessing import add_checkpoint

router = Router(tags=["witness"], auth=None)


def _messages() -> dict[type[WitnessError], str]:
    return {
        BadRequestError: _("The request is not a valid add-checkpoint request: %(e)s"),
        UnknownLogError: _("This witness does not witness the log %(origin)s."),
        ForbiddenError: _(
            "The checkpoint is not signed by a key this witness trusts for its log."
        ),
        InconsistentError: _(
            "The consistency proof does not verify: the new checkpoint does not "
            "extend the one this witness cosigned (size %(old)s)."
        ),
    }


@router.post("/witness/add-checkpoint", openapi_extra={"requestBody": {}})
def add_checkpoint_view(request: HttpRequest):
    """Cosign a checkpoint that extends the last one cosigned for its log."""
    body = request.read(MAX_REQUEST_BYTES + 1)
    try:
        line = add_checkpoint(body, timezone.now())
    except ConflictError as exc:
        return HttpResponse(
            f"{exc.known_size}\n", status=409, content_type="text/x.tlog.size"
        )
    except WitnessError as exc:
        params = {"e": str(exc), "origin": "", "old": "", **exc.params}
        message = _messages().get(type(exc), "%(e)s") % params
        return HttpResponse(
            message + "\n", status=exc.status, content_type="text/plain; charset=utf-8"
        )
    return HttpResponse(line, content_type="text/plain; charset=utf-8")
