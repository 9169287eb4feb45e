"""Signing yearly records: each step one atomic action, recorded with who and when.

The steps for the records of a class (domain.md §6.2, §7):
1. ``sign_as_subject_teacher``: lower secondary, each subject teacher signs the rows of
   the subjects they teach, in every record of the class;
2. ``sign_as_homeroom_teacher``: the class's records in one batch; at lower secondary
   only once every subject teacher has signed;
3. ``sign_and_issue``: the principal (or the deputy the packet names) signs, the
   issuance block (number, date, place) is added and the school's seal applied, in one
   batch per class or grade; the records go finalised → signing → issued.
``choose_leader`` names a deputy to sign for the school, before anyone has signed.

Every action refuses, naming the record, when: the user cannot see the records (scope)
or did not hold the role for them in the records' school year; the signer's
certificate is not registered to that person (to the school, for the seal); a record is
out of order or its results are missing. A batch signs all its records or none. Any
``hocbaso.signing.Signer`` works: the demo's key files (``keys.KeyDirectory``), a
PKCS#11 token, a remote service behind ``sign_digest``.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from hocbaso.packet import Issuance, PacketError, issue_packet
from hocbaso.records import signing_steps as steps
from hocbaso.records.errors import (
    NotAllowedToSignError,
    RecordsError,
    RecordSigningError,
    SigningOutOfOrderError,
)
from hocbaso.records.models import (
    Appointment,
    Person,
    RecordPacket,
    RecordStatus,
    Role,
    School,
    SchoolClass,
    SchoolLevel,
    SchoolYear,
    SignatureStep,
    YearlyRecord,
)
from hocbaso.records.signers import leader_title, signers_of
from hocbaso.records.snapshot import province_of
from hocbaso.signing import Role as SignerRole
from hocbaso.signing import Signer, TimestampAuthority


def class_records(school_class: SchoolClass) -> QuerySet[YearlyRecord]:
    """The records of a class: one batch for the homeroom teacher or the principal."""
    return YearlyRecord.objects.filter(school_class=school_class)


def grade_records(
    school: School, school_year: SchoolYear, grade: int
) -> QuerySet[YearlyRecord]:
    """The records of a grade of a school: one batch for the principal."""
    return YearlyRecord.objects.filter(
        school=school, school_year=school_year, grade=grade
    )


@transaction.atomic
def sign_as_subject_teacher(
    user,
    school_class: SchoolClass,
    signer: Signer,
    *,
    subject_codes: list[str] | None = None,
    signing_time: dt.datetime | None = None,
    timestamp_authority: TimestampAuthority | None = None,
) -> list[SignatureStep]:
    """Sign, in every record of the class, the rows of the subjects the user teaches.

    A teacher's one signature covers all their subjects of the record (one slot per
    teacher, §6.2); subject_codes, if given, must all be subjects they teach there.
    """
    person = steps.person_of(user)
    steps.check_class_in_scope(user, school_class)
    taught = _subjects_taught(person, school_class)
    if school_class.level != SchoolLevel.SECONDARY:
        raise NotAllowedToSignError(_("subject teachers sign at lower secondary only"))
    not_taught = sorted(set(subject_codes or ()) - taught)
    if not taught or not_taught:
        raise NotAllowedToSignError(
            _("%(name)s does not teach %(subjects)s in class %(cls)s")
            % {
                "name": person.full_name,
                "subjects": ", ".join(not_taught) or _("any subject"),
                "cls": school_class.name,
            }
        )
    certificate = steps.registered_to(signer, person=person)
    signers = signers_of(school_class)
    records = steps.signable_records(class_records(school_class))
    done = steps.steps_by_record(
        records, roles=[SignerRole.SUBJECT_TEACHER], person=person
    )
    signed_at = signing_time or timezone.now()
    codes = sorted(c for c, p in signers.subject_teachers.items() if p.pk == person.pk)
    batch = steps.SignatureBatch()
    for record in records:
        packet = steps.packet_for(record, signers)
        if person.personal_id not in packet.subject_teacher_ids or steps.has_signed(
            done[record.pk], SignerRole.SUBJECT_TEACHER, person
        ):
            continue
        step = steps.new_step(
            SignerRole.SUBJECT_TEACHER,
            person,
            certificate,
            signed_at,
            subject_codes=codes,
        )
        batch.add_signature(
            record,
            packet,
            signer,
            step,
            identifier=person.personal_id,
            timestamp_authority=timestamp_authority,
        )
    return batch.save()


def _subjects_taught(person: Person, school_class: SchoolClass) -> set[str]:
    return set(
        Appointment.objects.filter(
            person=person, role=Role.SUBJECT_TEACHER, school_class=school_class
        ).values_list("subject_code", flat=True)
    )


@transaction.atomic
def sign_as_homeroom_teacher(
    user,
    school_class: SchoolClass,
    signer: Signer,
    *,
    signing_time: dt.datetime | None = None,
    timestamp_authority: TimestampAuthority | None = None,
) -> list[SignatureStep]:
    """The homeroom teacher signs the class's finalised records in one batch."""
    person = steps.person_of(user)
    steps.check_class_in_scope(user, school_class)
    is_homeroom = Appointment.objects.filter(
        person=person, role=Role.HOMEROOM_TEACHER, school_class=school_class
    ).exists()
    if not is_homeroom:
        raise NotAllowedToSignError(
            _("%(name)s is not the homeroom teacher of class %(cls)s")
            % {"name": person.full_name, "cls": school_class.name}
        )
    certificate = steps.registered_to(signer, person=person)
    signers = signers_of(school_class)
    records = steps.signable_records(class_records(school_class))
    done = steps.steps_by_record(
        records, roles=[SignerRole.SUBJECT_TEACHER, SignerRole.HOMEROOM_TEACHER]
    )
    todo = [
        r
        for r in records
        if not steps.has_signed(done[r.pk], SignerRole.HOMEROOM_TEACHER, person)
    ]
    packets = {r.pk: steps.packet_for(r, signers) for r in todo}
    _refuse_waiting_subject_teachers(todo, packets, done)
    signed_at = signing_time or timezone.now()
    batch = steps.SignatureBatch()
    for record in todo:
        batch.add_signature(
            record,
            packets[record.pk],
            signer,
            steps.new_step(SignerRole.HOMEROOM_TEACHER, person, certificate, signed_at),
            timestamp_authority=timestamp_authority,
        )
    return batch.save()


