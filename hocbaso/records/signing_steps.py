"""The pieces the signing actions are made of (actions.py): who may sign, which
records, the packet of each record, and one signature added and recorded.

Nothing here opens a transaction: every caller is an action under transaction.atomic.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime

from django.db import connections, router
from django.db.models import QuerySet, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree

from hocbaso.packet import PacketError, build_packet, load_packet_tree, to_bytes
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
    in_language,
    sign_tree,
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


def order_refusal(record, error: SignatureOrderError) -> SigningOutOfOrderError:
    """The signing core's order refusal in the reader's language: its reason is
    a template with the roles as values of their own (hocbaso.signing.Reason),
    translated here, so "the homeroom teacher" reads "giáo viên chủ nhiệm"."""
    reason = error.args[0] if error.args else str(error)
    return SigningOutOfOrderError(f"{record}: {in_language(reason, _)}")


@contextmanager
def refused_as_record_errors(record: YearlyRecord) -> Iterator[None]:
    """A packet or signing error while signing ``record``, as the record's refusal:
    out of order as order_refusal says it, anything else as not signed."""
    try:
        yield
    except SignatureOrderError as exc:
        raise order_refusal(record, exc) from exc
    except (SigningError, PacketError) as exc:
        raise RecordSigningError(
            _("%(record)s could not be signed: %(error)s")
            % {"record": record, "error": exc}
        ) from exc


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


def steps_by_record(
    records: Iterable[YearlyRecord],
    *,
    roles: Iterable[Role] | None = None,
    person: Person | None = None,
) -> dict[int, list[SignatureStep]]:
    """The signature steps of each record, in one query; only roles' or person's."""
    steps: dict[int, list[SignatureStep]] = defaultdict(list)
    rows = SignatureStep.objects.filter(record__in=[r.pk for r in records])
    if roles is not None:
        rows = rows.filter(role__in=[role.value for role in roles])
    if person is not None:
        rows = rows.filter(person=person)
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


def save_packets(
    packets: Iterable[RecordPacket], *, fields: Iterable[str] = ()
) -> None:
    """Store packets: insert the new ones, update data, SHA-256 and fields of the rest.

    A few queries for the whole batch; each packet's sha256 is computed from its data.
    """
    now = timezone.now()
    new, stored = [], []
    for packet in packets:
        data = bytes(packet.data)
        packet.data, packet.sha256 = data, hashlib.sha256(data).hexdigest()
        (new if packet.pk is None else stored).append(packet)
    if new:
        RecordPacket.objects.bulk_create(new)
    if stored:
        for packet in stored:
            packet.updated_at = now  # not save(): auto_now is ours to apply
        _update_rows(stored, ["data", "sha256", "updated_at", *fields])


def _update_rows(packets: list[RecordPacket], names: list[str]) -> None:
    """UPDATE each packet's row in one executemany.

    bulk_update's CASE WHEN expressions cost more to build than the writes themselves
    (several ms a packet); the values are prepared by their fields as save() does.
    """
    meta = RecordPacket._meta
    connection = connections[router.db_for_write(RecordPacket)]
    quote = connection.ops.quote_name
    fields = [meta.get_field(name) for name in names]
    # Only the model's own table and column names, quoted; every value a parameter.
    sql = "UPDATE {} SET {} WHERE {} = %s".format(  # noqa: S608
        quote(meta.db_table),
        ", ".join(f"{quote(f.column)} = %s" for f in fields),
        quote(meta.pk.column),
    )
    rows = [
        [f.get_db_prep_save(getattr(p, f.attname), connection) for f in fields] + [p.pk]
        for p in packets
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


class SignatureBatch:
    """The signatures of one action, added in memory and written once at the end.

    Each record's packet is parsed (and schema-validated) once per action, however
    many signatures it receives, and serialised once; save() then writes the packets,
    the steps and the finalised → signing statuses in a few queries. Hash out,
    signature in (domain.md §8): the same path serves key files, PKCS#11 tokens and any
    other Signer. A failed signature raises and leaves the batch unusable: the action's
    transaction rolls back.
    """

    def __init__(self) -> None:
        self._trees: dict[int, etree._Element] = {}
        self._packets: dict[int, tuple[YearlyRecord, RecordPacket]] = {}
        self.steps: list[SignatureStep] = []

    def add_signature(
        self,
        record: YearlyRecord,
        packet: RecordPacket,
        signer: Signer,
        step: SignatureStep,
        *,
        identifier: str | None = None,
        timestamp_authority: TimestampAuthority | None = None,
    ) -> SignatureStep:
        """Sign the record's packet in step.role's slot; step gets its signature Id."""
        with refused_as_record_errors(record):
            root = self._trees.get(record.pk)
            if root is None:
                root = load_packet_tree(bytes(packet.data))
            signature_id = sign_tree(
                root,
                signer,
                Role(step.role),
                identifier=identifier,
                signing_time=step.signed_at,
                timestamp_authority=timestamp_authority,
            )
        self._trees[record.pk] = root
        self._packets[record.pk] = (record, packet)
        step.record = record
        step.signature_id = signature_id
        self.steps.append(step)
        return step

    def data_of(self, record: YearlyRecord, packet: RecordPacket) -> bytes:
        """The record's packet as signed so far in this batch."""
        root = self._trees.get(record.pk)
        return bytes(packet.data) if root is None else to_bytes(root)

    def replace_data(
        self, record: YearlyRecord, packet: RecordPacket, data: bytes
    ) -> None:
        """The packet changed outside the batch (the issuance block): take data."""
        self._trees.pop(record.pk, None)
        packet.data = data
        self._packets[record.pk] = (record, packet)

    def save(self, *, packet_fields: Iterable[str] = ()) -> list[SignatureStep]:
        """Write the packets, the steps, then finalised → signing (domain.md §7)."""
        for pk, root in self._trees.items():
            self._packets[pk][1].data = to_bytes(root)
        self._trees.clear()
        records = [record for record, _packet in self._packets.values()]
        save_packets(
            [packet for _record, packet in self._packets.values()], fields=packet_fields
        )
        SignatureStep.objects.bulk_create(self.steps)
        signed = {step.record_id for step in self.steps}
        mark_signing([r for r in records if r.pk in signed])
        return self.steps


def mark_signing(records: Iterable[YearlyRecord]) -> None:
    """finalised → signing at the first signature (domain.md §7), in one query."""
    first = [r for r in records if r.status == RecordStatus.FINALISED]
    set_status(first, RecordStatus.SIGNING)


def set_status(records: list[YearlyRecord], status: RecordStatus) -> None:
    """The status of records, in one query; nothing signed changes, so no save()."""
    if not records:
        return
    now = timezone.now()
    YearlyRecord.objects.filter(pk__in=[r.pk for r in records]).update(
        status=status, updated_at=now
    )
    for record in records:
        record.status, record.updated_at = status, now


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
