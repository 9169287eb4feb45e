"""Reading a transcript with a share code, for other systems (R18):

    POST /api/v1/shares/read
    {"code": "…", "organisation": "THCS Xuân Phương", "purpose": "Tuyển sinh lớp 6"}

The code is the credential (no token); it travels in the body only. The answer
holds the student's name, the transcript's level and, per school year the code
covers, its status in the registry and the record as the school signed it (the
packet's SHA-256 and its ledger entry to check it against the public ledger).
Never the transcript's lookup code. Errors use the API's envelope; wrong codes
are throttled per client.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from hocbaso.portal.citizen.sharing import ShareError, read_share
from hocbaso.registry.api import api
from hocbaso.registry.api.errors import ApiError

router = Router(tags=["shares"], auth=None)


class ShareReadIn(Schema):
    code: str
    organisation: str
    purpose: str


class SharedRecordOut(Schema):
    school_year: str
    grade: int
    school: str
    class_name: str
    status: str
    status_text: str
    effective_since: str | None = None
    packet_sha256: str = ""
    ledger_index: int | None = None
    record: dict[str, Any] | None = None


class ShareReadOut(Schema):
    student_name: str
    level: str
    school: str
    expires_at: str
    records: list[SharedRecordOut]


@router.post("/read", response={200: ShareReadOut}, summary="Read a shared transcript")
def read(request: HttpRequest, body: ShareReadIn):
    try:
        reading = read_share(
            request,
            body.code,
            organisation=body.organisation,
            purpose=body.purpose,
            via="api",
        )
    except ShareError as exc:
        raise ApiError(exc.message, code=exc.code, status=exc.status) from exc
    return {
        "student_name": reading.student_name,
        "level": reading.level,
        "school": reading.school,
        "expires_at": reading.share.expires_at.isoformat(),
        "records": [
            {
                "school_year": item.school_year,
                "grade": item.grade,
                "school": item.school,
                "class_name": item.class_name,
                "status": str(item.standing.standing),
                "status_text": item.standing.words,
                "effective_since": (
                    item.standing.since.isoformat()
                    if item.standing.since and item.standing.standing == "effective"
                    else None
                ),
                "packet_sha256": item.packet_sha256,
                "ledger_index": item.ledger_index,
                "record": item.data,
            }
            for item in reading.records
        ],
    }


api.add_router("/shares", router)