def _refuse_waiting_subject_teachers(records, packets, done) -> None:
    """Lower secondary: every subject teacher before the homeroom teacher (§6.2).

    The refusal names each teacher still to sign once, with the pupils they hold
    up, not once per pupil."""
    waiting: dict[str, list[YearlyRecord]] = {}
    for record in records:
        signed = {
            s.person.personal_id
            for s in done[record.pk]
            if s.role == SignerRole.SUBJECT_TEACHER.value
        }
        for personal_id in set(packets[record.pk].subject_teacher_ids) - signed:
            waiting.setdefault(personal_id, []).append(record)
    if not waiting:
        return
    names = dict(
        Person.objects.filter(personal_id__in=waiting).values_list(
            "personal_id", "full_name"
        )
    )
    lines = sorted(
        _("%(name)s has not signed %(n)s records: %(pupils)s")
        % {"name": names.get(pid, pid), "n": len(held), "pupils": pupils_of(held)}
        for pid, held in waiting.items()
    )
    raise SigningOutOfOrderError(
        _("the subject teachers sign before the homeroom teacher: %(waiting)s")
        % {"waiting": "; ".join(lines)}
    )


def pupils_of(records, shown: int = 5) -> str:
    """The pupils of ``records`` by name, the first few and how many more."""
    names = [r.transcript.student.full_name for r in records]
    text = ", ".join(names[:shown])
    if len(names) > shown:
        text += " " + _("and %(n)s more") % {"n": len(names) - shown}
    return text


@transaction.atomic
def choose_leader(user, records: QuerySet[YearlyRecord], leader: Person) -> int:
    """Name who signs for the school (a deputy, KT. HIỆU TRƯỞNG) before anyone signs.

    The homeroom teacher's signature covers the leader's name, so the choice is made
    when the packets are built. Returns the number of packets built.
    """
    person = steps.person_of(user)
    steps.check_records_in_scope(user, records)
    batch = steps.signable_records(records)
    school, year = _one_school_year(batch)
    if (
        leader_title(person, school, year) is None
        and not Appointment.objects.filter(
            person=person, school=school, school_year=year, role=Role.CLERK
        ).exists()
    ):
        raise NotAllowedToSignError(
            _("only the principal, a deputy or the clerk names who signs")
        )
    if leader_title(leader, school, year) is None:
        raise NotAllowedToSignError(
            _("%(name)s is not the principal or a deputy of the school")
            % {"name": leader.full_name}
        )
    if SignatureStep.objects.filter(record__in=batch).exists():
        raise SigningOutOfOrderError(
            _("signing has started: the packets already name who signs")
        )
    RecordPacket.objects.filter(record__in=batch).delete()
    batch = steps.signable_records(records)
    steps.save_packets(
        steps.packet_for(record, signers_of(record.school_class, leader))
        for record in batch
    )
    return len(batch)


def _one_school_year(records: list[YearlyRecord]) -> tuple[School, SchoolYear]:
    keys = {(r.school_id, r.school_year_id) for r in records}
    if len(keys) != 1:
        raise RecordsError(
            _("a batch holds the finalised records of one school and school year")
        )
    return records[0].school, records[0].school_year


