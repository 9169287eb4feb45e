"""sign_packet parses once and serialises once: the same bytes as the deferred path."""

from __future__ import annotations

from hocbaso.packet import build_packet, issue_packet, load_packet_tree, to_bytes
from hocbaso.packet.examples import ISSUANCE
from hocbaso.signing import (
    Role,
    Signer,
    Status,
    TrustStore,
    prepare_signature,
    sign_packet,
    sign_tree,
    verify_packet,
)
from hocbaso.signing.tests.conftest import (
    NOW,
    SIGNED_AT,
    SNAPSHOT,
    People,
    sign_teachers,
    sign_until_leader,
    signer,
)


def _deferred(packet: bytes, who: Signer, role: Role) -> bytes:
    session = prepare_signature(packet, role, who.algorithm, signing_time=SIGNED_AT)
    return session.complete(who.sign_digest(session.digest), who.certificate_chain)


def test_one_pass_signing_gives_the_bytes_of_prepare_and_complete(
    people: People,
) -> None:
    # RSA PKCS#1 v1.5 is deterministic: both paths must give identical packets.
    packet = sign_teachers(build_packet(SNAPSHOT), people)
    homeroom = signer(people.homeroom)
    once = sign_packet(packet, homeroom, Role.HOMEROOM_TEACHER, signing_time=SIGNED_AT)
    assert once == _deferred(packet, homeroom, Role.HOMEROOM_TEACHER)
    issued = issue_packet(sign_until_leader(people), ISSUANCE)
    seal = signer(people.seal)
    assert sign_packet(issued, seal, Role.SEAL, signing_time=SIGNED_AT) == _deferred(
        issued, seal, Role.SEAL
    )


def test_sign_tree_signs_in_place_and_returns_the_signature_id(
    people: People, trust_store: TrustStore
) -> None:
    root = load_packet_tree(issue_packet(sign_until_leader(people), ISSUANCE))
    signature_id = sign_tree(
        root, signer(people.seal), Role.SEAL, signing_time=SIGNED_AT
    )
    assert signature_id == f"sig-kyphathanh-{SNAPSHOT.school.code}-1"
    result = verify_packet(to_bytes(root), trust_store, at=NOW)
    assert result.status is Status.VALID, result.failures
