"""The principal's deferred signing: the leader's digests, then the seal's over the
leader's signature and the issuance block, then both rounds' values given back to
``actions.sign_and_issue`` (docs/school.md, "Signing from the page: hash out,
signature in").

The seal's digests exist only once the leader's values are known, so the batch takes
two rounds; ``prepare_seal`` checks the leader's values already.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from cryptography import x509
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from hocbaso.packet import Issuance, issue_packet, load_packet_tree
from hocbaso.packet import to_bytes as packet_bytes
from hocbaso.records import actions
from hocbaso.records import signing_steps as steps
from hocbaso.records.errors import NotAllowedToSignError, RecordSigningError
from hocbaso.records.models import YearlyRecord
from hocbaso.records.replay_signer import (
    Digest,
    ReplaySigner,
    digest_of,
    whole_seconds,
)
from hocbaso.records.signers import leader_title
from hocbaso.signing import Role as SignerRole
from hocbaso.signing.deferred import finish_signature, prepare_in_tree


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
    at = whole_seconds(signing_time)
    return [
        Digest(
            r.pk,
            r.packet.sha256,
            digest_of(r, bytes(r.packet.data), SignerRole.LEADER, signer.algorithm, at),
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
    at = whole_seconds(signing_time)
    issuance = actions._Issuance(school, year, issued_on, place)
    out = []
    for record in batch:
        packet = record.packet
        value = leader_values.get(record.pk)
        if value is None:
            raise RecordSigningError(
                _("%(record)s has no signature of the principal") % {"record": record}
            )
        with steps.refused_as_record_errors(record):
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
        issuance.next += 1
        digest = digest_of(record, issued, SignerRole.SEAL, seal.algorithm, at)
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
        signing_time=whole_seconds(signing_time),
    )