@transaction.atomic
def sign_and_issue(
    user,
    records: QuerySet[YearlyRecord],
    leader_signer: Signer,
    seal_signer: Signer,
    *,
    issued_on: dt.date | None = None,
    place: str | None = None,
    signing_time: dt.datetime | None = None,
    timestamp_authority: TimestampAuthority | None = None,
) -> list[SignatureStep]:
    """The principal or deputy signs, the issuance block is added, the seal applied.

    records is one class or one grade of a school (class_records, grade_records);
    each record goes to issued with its issuing number "<n>/<year>/HB-<school code>".
    """
    person = steps.person_of(user)
    steps.check_records_in_scope(user, records)
    batch = steps.signable_records(records)
    school, year = _one_school_year(batch)
    if leader_title(person, school, year) is None:
        raise NotAllowedToSignError(
            _("%(name)s is not the principal or a deputy of the school in %(year)s")
            % {"name": person.full_name, "year": year.name}
        )
    leader_cert = steps.registered_to(leader_signer, person=person)
    seal_cert = steps.registered_to(seal_signer, school=school)
    _refuse_unready_for_leader(batch, person)
    signed_at = signing_time or timezone.now()
    issuance = _Issuance(school, year, issued_on, place)
    signatures = steps.SignatureBatch()
    for record in batch:
        packet = record.packet
        signatures.add_signature(
            record,
            packet,
            leader_signer,
            steps.new_step(SignerRole.LEADER, person, leader_cert, signed_at),
            timestamp_authority=timestamp_authority,
        )
        issued = issuance.add_to(record, packet, signatures.data_of(record, packet))
        signatures.replace_data(record, packet, issued)
        seal = steps.new_step(
            SignerRole.SEAL, person, seal_cert, signed_at, school=school
        )
        signatures.add_signature(
            record,
            packet,
            seal_signer,
            seal,
            timestamp_authority=timestamp_authority,
        )
    out = signatures.save(packet_fields=_Issuance.FIELDS)
    steps.set_status(batch, RecordStatus.ISSUED)
    return out


def _refuse_unready_for_leader(batch: list[YearlyRecord], person: Person) -> None:
    """The homeroom teacher signs before the leader, and the leader is the one the
    packets name; each cause is said once, with the pupils it holds up."""
    done = steps.steps_by_record(batch, roles=[SignerRole.HOMEROOM_TEACHER])
    unsigned, named = [], {}
    for record in batch:
        packet = steps.packet_of(record)
        homeroom = any(
            s.role == SignerRole.HOMEROOM_TEACHER.value for s in done[record.pk]
        )
        if packet is None or not homeroom:
            unsigned.append(record)
        elif packet.leader_id != person.pk:
            named.setdefault(packet.leader.full_name, []).append(record)
    problems = []
    if unsigned:
        problems.append(
            _("the homeroom teacher has not signed %(n)s records: %(pupils)s")
            % {"n": len(unsigned), "pupils": pupils_of(unsigned)}
        )
    for name, held in sorted(named.items()):
        problems.append(
            _("%(n)s records name %(name)s to sign for the school: %(pupils)s")
            % {"n": len(held), "name": name, "pupils": pupils_of(held)}
        )
    if problems:
        raise SigningOutOfOrderError("; ".join(problems))


class _Issuance:
    """Issuing numbers of one school and year: "<n>/<year>/HB-<code>", n counting up."""

    FIELDS = ("issuance_seq", "issuance_number", "issued_on", "issuance_place")

    def __init__(self, school, year, issued_on, place) -> None:
        # Lock the school: two batches of one school never take the same number.
        School.objects.select_for_update().filter(pk=school.pk).first()
        last = RecordPacket.objects.filter(
            record__school=school, record__school_year=year
        ).aggregate(n=Max("issuance_seq"))["n"]
        self.next = (last or 0) + 1
        self.school, self.year = school, year
        self.date = issued_on or timezone.localdate()
        self.place = (place or school.commune_name or province_of(school)).strip()

    def add_to(self, record: YearlyRecord, packet: RecordPacket, data: bytes) -> bytes:
        """data with the next issuance block; sets the packet's issuance fields."""
        number = f"{self.next}/{self.year.name}/HB-{self.school.code}"
        try:
            issued = issue_packet(data, Issuance(number, self.date, self.place))
        except PacketError as exc:
            raise RecordSigningError(
                _("%(record)s could not be issued: %(error)s")
                % {"record": record, "error": exc}
            ) from exc
        packet.issuance_seq, packet.issuance_number = self.next, number
        packet.issued_on, packet.issuance_place = self.date, self.place
        self.next += 1
        return issued
