"""The portal in the JSON API (``/api/v1/portal/…``), for other systems (R18).

- ``POST /portal/lookup`` with ``{"code": …, "organisation": …, "purpose": …}``:
  the transcript as the registry holds it (the code only ever in the body);
- ``POST /portal/verify`` with a multipart ``file`` (PDF soft copy or XML packet):
  valid / invalid / indeterminate with the checks and the differences;
- ``POST /portal/verify-printout`` with ``{"code": …, "digest": …}``.

No authentication needed: whoever holds the code may look up (domain.md §9).
Failed lookups are throttled per client like the page (HTTP 429, code
LOOKUP_THROTTLED); an organisation that checks many transcripts calls with its
key (``Authorization: Bearer hbv_…``, api_access.py) and is counted and audited
as itself. A wrong code answers 404 NOT_FOUND whether or not a transcript
exists, and every call is audited. Imported by hocbaso/urls.py, which registers
the router.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Router, Schema
from ninja.files import UploadedFile

from hocbaso.portal.api_access import (
    Caller,
    audit_report,
    caller_of,
    check_texts,
    record,
    refuse_if_throttled,
)
from hocbaso.portal.models import AccessAction
from hocbaso.portal.registry_view import (
    RecordPage,
    TranscriptView,
    held_transcript,
    normalise_code,
)
from hocbaso.portal.verification import (
    UploadError,
    UploadTooLargeError,
    check_size,
    verify_printout,
    verify_upload,
)
from hocbaso.registry.api import api
from hocbaso.registry.api.errors import ApiError
from hocbaso.registry.api.schemas import ErrorOut

router = Router(tags=["portal"], auth=None)


class LookupIn(Schema):
    code: str
    organisation: str = ""
    purpose: str = ""


class SignatureOut(Schema):
    role: str
    signer: str
    signed_at: datetime
    issuer: str


class ProofOut(Schema):
    leaf_index: int
    tree_size: int | None
    checkpoint: str
    verified: bool
    problem: str
    lock_index: int | None
    revocation_index: int | None


class RecordOut(Schema):
    submission_id: str
    school_year: str
    grade: int
    class_name: str
    school: str
    status: str
    status_text: str
    accepted_at: datetime
    effective_at: datetime | None
    withdrawn_at: datetime | None
    reason: str
    replaced_by: str | None
    packet_sha256: str
    form: dict[str, Any]
    signatures: list[SignatureOut]
    ledger: ProofOut


class TranscriptOut(Schema):
    level: str
    student: str
    managing_school: str
    identity: dict[str, Any]
    records: list[RecordOut]
    earlier: list[RecordOut]


class CheckOut(Schema):
    name: str
    ok: bool
    indeterminate: bool
    reason: str
    signature: str | None


class DifferenceOut(Schema):
    field: str
    problem: str


class PacketOut(Schema):
    name: str
    status: str
    school_year: str
    grade: int | None
    registry_status: str | None  # only for a copy identical to the registry's
    differences: list[DifferenceOut]


class VerifyOut(Schema):
    kind: str
    status: str
    checks: list[CheckOut]
    packets: list[PacketOut]


class PrintoutIn(Schema):
    code: str
    digest: str = ""


ERRORS = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 429: ErrorOut}


def _not_found(
    request: HttpRequest, caller: Caller, body: LookupIn | PrintoutIn
) -> ApiError:
    record(
        request,
        caller,
        action=AccessAction.LOOKUP_FAILED,
        transcript=None,
        organisation=getattr(body, "organisation", ""),
        purpose=getattr(body, "purpose", ""),
    )
    return ApiError(
        _("No transcript was found for this code."), code="NOT_FOUND", status=404
    )


def _checked(request: HttpRequest, body: LookupIn | PrintoutIn) -> Caller:
    """The caller, once its key, its wait and the body's text are in order."""
    caller = caller_of(request)
    refuse_if_throttled(request, caller)
    organisation, purpose = (
        getattr(body, "organisation", ""),
        getattr(body, "purpose", ""),
    )
    check_texts(
        code=(body.code, _("Lookup code"), 400),
        organisation=(organisation, _("Your organisation (optional)"), 200),
        purpose=(purpose, _("Purpose of the lookup (optional)"), 300),
        digest=(
            getattr(body, "digest", ""),
            _("Content digest printed on the page"),
            40,
        ),
    )
    return caller


