"""The JSON a school page uses to run a signing batch: create it, read its status,
ask for the next work, hand over the certificate, the signatures or the remote
credential, retry (docs/school.md, "Signing from the page: hash out, signature in").

A batch is found only among the user's own (another user's is "not found"); every
error answers ``{"error": ...}`` with 400 for bad input, 409 for a refusal of the
records' rules and 502 when the remote signing service is down.
"""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hocbaso.records import remote_signing
from hocbaso.records.errors import RecordsError
from hocbaso.records.models import SchoolClass
from hocbaso.records.scope import filter_for
from hocbaso.school import batches, remote
from hocbaso.school.models import SigningBatch
from hocbaso.signing.csc import RemoteErrorCode, RemoteSigningError


def _json_body(request) -> dict:
    try:
        data = json.loads(request.body or b"{}")
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise batches.BatchError(_("the request is not JSON")) from None
    if not isinstance(data, dict):
        raise batches.BatchError(_("the request must be a JSON object"))
    return data


def _batch_of(request, public_id: str) -> SigningBatch:
    batch = SigningBatch.objects.filter(public_id=public_id, user=request.user).first()
    if batch is None:
        raise Http404
    return batch


def _answer(call) -> JsonResponse:
    try:
        return JsonResponse(call())
    except batches.BatchError as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    except RecordsError as exc:
        return JsonResponse({"error": str(exc)}, status=409)
    except RemoteSigningError as exc:
        unavailable = exc.code in (
            RemoteErrorCode.SERVICE_UNAVAILABLE,
            RemoteErrorCode.SERVICE_ERROR,
        )
        return JsonResponse(
            {"error": remote_signing.message_for(exc), "code": exc.code.value},
            status=502 if unavailable else 400,
        )


@login_required
@require_POST
def batch_create(request: HttpRequest) -> JsonResponse:
    def create():
        data = _json_body(request)
        ids = data.get("classes") or []
        if not isinstance(ids, list) or not all(isinstance(i, int) for i in ids):
            raise batches.BatchError(_("classes must be a list of class ids"))
        scoped = filter_for(request.user, SchoolClass.objects.filter(pk__in=ids))
        found = {c.pk: c for c in scoped.select_related("school", "school_year")}
        missing = [i for i in ids if i not in found]
        if missing:
            raise batches.BatchError(_("some classes are outside your scope"))
        batch = batches.create_batch(
            request.user,
            str(data.get("kind", "")),
            [found[i] for i in ids],
            str(data.get("mode", "")),
            reason=str(data.get("reason", "")),
        )
        return {
            "batch": batch.public_id,
            "status_url": reverse("school:batch", args=[batch.public_id]),
            **batches.status(batch),
        }

    return _answer(create)


@login_required
def batch_status(request: HttpRequest, public_id: str) -> JsonResponse:
    batch = _batch_of(request, public_id)
    return _answer(lambda: batches.status(batch))


@login_required
@require_POST
def batch_next(request: HttpRequest, public_id: str) -> JsonResponse:
    batch = _batch_of(request, public_id)
    return _answer(lambda: batches.next_work(batch))


@login_required
@require_POST
def batch_certificate(request: HttpRequest, public_id: str) -> JsonResponse:
    batch = _batch_of(request, public_id)

    def give():
        data = _json_body(request)
        chain = data.get("chain")
        if not isinstance(chain, list) or not all(isinstance(c, str) for c in chain):
            raise batches.BatchError(_("chain must be a list of PEM certificates"))
        return batches.give_certificate(batch, data.get("item"), chain)

    return _answer(give)


@login_required
@require_POST
def batch_signatures(request: HttpRequest, public_id: str) -> JsonResponse:
    batch = _batch_of(request, public_id)

    def give():
        data = _json_body(request)
        values = data.get("signatures")
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise batches.BatchError(_("signatures must be a list of base64 values"))
        return batches.give_signatures(
            batch, data.get("item"), str(data.get("round", "")), values
        )

    return _answer(give)


@login_required
@require_POST
def batch_remote(request: HttpRequest, public_id: str) -> JsonResponse:
    """Run the batch with the user's remote signing credential (CSC API v2): the
    server signs the digests it prepared, never digests the page sends."""
    batch = _batch_of(request, public_id)

    def go():
        data = _json_body(request)
        fields = ("credential", "seal_credential", "otp", "pin")
        given = {k: data.get(k) if isinstance(data.get(k), str) else "" for k in fields}
        return remote.run_remote(batch, request.user, **given)

    return _answer(go)


@login_required
@require_POST
def batch_retry(request: HttpRequest, public_id: str) -> JsonResponse:
    batch = _batch_of(request, public_id)
    return _answer(lambda: batches.retry(batch))
