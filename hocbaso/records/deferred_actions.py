"""The signing actions driven from a page: hash out, signature in (domain.md §8).

A teacher's private key stays on their token, on their own computer. The page asks the
server for the digests to sign (``prepare_*``), a local signing agent signs them, the
page posts the values back and the server runs the very action of ``actions`` with a
``ReplaySigner``: each Signature is prepared again from the stored packet, the value
given for its digest is checked against the certificate (``finish_signature``), the
certificate must be registered to the signer (``registered_to``) and the batch is
signed all or nothing. Nothing from the client is trusted: a value for another digest,
from another key or for a record that changed since the digests were prepared makes
the whole batch refuse, and nothing is written.

Prepare and complete must use the same ``signing_time`` (whole seconds): it is part of
what is signed. The principal's batch needs two rounds: the seal covers the leader's
signature and the issuance block, so its digests exist only once the leader's values
are known (``prepare_seal``).

``finalise_records`` is the homeroom teacher's "this record is ready": results
recomputed from the raw data, draft → finalised.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cryptography import x509
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from hocbaso.packet import Issuance, PacketError, issue_packet, load_packet_tree
from hocbaso.packet import to_bytes as packet_bytes
from hocbaso.records import actions
from hocbaso.records import signing_steps as steps
from hocbaso.records.errors import (
    NotAllowedToSignError,
    RecordNotReadyError,
    RecordSigningError,
)
from hocbaso.records.models import (
    Appointment,
    RecordStatus,
    Role,
    SchoolClass,
    YearlyRecord,
)
from hocbaso.records.signers import leader_title, signers_of
from hocbaso.signing import Role as SignerRole
from hocbaso.signing import (
    SignatureOrderError,
    SignerUnavailableError,
    SigningError,
)
from hocbaso.signing.algorithms import SignatureAlgorithm, algorithm_for_key
from hocbaso.signing.deferred import finish_signature, prepare_in_tree


@dataclass(frozen=True)
class Digest:
    """One signature to make: the record, its packet version, the digest to sign."""

    record_id: int
    packet_sha256: str
    digest: bytes

    def as_json(self) -> dict:
        return {
            "record": self.record_id,
            "version": self.packet_sha256,
            "digest": base64.b64encode(self.digest).decode("ascii"),
        }


class ReplaySigner:
    """A Signer that answers with the values a remote signer gave for known digests.

    The chain is the one the client sent; ``registered_to`` and ``finish_signature``
    decide whether it and each value are acceptable. An unknown digest (the record
    changed since it was prepared, or was never prepared) is refused.
    """

    def __init__(
        self,
        certificate_chain: Sequence[x509.Certificate],
        values: Mapping[bytes, bytes],
    ) -> None:
        if not certificate_chain:
            raise RecordSigningError(_("the signer's certificate is missing"))
        self._chain = tuple(certificate_chain)
        self._values = dict(values)
        self._algorithm = algorithm_for_key(self._chain[0].public_key())

    @property
    def certificate_chain(self) -> tuple[x509.Certificate, ...]:
        return self._chain

    @property
    def algorithm(self) -> SignatureAlgorithm:
        return self._algorithm

    def sign_digest(self, digest: bytes) -> bytes:
        try:
            return self._values[digest]
        except KeyError:
            raise SignerUnavailableError(
                _(
                    "no signature was given for this record: it changed after the"
                    " digests were prepared; prepare the batch again"
                )
            ) from None


def _whole_seconds(moment: dt.datetime) -> dt.datetime:
    return moment.replace(microsecond=0)


def _digest_of(
    record: YearlyRecord,
    data: bytes,
    role: SignerRole,
    algorithm: SignatureAlgorithm,
    signing_time: dt.datetime,
    identifier: str | None = None,
) -> bytes:
    try:
        root = load_packet_tree(data)
        prepared = prepare_in_tree(
            root,
            role,
            algorithm,
            identifier=identifier,
            signing_time=signing_time,
        )
    except SignatureOrderError as exc:
        raise steps.order_refusal(record, exc) from exc
    except (SigningError, PacketError) as exc:
        raise RecordSigningError(
            _("%(record)s could not be signed: %(error)s")
            % {"record": record, "error": exc}
        ) from exc
    return prepared.digest


def _stored_packets(batch: list[YearlyRecord], signers) -> None:
    """Build and store the packets not built yet, so prepare and sign read the same."""
    new = [r for r in batch if steps.packet_of(r) is None]
    steps.save_packets(steps.packet_for(r, signers) for r in new)


@transaction.atomic
def prepare_homeroom(
    user,
    school_class: SchoolClass,
    certificate_chain: Sequence[x509.Certificate],
    signing_time: dt.datetime,
) -> list[Digest]:
    """The digests the homeroom teacher signs for the class's records not signed yet.

    Refuses as sign_as_homeroom_teacher does (role, scope, certificate, order).
    """
    person = steps.person_of(user)
    steps.check_class_in_scope(user, school_class)
    if not Appointment.objects.filter(
        person=person, role=Role.HOMEROOM_TEACHER, school_class=school_class
    ).exists():
        raise NotAllowedToSignError(
            _("%(name)s is not the homeroom teacher of class %(cls)s")
            % {"name": person.full_name, "cls": school_class.name}
        )
    signer = ReplaySigner(certificate_chain, {})
    steps.registered_to(signer, person=person)
    signers = signers_of(school_class)
    batch = steps.signable_records(actions.class_records(school_class))
    done = steps.steps_by_record(
        batch, roles=[SignerRole.SUBJECT_TEACHER, SignerRole.HOMEROOM_TEACHER]
    )
    todo = [
        r
        for r in batch
        if not steps.has_signed(done[r.pk], SignerRole.HOMEROOM_TEACHER, person)
    ]
    _stored_packets(todo, signers)
    # Lower secondary: name who has not signed yet, as sign_as_homeroom_teacher does.
    actions._refuse_waiting_subject_teachers(todo, {r.pk: r.packet for r in todo}, done)
    at = _whole_seconds(signing_time)
    return [
        Digest(
            r.pk,
            r.packet.sha256,
            _digest_of(
                r,
                bytes(r.packet.data),
                SignerRole.HOMEROOM_TEACHER,
                signer.algorithm,
                at,
            ),
        )
        for r in todo
    ]


def complete_homeroom(
    user,
    school_class: SchoolClass,
    certificate_chain: Sequence[x509.Certificate],
    values: Mapping[bytes, bytes],
    signing_time: dt.datetime,
):
    """sign_as_homeroom_teacher with the values given for the prepared digests."""
    return actions.sign_as_homeroom_teacher(
        user,
        school_class,
        ReplaySigner(certificate_chain, values),
        signing_time=_whole_seconds(signing_time),
    )


@transaction.atomic
def prepare_subject_teacher(
    user,
    school_class: SchoolClass,
    certificate_chain: Sequence[x509.Certificate],
    signing_time: dt.datetime,
) -> list[Digest]:
    """The digests of the subject teacher's slot in the class's records to sign."""
    person = steps.person_of(user)
    steps.check_class_in_scope(user, school_class)
    taught = Appointment.objects.filter(
        person=person, role=Role.SUBJECT_TEACHER, school_class=school_class
    ).exists()
    if not taught:
        raise NotAllowedToSignError(
            _("%(name)s does not teach %(subjects)s in class %(cls)s")
            % {
                "name": person.full_name,
                "subjects": _("any subject"),
                "cls": school_class.name,
            }
        )
    signer = ReplaySigner(certificate_chain, {})
    steps.registered_to(signer, person=person)
    signers = signers_of(school_class)
    batch = steps.signable_records(actions.class_records(school_class))
    _stored_packets(batch, signers)
    done = steps.steps_by_record(
        batch, roles=[SignerRole.SUBJECT_TEACHER], person=person
    )
    at = _whole_seconds(signing_time)
    out = []
    for r in batch:
        packet = r.packet
        if person.personal_id not in packet.subject_teacher_ids or steps.has_signed(
            done[r.pk], SignerRole.SUBJECT_TEACHER, person
        ):
            continue
        digest = _digest_of(
            r,
            bytes(packet.data),
            SignerRole.SUBJECT_TEACHER,
            signer.algorithm,
            at,
            identifier=person.personal_id,
        )
        out.append(Digest(r.pk, packet.sha256, digest))
    return out


def complete_subject_teacher(
    user,
    school_class: SchoolClass,
    certificate_chain: Sequence[x509.Certificate],
    values: Mapping[bytes, bytes],
    signing_time: dt.datetime,
):
    """sign_as_subject_teacher with the values given for the prepared digests."""
    return actions.sign_as_subject_teacher(
        user,
        school_class,
        ReplaySigner(certificate_chain, values),
        signing_time=_whole_seconds(signing_time),
    )


def _leader_batch(user, records: QuerySet[YearlyRecord], chain):
    person = steps.person_of(user)
    steps.check_records_in_scope(user, records)
    batch = steps.signable_records(records)
    if not batch:
        return person, batch, None
    school, year = actions._one_school_year(batch)
    if leader_title(person, school, year) is None:
        raise NotAllowedToSignError(
            _("%(name)s is not the principal or a deputy of the school in %(year)s")
            % {"name": person.full_name, "year": year.name}
        )
    signer = ReplaySigner(chain, {})
    steps.registered_to(signer, person=person)
    actions._refuse_unready_for_leader(batch, person)
    return person, batch, signer


@transaction.atomic
def prepare_leader(
    user,
    records: QuerySet[YearlyRecord],
    certificate_chain: Sequence[x509.Certificate],
    signing_time: dt.datetime,
) -> list[Digest]:
    """First round of the principal's batch: the leader's digests, in batch order."""
    _person, batch, signer = _leader_batch(user, records, certificate_chain)
    at = _whole_seconds(signing_time)
    return [
        Digest(
            r.pk,
            r.packet.sha256,
            _digest_of(
                r, bytes(r.packet.data), SignerRole.LEADER, signer.algorithm, at
            ),
        )
        for r in batch
    ]


@transaction.atomic
def prepare_seal(
    user,
    records: QuerySet[YearlyRecord],
    leader_chain: Sequence[x509.Certificate],
    leader_values: Mapping[int, bytes],
    seal_chain: Sequence[x509.Certificate],
    signing_time: dt.datetime,
    *,
    issued_on: dt.date | None = None,
    place: str | None = None,
) -> list[Digest]:
    """Second round: the seal's digests over the leader's signature and issuance.

    leader_values maps each record's pk to the leader's value from the first round;
    each is checked against the leader's certificate here already. The issuing
    numbers are those sign_and_issue will give if no other batch of the school issues
    in between (if one does, completing refuses and the batch is prepared again).
    """
    _person, batch, leader = _leader_batch(user, records, leader_chain)
    if not batch:
        return []
    school, year = actions._one_school_year(batch)
    seal = ReplaySigner(seal_chain, {})
    steps.registered_to(seal, school=school)
    at = _whole_seconds(signing_time)
    issuance = actions._Issuance(school, year, issued_on, place)
    out = []
    for record in batch:
        packet = record.packet
        value = leader_values.get(record.pk)
        if value is None:
            raise RecordSigningError(
                _("%(record)s has no signature of the principal") % {"record": record}
            )
        try:
            root = load_packet_tree(bytes(packet.data))
            prepared = prepare_in_tree(
                root, SignerRole.LEADER, leader.algorithm, signing_time=at
            )
            finish_signature(
                prepared, leader.algorithm, value, leader.certificate_chain
            )
            number = f"{issuance.next}/{year.name}/HB-{school.code}"
            issued = issue_packet(
                packet_bytes(root), Issuance(number, issuance.date, issuance.place)
            )
        except SignatureOrderError as exc:
            raise steps.order_refusal(record, exc) from exc
        except (SigningError, PacketError) as exc:
            raise RecordSigningError(
                _("%(record)s could not be signed: %(error)s")
                % {"record": record, "error": exc}
            ) from exc
        issuance.next += 1
        digest = _digest_of(record, issued, SignerRole.SEAL, seal.algorithm, at)
        out.append(Digest(record.pk, packet.sha256, digest))
    return out


def complete_leader_and_seal(
    user,
    records: QuerySet[YearlyRecord],
    leader_chain: Sequence[x509.Certificate],
    leader_values: Mapping[bytes, bytes],
    seal_chain: Sequence[x509.Certificate],
    seal_values: Mapping[bytes, bytes],
    signing_time: dt.datetime,
    *,
    issued_on: dt.date | None = None,
    place: str | None = None,
):
    """sign_and_issue with the values of both rounds (digest → value)."""
    return actions.sign_and_issue(
        user,
        records,
        ReplaySigner(leader_chain, leader_values),
        ReplaySigner(seal_chain, seal_values),
        issued_on=issued_on,
        place=place,
        signing_time=_whole_seconds(signing_time),
    )


@transaction.atomic
def finalise_records(user, records: QuerySet[YearlyRecord]) -> int:
    """Recompute the draft records and mark them finalised; all or none.

    Only the homeroom teacher of the records' class, the principal, a deputy or the
    clerk of the school may. Raises RecordNotReadyError listing every record whose
    raw data is incomplete (the rules' problems), and nothing changes then.
    """
    from hocbaso.assessment import AssessmentInputError

    person = steps.person_of(user)
    steps.check_records_in_scope(user, records)
    drafts = list(
        # A locked record is final, whatever its status (R11).
        records.filter(status=RecordStatus.DRAFT, locked_at__isnull=True)
        .select_for_update()
        .select_related("transcript__student", "school_year", "school_class")
        .order_by("pk")
    )
    for record in drafts:
        allowed = Appointment.objects.filter(
            person=person, school_year=record.school_year
        )
        if not (
            allowed.filter(
                role=Role.HOMEROOM_TEACHER, school_class=record.school_class
            ).exists()
            or allowed.filter(
                role__in=(Role.PRINCIPAL, Role.DEPUTY_PRINCIPAL, Role.CLERK),
                school=record.school,
            ).exists()
        ):
            raise NotAllowedToSignError(
                _("%(name)s may not finalise %(record)s")
                % {"name": person.full_name, "record": record}
            )
    problems = []
    for record in drafts:
        try:
            record.recompute(save=True)
        except AssessmentInputError as exc:
            problems.append(
                _("%(record)s: %(problems)s")
                % {
                    "record": record,
                    "problems": "; ".join(str(p) for p in exc.problems) or str(exc),
                }
            )
    if problems:
        raise RecordNotReadyError(
            _("some records cannot be finalised: %(n)s") % {"n": len(problems)},
            problems,
        )
    steps.set_status(drafts, RecordStatus.FINALISED)
    return len(drafts)