@router.post(
    "/portal/lookup",
    response={200: TranscriptOut, **ERRORS},
    summary="Look a transcript up by its lookup code (in the body)",
)
def lookup(request: HttpRequest, body: LookupIn):
    caller = _checked(request, body)
    transcript, view = held_transcript(normalise_code(body.code))
    if view is None:
        raise _not_found(request, caller, body)
    record(
        request,
        caller,
        action=AccessAction.API,
        transcript=transcript,
        organisation=body.organisation,
        purpose=body.purpose,
        detail=view.source,
    )
    return _transcript(view)


def _transcript(view: TranscriptView) -> dict[str, Any]:
    identity = {k: v for k, v in view.identity.items() if k != "leader"}
    return {
        "level": view.level,
        "student": view.identity["name"],
        "managing_school": view.transcript.school.name,
        "identity": identity,
        "records": [_record(p) for p in view.pages],
        "earlier": [_record(p) for p in view.earlier],
    }


def _record(page: RecordPage) -> dict[str, Any]:
    proof = page.proof
    return {
        "submission_id": page.public_id,
        "school_year": page.school_year,
        "grade": page.grade,
        "class_name": page.snapshot.class_name,
        "school": page.snapshot.school.name,
        "status": page.standing,
        "status_text": page.status_text,
        "accepted_at": page.accepted_at,
        "effective_at": page.effective_at,
        "withdrawn_at": page.withdrawn_at,
        "reason": page.reason,
        "replaced_by": page.replaced_by,
        "packet_sha256": page.packet_sha256,
        "form": page.form,
        "signatures": [
            {
                "role": s.role,
                "signer": s.signer,
                "signed_at": s.signed_at,
                "issuer": s.issuer,
            }
            for s in page.signatures
        ],
        "ledger": {
            "leaf_index": proof.index,
            "tree_size": proof.tree_size,
            "checkpoint": proof.checkpoint,
            "verified": proof.verified,
            "problem": proof.problem,
            "lock_index": proof.lock_index,
            "revocation_index": proof.revocation_index,
        },
    }


@router.post(
    "/portal/verify",
    response={200: VerifyOut, 413: ErrorOut, **ERRORS},
    summary="Verify a soft copy (PDF) or a transcript packet (XML)",
)
def verify(request: HttpRequest, file: File[UploadedFile]):
    # an oversized body was refused before it was read (limits.py); a copy
    # carries a lookup code, so this is a lookup: throttled and audited as one
    caller = caller_of(request)
    refuse_if_throttled(request, caller)
    try:
        check_size(file.size or 0)
        report = verify_upload(file.read())
    except UploadError as exc:
        status = 413 if isinstance(exc, UploadTooLargeError) else 400
        code = getattr(exc, "code", "UPLOAD_REFUSED")
        raise ApiError(str(exc), code=code, status=status) from exc
    audit_report(request, caller, report)
    return report.to_dict()


@router.post(
    "/portal/verify-printout",
    response={200: VerifyOut, **ERRORS},
    summary="Verify a printout from its code (or QR address) and printed digest",
)
def verify_printed(request: HttpRequest, body: PrintoutIn):
    caller = _checked(request, body)
    report = verify_printout(body.code, body.digest)
    if report.transcript is None:
        raise _not_found(request, caller, body)
    audit_report(request, caller, report)
    return report.to_dict()


api.add_router("/", router)
