"""What both sides of a transfer across provinces share: the API paths, the
parent's consent token, posting a signed message to the other department and
reading its signed answer, and a school as the messages describe it
(docs/exchange.md, "Transfers across provinces (R15)").
"""

from __future__ import annotations

import datetime as dt
import json

from django.utils.translation import gettext as _

from hocbaso.exchange import signed
from hocbaso.exchange.delivery import HttpTransport, Transport
from hocbaso.exchange.errors import (
    DeliveryError,
)
from hocbaso.exchange.models import Peer
from hocbaso.records.models import Department, School

REQUESTS_PATH = "/api/v1/exchange/transfers/requests"
PACKAGES_PATH = "/api/v1/exchange/transfers/packages"
CONSENT_DAYS = 30


def issue_consent(*, student_code: str, level: str, to_school: str, at) -> str:
    """A consent token of the sending department (stands in for a share code)."""
    return signed.sign_document(
        {
            "kind": "consent",
            "department": signed.identity_code(),
            "student_code": student_code,
            "level": level,
            "to_school": to_school,
            "expires_at": (at + dt.timedelta(days=CONSENT_DAYS)).isoformat(),
        }
    )


def post(peer: Peer, path: str, document: dict, transport: Transport | None) -> dict:
    status, content = (transport or HttpTransport()).post(
        peer.url.rstrip("/") + path,
        signed.canonical({"message": signed.sign_document(document)}).encode(),
    )
    try:
        answer = json.loads(content)
    except ValueError:
        answer = {}
    if not isinstance(answer, dict):
        answer = {}
    if status != 200 or "message" not in answer:
        error = DeliveryError(
            _("%(peer)s answered %(status)s: %(error)s")
            % {"peer": peer.code, "status": status, "error": answer.get("error", "")}
        )
        if isinstance(answer.get("code"), str):
            error.code = answer["code"]  # the other department's reason
        raise error
    return signed.open_document(answer["message"], peer)


def school_fields(school: School) -> dict:
    return {
        "code": school.code,
        "name": school.name,
        "level": school.level,
        "department_code": school.department.code,
        "department_name": school.department.name,
        "province_code": school.province_code,
        "province_name": school.province_name,
    }


def foreign_school(fields: dict) -> School:
    department, _created = Department.objects.get_or_create(
        code=fields["department_code"],
        defaults={
            "name": fields["department_name"],
            "province_code": fields.get("province_code", ""),
        },
    )
    school, _created = School.objects.get_or_create(
        code=fields["code"],
        defaults={
            "name": fields["name"],
            "level": fields["level"],
            "department": department,
            "province_code": fields.get("province_code", ""),
            "province_name": fields.get("province_name", ""),
        },
    )
    return school
