"""The receiving department's side of a transfer across provinces: it asks the
sending department for the transcript, then verifies the signed records that come,
takes the transcript in and records the transfer in its own registry and ledger
(docs/exchange.md, "Transfers across provinces (R15)", steps 2 and 4).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hocbaso.exchange import signed
from hocbaso.exchange.delivery import Transport
from hocbaso.exchange.errors import (
    BatchInvalidError,
    NotFoundError,
)
from hocbaso.exchange.models import CarriedPacket, CrossTransfer, Peer
from hocbaso.exchange.transfer_messages import (
    REQUESTS_PATH,
    foreign_school,
    post,
    school_fields,
)
from hocbaso.records.models import School, Student, Transcript
from hocbaso.registry import actions as registry
from hocbaso.registry.actors import Actor, check_school
from hocbaso.registry.verification import trust_store
from hocbaso.signing import Status, verify_packet


def request_transfer(
    *,
    from_department: str,
    student_code: str,
    level: str,
    school: School,
    consent: str,
    actor: Actor,
    at,
    transport: Transport | None = None,
) -> CrossTransfer:
    """The receiving school asks the sending department for the transcript."""
    check_school(actor, school, timezone.localdate(at))
    peer = signed.peer(from_department, Peer.Kind.DEPARTMENT)
    cross = CrossTransfer(
        side=CrossTransfer.Side.RECEIVING,
        state=CrossTransfer.State.REQUESTED,
        peer=peer.code,
        student_code=student_code,
        level=level,
        school=school,
        consent=consent,
        created_at=at,
        updated_at=at,
    )
    answer = post(
        peer,
        REQUESTS_PATH,
        {
            "kind": "transfer-request",
            "transfer": cross.transfer_id,
            "from": signed.identity_code(),
            "student_code": student_code,
            "level": level,
            "school": school_fields(school),
            "consent": consent,
        },
        transport,
    )
    cross.other_school_code = answer.get("school", "")
    cross.save()
    return cross


def take_in(message: str, *, at) -> dict:
    """The sending department's package: verify, take the transcript in, answer."""
    sender = signed.peer(_claimed(message), Peer.Kind.DEPARTMENT)
    package = signed.open_document(message, sender)
    cross = CrossTransfer.objects.filter(
        transfer_id=package.get("transfer"),
        side=CrossTransfer.Side.RECEIVING,
        peer=sender.code,
    ).first()
    if cross is None:
        raise NotFoundError(_("There is no such transfer request."))
    if cross.state == CrossTransfer.State.COMPLETED:
        return _acknowledgement(cross)
    packets = _verified_packets(package, cross)
    with transaction.atomic():
        transcript = _transcript_of(packets, package, cross)
        for snapshot, data in packets:
            CarriedPacket.objects.get_or_create(
                transcript=transcript,
                packet_sha256=signed.sha256_hex(data),
                defaults={
                    "transfer": cross,
                    "school_year": snapshot.school_year,
                    "grade": snapshot.grade,
                    "packet": data,
                },
            )
        _record_in_registry(cross, transcript, at)
    return _acknowledgement(cross)


def _claimed(note: str) -> str:
    try:
        return str(json.loads(note.split("\n", 1)[0]).get("department"))
    except (ValueError, AttributeError) as exc:
        raise BatchInvalidError(_("The message names no department.")) from exc


def _verified_packets(package: dict, cross: CrossTransfer) -> list:
    out = []
    for n, item in enumerate(package.get("packets") or [], 1):
        try:
            data = base64.b64decode(item["packet"], validate=True)
            effective = dt.datetime.fromisoformat(item["effective_at"])
        except (KeyError, TypeError, ValueError, binascii.Error) as exc:
            raise BatchInvalidError(_("Record %(n)s is malformed.") % {"n": n}) from exc
        result = verify_packet(data, trust_store(), at=effective)
        if result.status is not Status.VALID or result.snapshot is None:
            raise BatchInvalidError(
                _("Record %(n)s: the signed packet is %(status)s.")
                % {"n": n, "status": result.status.value}
            )
        snapshot = result.snapshot
        if (
            snapshot.student.student_code != cross.student_code
            or snapshot.level.name.lower() != cross.level
            or snapshot.lookup_code != package.get("lookup_code")
        ):
            raise BatchInvalidError(
                _("Record %(n)s is not a record of the transcript asked for.")
                % {"n": n}
            )
        out.append((snapshot, data))
    if not out:
        raise BatchInvalidError(_("The transcript came without any signed record."))
    return out


def _transcript_of(packets, package: dict, cross: CrossTransfer) -> Transcript:
    snapshot = max(packets, key=lambda p: p[0].school_year)[0]
    home = foreign_school(package["school"])
    person = snapshot.student
    student, _created = Student.objects.get_or_create(
        student_code=person.student_code,
        defaults={
            "personal_id": person.personal_id,
            "full_name": person.full_name,
            "sex": int(person.sex),
            "date_of_birth": person.birth_date,
            "ethnicity": person.ethnicity,
            "nationality": person.nationality,
            "place_of_birth": person.birthplace,
        },
    )
    transcript = Transcript.objects.filter(lookup_code=snapshot.lookup_code).first()
    if transcript is None:
        transcript = Transcript.objects.create(
            student=student,
            level=cross.level,
            lookup_code=snapshot.lookup_code,
            school=home,
        )
    cross.transcript = transcript
    cross.other_school_code = home.code
    return transcript


def _record_in_registry(cross: CrossTransfer, transcript: Transcript, at) -> None:
    """Request, release (for the other province's school) and acknowledge here."""
    actor = Actor.system(f"exchange:{cross.peer}")
    step = registry.request_transfer(
        student_code=cross.student_code,
        level=cross.level,
        to_school=cross.school,
        actor=actor,
        note=cross.transfer_id,
        clock=lambda: at,
    )
    registry.release_transfer(
        step.public_id, school=transcript.school, actor=actor, clock=lambda: at
    )
    registry.acknowledge_transfer(
        step.public_id, school=cross.school, actor=actor, clock=lambda: at
    )
    cross.registry_transfer = step.public_id
    cross.state = CrossTransfer.State.COMPLETED
    cross.updated_at = at
    cross.save()


def _acknowledgement(cross: CrossTransfer) -> dict:
    return {
        "kind": "transfer-acknowledgement",
        "transfer": cross.transfer_id,
        "department": signed.identity_code(),
        "school": cross.school.code,
        "records": cross.packets.count(),
    }
