"""A test PKI built at run time (no key is ever committed), signed example packets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from hocbaso.packet import build_packet, issue_packet
from hocbaso.packet.examples import HOMEROOM, ISSUANCE, TEACHERS, secondary_example
from hocbaso.signing import (
    KeyFileSigner,
    Role,
    TimestampAuthority,
    TrustStore,
    sign_packet,
)
from hocbaso.signing.pki import Credential, DemoPki, create_demo_pki

NOW = datetime(2025, 6, 20, 3, 0, tzinfo=UTC)  # frozen: certificates depend on it
SIGNED_AT = NOW - timedelta(hours=1)
SNAPSHOT = secondary_example()


@dataclass(frozen=True)
class People:
    teachers: tuple[Credential, ...]
    homeroom: Credential
    leader: Credential
    seal: Credential
    expired_leader: Credential
    revoked_leader: Credential
    late_revoked_leader: Credential  # revoked half an hour after SIGNED_AT
    wrong_person: Credential
    stranger_leader: Credential  # same name and id, from an untrusted root


@pytest.fixture(scope="session")
def pki() -> DemoPki:
    return create_demo_pki(now=NOW)


@pytest.fixture(scope="session")
def people(pki: DemoPki) -> People:
    leader = SNAPSHOT.leader
    revoked = pki.person(leader.name, leader.personal_id)
    pki.issuing.revoke(revoked.certificate, NOW - timedelta(days=2))
    late = pki.person(leader.name, leader.personal_id)
    pki.issuing.revoke(late.certificate, SIGNED_AT + timedelta(minutes=30))
    stranger = create_demo_pki(
        "Hocbaso Demo Root CA", "Hocbaso Demo Issuing CA", now=NOW
    )
    return People(
        teachers=tuple(pki.person(t.name, t.personal_id) for t in TEACHERS),
        homeroom=pki.person(HOMEROOM.name, HOMEROOM.personal_id, kind="rsa"),
        leader=pki.person(leader.name, leader.personal_id),
        seal=pki.organisation(SNAPSHOT.school.name, SNAPSHOT.school.code),
        expired_leader=pki.person(
            leader.name,
            leader.personal_id,
            valid_from=NOW - timedelta(days=400),
            valid_days=365,
        ),
        revoked_leader=revoked,
        late_revoked_leader=late,
        wrong_person=pki.person("Ngô Văn Khác", "001099000000"),
        stranger_leader=stranger.person(leader.name, leader.personal_id),
    )


@pytest.fixture(scope="session")
def trust_dir(
    pki: DemoPki, people: People, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    path = tmp_path_factory.mktemp("trust")
    pki.write_trust_directory(path)  # after the revocation above, so the CRL lists it
    return path


@pytest.fixture(scope="session")
def trust_store(trust_dir: Path) -> TrustStore:
    return TrustStore.from_directory(trust_dir)


def signer(credential: Credential) -> KeyFileSigner:
    return KeyFileSigner(credential.key, credential.chain)


def sign_teachers(packet: bytes, people: People) -> bytes:
    for teacher, cred in zip(TEACHERS, people.teachers, strict=True):
        packet = sign_packet(
            packet,
            signer(cred),
            Role.SUBJECT_TEACHER,
            identifier=teacher.personal_id,
            signing_time=SIGNED_AT,
        )
    return packet


def sign_until_leader(
    people: People,
    leader: Credential | None = None,
    tsa: TimestampAuthority | None = None,
) -> bytes:
    packet = sign_teachers(build_packet(SNAPSHOT), people)
    packet = sign_packet(
        packet, signer(people.homeroom), Role.HOMEROOM_TEACHER, signing_time=SIGNED_AT
    )
    return sign_packet(
        packet,
        signer(leader or people.leader),
        Role.LEADER,
        signing_time=SIGNED_AT,
        timestamp_authority=tsa,
    )


def sign_all(people: People, leader: Credential | None = None) -> bytes:
    packet = issue_packet(sign_until_leader(people, leader), ISSUANCE)
    return sign_packet(packet, signer(people.seal), Role.SEAL, signing_time=SIGNED_AT)


@pytest.fixture(scope="session")
def signed(people: People) -> bytes:
    return sign_all(people)
