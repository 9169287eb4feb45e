"""The teachers' deferred signing of a class: the homeroom teacher's and a subject
teacher's digests prepared, then their values given back to the very action of
``actions`` (docs/school.md, "Signing from the page: hash out, signature in").

Each ``prepare_*`` refuses as its action does (role, scope, certificate, order), so a
batch the action would refuse never reaches the agent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from cryptography import x509
from django.db import transaction
from django.utils.translation import gettext as _

from hocbaso.records import actions
from hocbaso.records import signing_steps as steps
from hocbaso.records.errors import NotAllowedToSignError
from hocbaso.records.models import Appointment, Role, SchoolClass
from hocbaso.records.replay_signer import (
    Digest,
    ReplaySigner,
    digest_of,
    store_packets,
    whole_seconds,
)
from hocbaso.records.signers import signers_of
from hocbaso.signing import Role as SignerRole


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
    store_packets(todo, signers)
    # Lower secondary: name who has not signed yet, as sign_as_homeroom_teacher does.
    actions._refuse_waiting_subject_teachers(todo, {r.pk: r.packet for r in todo}, done)
    at = whole_seconds(signing_time)
    return [
        Digest(
            r.pk,
            r.packet.sha256,
            digest_of(
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
        signing_time=whole_seconds(signing_time),
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
    store_packets(batch, signers)
    done = steps.steps_by_record(
        batch, roles=[SignerRole.SUBJECT_TEACHER], person=person
    )
    at = whole_seconds(signing_time)
    out = []
    for r in batch:
        packet = r.packet
        if person.personal_id not in packet.subject_teacher_ids or steps.has_signed(
            done[r.pk], SignerRole.SUBJECT_TEACHER, person
        ):
            continue
        digest = digest_of(
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
        signing_time=whole_seconds(signing_time),
    )
