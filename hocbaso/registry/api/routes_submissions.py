"""Submissions: submit, replace, poll the receipt, read, download, revoke (R12).

Submit and replace answer the receipt with 202 Accepted and its Location at once;
a worker verifies and stores the records (``hocbaso.season.tasks.answer_receipt``)
and the receipt says ``received`` until every record has its result: poll the
Location (the two-step answer of e-document gateways, docs/registry.md).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import File, Form, Router, Status, UploadedFile

from hocbaso.records.models import School
from hocbaso.registry import actions
from hocbaso.registry.api.auth import AUTH, actor_of
from hocbaso.registry.api.bodies import read_upload, read_xml
from hocbaso.registry.api.schemas import (
    BODY_ERRORS,
    ERRORS,
    Code,
    ErrorOut,
    ReasonIn,
    ReceiptId,
    ReceiptOut,
    SubmissionId,
    SubmissionOut,
)
from hocbaso.registry.results import ReceiptView
from hocbaso.season.tasks import answer_later

router = Router(tags=["submissions"], auth=AUTH)

XML_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/xml": {"schema": {"type": "string", "format": "binary"}}
        },
    }
}
XML_RESPONSE = {
    "responses": {
        200: {
            "description": "The packet exactly as received.",
            "content": {"application/xml": {}},
        }
    }
}


def _school(request: HttpRequest, school_code: str) -> School | str:
    """The school the path names: a token's own school as read with the token (the
    same row, so no second query), else its code, which the action looks up and
    then refuses to an actor who does not act for it."""
    school = actor_of(request).school
    return school if school is not None and school.code == school_code else school_code


def _accepted(response: HttpResponse, receipt: ReceiptView) -> Status:
    response["Location"] = reverse("api-v1:receipt", args=[receipt.receipt_id])
    return Status(202, receipt)


@router.post(
    "/schools/{school_code}/submissions",
    response={202: ReceiptOut, BODY_ERRORS: ErrorOut},
    openapi_extra=XML_BODY,
)
def submit(request: HttpRequest, school_code: Code, response: HttpResponse):
    """Submit a signed packet or a class package: the raw XML is the body.

    Answers the receipt (202, Location: the receipt). Sending the same bytes
    again answers the same receipt.
    """
    data = read_xml(request)
    receipt = actions.submit(
        data,
        school=_school(request, school_code),
        actor=actor_of(request),
        process=False,
    )
    return _accepted(response, answer_later(receipt))


@router.post(
    "/schools/{school_code}/replacements",
    response={202: ReceiptOut, BODY_ERRORS: ErrorOut},
)
def replace(
    request: HttpRequest,
    school_code: Code,
    response: HttpResponse,
    packet: File[UploadedFile],
    reason: Form[str],
):
    """Submit packets that supersede the records' current submissions.

    multipart/form-data: ``packet`` (the XML file, a packet or a class package)
    and ``reason`` (UTF-8 text; headers cannot carry Vietnamese).
    """
    receipt = actions.replace(
        read_upload(packet),
        school=_school(request, school_code),
        actor=actor_of(request),
        reason=reason,
        process=False,
    )
    return _accepted(response, answer_later(receipt))


@router.get(
    "/receipts/{receipt_id}",
    response={200: ReceiptOut, ERRORS: ErrorOut},
    url_name="receipt",
)
def receipt_status(request: HttpRequest, receipt_id: ReceiptId):
    """The receipt: received, refused (with codes), or processed with the results."""
    return actions.receipt_status(receipt_id, actor=actor_of(request))


@router.get(
    "/submissions/{submission_id}",
    response={200: SubmissionOut, ERRORS: ErrorOut},
)
def submission_status(request: HttpRequest, submission_id: SubmissionId):
    """A submission: its state, round, effective date (lock time) and ledger entries."""
    return actions.submission_status(submission_id, actor=actor_of(request))


@router.get(
    "/submissions/{submission_id}/packet",
    response={ERRORS: ErrorOut},
    openapi_extra=XML_RESPONSE,
)
def submission_packet(request: HttpRequest, submission_id: SubmissionId):
    """The packet exactly as the registry received it (application/xml)."""
    data = actions.submission_packet(submission_id, actor=actor_of(request))
    return HttpResponse(data, content_type="application/xml")


@router.post(
    "/schools/{school_code}/submissions/{submission_id}/revoke",
    response={200: SubmissionOut, ERRORS: ErrorOut},
)
def revoke(
    request: HttpRequest,
    school_code: Code,
    submission_id: SubmissionId,
    body: ReasonIn,
):
    """Withdraw the record's current submission before the lock, with a reason."""
    return actions.revoke(
        submission_id, school=school_code, actor=actor_of(request), reason=body.reason
    )
