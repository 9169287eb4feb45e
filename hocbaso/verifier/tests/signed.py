"""A small PKI valid today and a lower-secondary packet signed by its people, with
the tamper set every verifier of this package is tried on (no key is committed)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from lxml import etree

from hocbaso.packet import build_packet, issue_packet
from hocbaso.packet.examples import HOMEROOM, ISSUANCE, TEACHERS, secondary_example
from hocbaso.signing import KeyFileSigner, Role, sign_packet
from hocbaso.signing.pki import Credential, create_demo_pki

SNAPSHOT = secondary_example()


@dataclass(frozen=True)
class Signed:
    trust_dir: Path
    stranger_trust_dir: Path  # another root: nothing here chains to it
    packets: dict[str, bytes]  # the tamper set by name


def _signer(credential: Credential) -> KeyFileSigner:
    return KeyFileSigner(credential.key, credential.chain)


def build_signed(directory: Path) -> Signed:
    now = datetime.now(UTC)
    at = now - timedelta(hours=1)
    pki = create_demo_pki(now=now)
    packet = build_packet(SNAPSHOT)
    for teacher in TEACHERS:
        cred = pki.person(teacher.name, teacher.personal_id)
        packet = sign_packet(
            packet,
            _signer(cred),
            Role.SUBJECT_TEACHER,
            identifier=teacher.personal_id,
            signing_time=at,
        )
    homeroom = pki.person(HOMEROOM.name, HOMEROOM.personal_id)
    packet = sign_packet(
        packet, _signer(homeroom), Role.HOMEROOM_TEACHER, signing_time=at
    )
    leader = pki.person(SNAPSHOT.leader.name, SNAPSHOT.leader.personal_id)
    packet = sign_packet(packet, _signer(leader), Role.LEADER, signing_time=at)
    unsealed = issue_packet(packet, ISSUANCE)
    school = SNAPSHOT.school
    seal = pki.organisation(school.name, school.code)
    other = pki.organisation("Trường THCS Khác", "99999999")
    pki.write_trust_directory(directory / "trust")
    create_demo_pki(
        "Stranger Root CA", "Stranger Issuing CA", now=now
    ).write_trust_directory(directory / "stranger")
    valid = sign_packet(unsealed, _signer(seal), Role.SEAL, signing_time=at)
    return Signed(
        directory / "trust",
        directory / "stranger",
        {
            "valid": valid,
            "tampered value": tamper(valid),
            "wrong signer": sign_packet(
                unsealed, _signer(other), Role.SEAL, signing_time=at
            ),
            "missing seal": unsealed,
            "comment-split value": comment_split(valid),
        },
    )


def tamper(packet: bytes) -> bytes:
    """One letter of the student's name changed after signing."""
    at = packet.index(b"<hovaten>") + len(b"<hovaten>")
    return packet[:at] + b"X" + packet[at:]


def comment_split(packet: bytes) -> bytes:
    """The name split by a comment: every digest still matches under C14N."""
    match = re.search(rb"<hovaten>([^<]*) ([^< ]+)</hovaten>", packet)
    assert match is not None
    return packet[: match.end(1)] + b"<!-- -->" + packet[match.end(1) :]


def without_seal(packet: bytes) -> bytes:
    """The packet with the school's seal signature removed."""
    root = etree.fromstring(packet)
    (slot,) = root.iter("{*}KY_PHAT_HANH")
    for child in list(slot):
        slot.remove(child)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
