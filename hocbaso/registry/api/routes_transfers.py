"""Transfer of a transcript between schools (R15): request, release, acknowledge.

The school in the path is the one acting: the receiving school requests and
acknowledges, the sending school releases.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from hocbaso.registry import actions
from hocbaso.registry.api.auth import AUTH, actor_of
from hocbaso.registry.api.schemas import (
    ERRORS,
    Code,
    ErrorOut,
    TransferId,
    TransferIn,
    TransferOut,
)

router = Router(tags=["transfers"], auth=AUTH)


@router.post(
    "/schools/{school_code}/transfers",
    response={201: TransferOut, ERRORS: ErrorOut},
)
def request_transfer(request: HttpRequest, school_code: Code, body: TransferIn):
    """The receiving school asks for a student's transcript of a level."""
    transfer = actions.request_transfer(
        student_code=body.student_code,
        level=body.level,
        to_school=school_code,
        actor=actor_of(request),
        note=body.note,
        discreet=True,
    )
    return Status(201, transfer)


@router.post(
    "/schools/{school_code}/transfers/{transfer_id}/release",
    response={200: TransferOut, ERRORS: ErrorOut},
)
def release_transfer(request: HttpRequest, school_code: Code, transfer_id: TransferId):
    """The sending school releases the transcript."""
    return actions.release_transfer(
        transfer_id, school=school_code, actor=actor_of(request)
    )


@router.post(
    "/schools/{school_code}/transfers/{transfer_id}/acknowledge",
    response={200: TransferOut, ERRORS: ErrorOut},
)
def acknowledge_transfer(
    request: HttpRequest, school_code: Code, transfer_id: TransferId
):
    """The receiving school acknowledges: from now on it manages the transcript."""
    return actions.acknowledge_transfer(
        transfer_id, school=school_code, actor=actor_of(request)
    )


@router.get(
    "/transfers/{transfer_id}",
    response={200: TransferOut, ERRORS: ErrorOut},
)
def transfer_status(request: HttpRequest, transfer_id: TransferId):
    """Where a transfer stands, for either school."""
    return actions.transfer_status(transfer_id, actor=actor_of(request))
