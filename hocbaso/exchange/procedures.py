"""Procedures that reuse a transcript (R18): admission to grade 6 and a school
transfer read the transcript with the parent's share code through the share API
(hocbaso.portal.citizen: ``POST /api/v1/shares/read``) of the department that holds
it, and fill the receiving school's form from the signed data, never retyped.

The transcript held here is read with the same function the API calls; one held
by another department is read over HTTP from that department's API. Either way
the reading is audited there (an access event of kind share_code with the
reading school and the purpose) and listed to the parent (``ShareUse``).
"""

from __future__ import annotations

import json

from django.utils.translation import gettext as _

from hocbaso.exchange import signed
from hocbaso.exchange.delivery import HttpTransport, Transport
from hocbaso.exchange.errors import DeliveryError, ExchangeError
from hocbaso.exchange.models import Peer

SHARES_PATH = "/api/v1/shares/read"


class ShareReadError(ExchangeError):
    code = "SHARE_REFUSED"
    status = 403


def read_shared(
    request,
    *,
    code: str,
    organisation: str,
    purpose: str,
    holder: str = "",
    transport: Transport | None = None,
) -> dict:
    """The shared records as the share API answers them (plain JSON values)."""
    if holder:
        return _read_remote(
            signed.peer(holder, Peer.Kind.DEPARTMENT),
            code,
            organisation,
            purpose,
            transport or HttpTransport(),
        )
    from hocbaso.portal.citizen.sharing import ShareError, read_share

    try:
        reading = read_share(
            request, code, organisation=organisation, purpose=purpose, via="api"
        )
    except ShareError as exc:
        raise ShareReadError(exc.message) from exc
    return {
        "student_name": reading.student_name,
        "level": reading.level,
        "school": reading.school,
        "records": [
            {
                "school_year": r.school_year,
                "grade": r.grade,
                "school": r.school,
                "class_name": r.class_name,
                "status_text": r.standing.words,
                "packet_sha256": r.packet_sha256,
                "ledger_index": r.ledger_index,
                "record": r.data,
            }
            for r in reading.records
        ],
    }


def _read_remote(peer: Peer, code, organisation, purpose, transport) -> dict:
    body = json.dumps(
        {"code": code, "organisation": organisation, "purpose": purpose}
    ).encode()
    status, content = transport.post(peer.url.rstrip("/") + SHARES_PATH, body)
    try:
        answer = json.loads(content)
    except ValueError as exc:
        raise DeliveryError(
            _("%(peer)s did not answer.") % {"peer": peer.code}
        ) from exc
    if status != 200:
        raise ShareReadError(answer.get("error") or str(status))
    return answer


def prefill(reading: dict) -> dict:
    """The receiving school's form: identity from the latest signed record, and
    each year's result, with where every value comes from."""
    signed_records = [r for r in reading["records"] if r.get("record")]
    if not signed_records:
        raise ShareReadError(_("The share code covers no signed record."))
    latest = max(signed_records, key=lambda r: r["school_year"])
    data = latest["record"]
    student, school = data["student"], data["school"]
    return {
        "full_name": student["full_name"],
        "birth_date": student["birth_date"],
        "sex": student["sex"],
        "personal_id": student["personal_id"],
        "student_code": student["student_code"],
        "ethnicity": student["ethnicity"],
        "nationality": student["nationality"],
        "birthplace": student["birthplace"],
        "father_name": student.get("father_name") or "",
        "mother_name": student.get("mother_name") or "",
        "guardian_name": student.get("guardian_name") or "",
        "previous_school": school["name"],
        "previous_school_code": school["code"],
        "previous_class": data["class_name"],
        "school_year": data["school_year"],
        "grade": data["grade"],
        "years": [
            {
                "school_year": r["school_year"],
                "grade": r["grade"],
                "school": r["school"],
                "class_name": r["class_name"],
                "result": _result(r["record"]),
                "status_text": r["status_text"],
                "packet_sha256": r["packet_sha256"],
                "ledger_index": r["ledger_index"],
            }
            for r in signed_records
        ],
    }


def _result(data: dict) -> str:
    results = data.get("results") or {}
    if "result" in results:  # primary: HTT/HT/CHT and completion
        return results["result"]
    return " / ".join(
        v for v in (results.get("learning_year"), results.get("conduct_year")) if v
    )
