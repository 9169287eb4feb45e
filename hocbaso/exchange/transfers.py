"""Transfers of a transcript to a school of another province (R15), directly
between the two departments, each message signed with its sender's exchange key.

1. consent: the parent's consent, a token signed by the sending department
   (``issue_consent``; the citizen share codes of hocbaso.portal.citizen take its
   place once they exist), naming the student, the level and the receiving school;
2. request (receiving department → sending): ``request_transfer`` sends it with the
   consent; the sending department checks both signatures and records the
   registry's transfer request (its ledger: transcript:transfer-request);
3. release (sending school): the registry's ``release_transfer`` by the school's
   staff, then ``send_transcript`` delivers every locked signed record of the
   transcript with a signed manifest;
4. the receiving department verifies every packet, takes the transcript in (the
   student, the transcript with its lookup code, the signed records carried as they
   are) and records request, release and acknowledgement in its own registry and
   ledger; its signed acknowledgement lets the sending registry acknowledge, so
   ``Transcript.school`` becomes the receiving school on both sides.
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
from hocbaso.exchange.delivery import HttpTransport, Transport
from hocbaso.exchange.errors import (
    BatchInvalidError,
    ConsentError,
    DeliveryError,
    ExchangeError,
    NotFoundError,
)
from hocbaso.exchange.models import CarriedPacket, CrossTransfer, Peer
from hocbaso.records.models import Department, School, Student, Transcript
from hocbaso.registry import actions as registry
from hocbaso.registry.actors import Actor, check_school
from hocbaso.registry.models import Blob, Submission
from hocbaso.registry.verification import trust_store
from hocbaso.signing import Status, verify_packet

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


def _post(peer: Peer, path: str, document: dict, transport: Transport | None) -> dict:
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


# --- the receiving department ----------------------------------------------------


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
    answer = _post(
        peer,
        REQUESTS_PATH,
        {
            "kind": "transfer-request",
            "transfer": cross.transfer_id,
            "from": signed.identity_code(),
            "student_code": student_code,
            "level": level,
            "school": _school_fields(school),
            "consent": consent,
        },
        transport,
    )
    cross.other_school_code = answer.get("school", "")
    cross.save()
    return cross


def _school_fields(school: School) -> dict:
    return {
        "code": school.code,
        "name": school.name,
        "level": school.level,
        "department_code": school.department.code,
        "department_name": school.department.name,
        "province_code": school.province_code,
        "province_name": school.province_name,
    }


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
    home = _foreign_school(package["school"])
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


def _foreign_school(fields: dict) -> School:
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


# --- the sending department --------------------------------------------------------


def receive_request(message: str, *, at) -> dict:
    """A receiving department's signed request with the parent's consent."""
    sender = signed.peer(_claimed_from(message), Peer.Kind.DEPARTMENT)
    request = signed.open_document(message, sender)
    if request.get("kind") != "transfer-request":
        raise BatchInvalidError(_("The message is not a transfer request."))
    _check_consent(request, at)
    existing = CrossTransfer.objects.filter(transfer_id=request["transfer"]).first()
    if existing is not None:
        return _request_answer(existing)
    with transaction.atomic():
        to_school = _foreign_school(request["school"])
        step = registry.request_transfer(
            student_code=request["student_code"],
            level=request["level"],
            to_school=to_school,
            actor=Actor.system(f"exchange:{sender.code}"),
            note=request["transfer"],
            clock=lambda: at,
        )
        cross = CrossTransfer.objects.create(
            transfer_id=request["transfer"],
            side=CrossTransfer.Side.SENDING,
            state=CrossTransfer.State.REQUESTED,
            peer=sender.code,
            student_code=request["student_code"],
            level=request["level"],
            school_id=step.from_school_id,
            other_school_code=to_school.code,
            transcript_id=step.transcript_id,
            registry_transfer=step.public_id,
            consent=request["consent"],
            created_at=at,
            updated_at=at,
        )
    return _request_answer(cross)


def _claimed_from(note: str) -> str:
    try:
        return str(json.loads(note.split("\n", 1)[0]).get("from"))
    except (ValueError, AttributeError) as exc:
        raise BatchInvalidError(_("The message names no department.")) from exc


def _request_answer(cross: CrossTransfer) -> dict:
    return {
        "kind": "transfer-accepted",
        "transfer": cross.transfer_id,
        "department": signed.identity_code(),
        "school": cross.school.code,
    }


def _check_consent(request: dict, at) -> None:
    own = Peer(
        code=signed.identity_code(),
        exchange_key=signed.signer().verifier_key().to_string(),
    )
    try:
        consent = signed.open_document(request.get("consent") or "", own)
    except ExchangeError as exc:
        raise ConsentError(_("The consent is not signed by this department.")) from exc
    expected = {
        "kind": "consent",
        "student_code": request.get("student_code"),
        "level": request.get("level"),
        "to_school": (request.get("school") or {}).get("code"),
    }
    if any(consent.get(k) != v for k, v in expected.items()):
        raise ConsentError(_("The consent is for another student or school."))
    if dt.datetime.fromisoformat(consent["expires_at"]) < at:
        raise ConsentError(_("The consent has expired."))


def send_transcript(transfer_id: str, *, at, transport: Transport | None = None):
    """After the sending school released: deliver the signed records, then take
    the receiving department's acknowledgement into the registry."""
    cross = (
        CrossTransfer.objects.filter(
            transfer_id=transfer_id, side=CrossTransfer.Side.SENDING
        )
        .select_related("transcript", "school")
        .first()
    )
    if cross is None:
        raise NotFoundError(_("There is no transfer %(id)s.") % {"id": transfer_id})
    step = registry.transfer_status(cross.registry_transfer, actor=Actor.system())
    if step.state == "requested":
        raise ExchangeError(_("The sending school has not released the transcript."))
    peer = signed.peer(cross.peer, Peer.Kind.DEPARTMENT)
    answer = _post(peer, PACKAGES_PATH, _package(cross), transport)
    if answer.get("transfer") != cross.transfer_id:
        raise DeliveryError(_("The acknowledgement is for another transfer."))
    if step.state == "released":
        registry.acknowledge_transfer(
            cross.registry_transfer,
            school=step.to_school,
            actor=Actor.system(f"exchange:{peer.code}"),
            clock=lambda: at,
        )
    cross.state = CrossTransfer.State.COMPLETED
    cross.updated_at = at
    cross.save()
    return cross


def _package(cross: CrossTransfer) -> dict:
    submissions = Submission.objects.filter(
        record__transcript=cross.transcript,
        state=Submission.State.ACCEPTED,
        locked_at__isnull=False,
    ).order_by("school_year__name")
    blobs = dict(
        Blob.objects.filter(pk__in=[s.blob_id for s in submissions]).values_list(
            "sha256", "data"
        )
    )
    return {
        "kind": "transfer-package",
        "transfer": cross.transfer_id,
        "department": signed.identity_code(),
        "lookup_code": cross.transcript.lookup_code,
        "school": _school_fields(cross.school),
        "checkpoint": registry.latest_ledger_checkpoint() or "",
        "packets": [
            {
                "packet": base64.b64encode(bytes(blobs[s.blob_id])).decode(),
                "effective_at": s.locked_at.isoformat(),
            }
            for s in submissions
        ],
    }
