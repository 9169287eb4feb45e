"""The pieces the signing actions are made of (actions.py): who may sign, which
records, the packet of each record, and one signature added and recorded.

Nothing here opens a transaction: every caller is an action under transaction.atomic.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from django.db.models import QuerySet, prefetch_related_objects
from django.utils.translation import gettext as _

from hocbaso.packet import PacketError, build_packet
from hocbaso.records.certificates import registered_certificate
from hocbaso.records.errors import (
    CertificateNotRegisteredError,
    NotAllowedToSignError,
    RecordSigningError,
    SigningOutOfOrderError,
)
from hocbaso.records.models import (
    Certificate,
    Person,
    RecordPacket,
    RecordStatus,
    School,
    SchoolClass,
    SignatureStep,
    YearlyRecord,
)
from hocbaso.records.scope import filter_for
from hocbaso.records.signers import ClassSigners
from hocbaso.records.snapshot import SNAPSHOT_RELATED, snapshot_of
from hocbaso.signing import (
    Role,
    SignatureOrderError,
    Signer,
    SigningError,
    TimestampAuthority,
    prepare_signature,
)

SIGNABLE = (RecordStatus.FINALISED, RecordStatus.SIGNING)


def person_of(user) -> Person:
    """The member of staff behind a login; NotAllowedToSignError if there is none."""
    person = getattr(user, "person", None) if user is not None else None
    if person is None or not user.is_active:
        raise NotAllowedToSignError(_("this login is not linked to a member of staff"))
    return person


def check_class_in_scope(user, school_class: SchoolClass) -> None:
    """Refuse a class the user cannot see (domain.md §9)."""
    classes = SchoolClass.objects.filter(pk=school_class.pk)
    if not filter_for(user, classes).exists():
        raise NotAllowedToSignError(
            _("class %(name)s is outside your scope") % {"name": school_class.name}
        )


def check_records_in_scope(user, records: QuerySet[YearlyRecord]) -> None:
    """Refuse a batch holding any record the user cannot see."""
    if filter_for(user, records).count() != records.count():
        raise NotAllowedToSignError(_("some of these records are outside your scope"))


def registered_to(
    signer: Signer, *, person: Person | None = None, school: School | None = None
) -> Certificate:
    """The registration of the signer's certificate, which must be the owner's."""
    chain = signer.certificate_chain
    registration = registered_certificate(chain[0]) if chain else None
    owner_ok = registration is not None and (
        registration.person_id == person.pk
        if person is not None
        else registration.school_id == getattr(school, "pk", None)
    )
    if registration is None or not owner_ok:
        owner = person.full_name if person is not None else getattr(school, "name", "")
        raise CertificateNotRegisteredError(
            _("the signing certificate is not registered to %(owner)s")
            % {"owner": owner}
        )
    return registration


def signable_records(records: QuerySet[YearlyRecord]) -> list[YearlyRecord]:
    """The finalised or partly signed records of a batch, locked, with their rows."""
    ids = list(
        records.filter(status__in=SIGNABLE)
        .select_for_update()
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    batch = list(
        YearlyRecord.objects.filter(pk__in=ids)
        .select_related(*SNAPSHOT_RELATED, "packet")
        .order_by("school_class__name", "transcript__student__full_name", "pk")
    )
    # The raw rows are read only to build a packet, once per record.
    prefetch_related_objects([r for r in batch if packet_of(r) is None], "assessments")
    return batch


def steps_by_record(records: Iterable[YearlyRecord]) -> dict[int, list[SignatureStep]]:
    """The signature steps of each record, in one query."""
    steps: dict[int, list[SignatureStep]] = defaultdict(list)
    rows = SignatureStep.objects.filter(record__in=[r.pk for r in records])
    for step in rows.select_related("person").order_by("signed_at", "pk"):
        steps[step.record_id].append(step)
    return steps


def has_signed(steps: list[SignatureStep], role: Role, person: Person) -> bool:
    return any(s.role == role.value and s.person_id == person.pk for s in steps)


def packet_of(record: YearlyRecord) -> RecordPacket | None:
    try:
        return record.packet
    except RecordPacket.DoesNotExist:
        return None


def packet_for(record: YearlyRecord, signers: ClassSigners) -> RecordPacket:
    """The record's packet, built from its snapshot the first time (unsaved then)."""
    existing = packet_of(record)
    if existing is not None:
        return existing
    snapshot = snapshot_of(record, signers)
    try:
        data = build_packet(snapshot)
    except PacketError as exc:
        raise RecordSigningError(
            _("%(record)s cannot be packed: %(error)s")
            % {"record": record, "error": exc}
        ) from exc
    assert signers.leader is not None
    packet = RecordPacket(
        record=record,
        data=data,
        leader=signers.leader,
        subject_teacher_ids=[p.personal_id for p in snapshot.subject_teachers()],
    )
    record.packet = packet
    return packet


def save_packet(packet: RecordPacket, data: bytes) -> None:
    packet.data = data
    packet.sha256 = hashlib.sha256(data).hexdigest()
    packet.save()


def add_signature(
    record: YearlyRecord,
    packet: RecordPacket,
    signer: Signer,
    step: SignatureStep,
    *,
    identifier: str | None = None,
    timestamp_authority: TimestampAuthority | None = None,
) -> SignatureStep:
    """Sign the record's packet in step.role's slot; save the packet and the step.

    Hash out, signature in (domain.md §8): the same path serves key files, PKCS#11
    tokens and any other Signer.
    """
    role = Role(step.role)
    try:
        session = prepare_signature(
            bytes(packet.data),
            role,
            signer.algorithm,
            identifier=identifier,
            signing_time=step.signed_at,
        )
        value = signer.sign_digest(session.digest)
        data = session.complete(
            value, signer.certificate_chain, timestamp_authority=timestamp_authority
        )
    except SignatureOrderError as exc:
        raise SigningOutOfOrderError(f"{record}: {exc}") from exc
    except (SigningError, PacketError) as exc:
        raise RecordSigningError(
            _("%(record)s could not be signed: %(error)s")
            % {"record": record, "error": exc}
        ) from exc
    save_packet(packet, data)
    step.record = record
    step.signature_id = session.signature_id
    step.save()
    mark_signing(record)
    return step


def mark_signing(record: YearlyRecord) -> None:
    """finalised → signing at the first signature (domain.md §7)."""
    if record.status == RecordStatus.FINALISED:
        record.status = RecordStatus.SIGNING
        record.save(update_fields=["status", "updated_at"])


def new_step(
    role: Role, person: Person, certificate: Certificate, signed_at: datetime, **extra
) -> SignatureStep:
    """An unsaved step; add_signature fills the record and the signature Id."""
    return SignatureStep(
        role=role.value,
        person=person,
        certificate=certificate,
        signed_at=signed_at.replace(microsecond=0),
        **extra,
    )
