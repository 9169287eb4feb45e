"""Deferred signing: the digest goes out, the signature comes back, maybe as DER."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, utils

from hocbaso.packet import build_packet, issue_packet
from hocbaso.packet.examples import ISSUANCE
from hocbaso.signing import (
    DeferredSigningSession,
    Role,
    SignatureAlgorithm,
    SignerMismatchError,
    SigningError,
    Status,
    TrustStore,
    prepare_signature,
    verify_packet,
)
from hocbaso.signing.tests.conftest import (
    NOW,
    SIGNED_AT,
    SNAPSHOT,
    People,
    sign_teachers,
    sign_until_leader,
)


def test_a_seal_signed_remotely_with_a_der_ecdsa_value_completes_the_packet(
    people: People, trust_store: TrustStore
) -> None:
    packet = sign_until_leader(people)
    # A remote-signing service returns a PKCS#1 v1.5 value for the seal's RSA key.
    session = prepare_signature(
        issue_packet(packet, ISSUANCE),
        Role.SEAL,
        SignatureAlgorithm.RSA_SHA256,
        signing_time=SIGNED_AT,
    )
    stored = session.to_json()
    restored = DeferredSigningSession.from_json(stored)
    value = people.seal.key.sign(
        restored.digest, padding.PKCS1v15(), utils.Prehashed(hashes.SHA256())
    )
    signed = restored.complete(value, people.seal.chain)
    assert verify_packet(signed, trust_store, at=NOW).status is Status.VALID


def test_an_ecdsa_value_in_der_is_converted_to_r_and_s(
    people: People, trust_store: TrustStore
) -> None:
    session = prepare_signature(
        sign_teachers(build_packet(SNAPSHOT), people),
        Role.HOMEROOM_TEACHER,
        SignatureAlgorithm.ECDSA_SHA256,
        signing_time=SIGNED_AT,
    )
    der = people.wrong_person.key.sign(session.to_be_signed, ec.ECDSA(hashes.SHA256()))
    signed = session.complete(der, people.wrong_person.chain)
    result = verify_packet(signed, trust_store, at=NOW, require_complete=False)
    # Cryptographically fine; only the role binding refuses this person.
    assert {c.name for c in result.failures} == {"role_binding"}


def test_a_value_from_another_key_is_refused(people: People) -> None:
    packet = sign_until_leader(people)
    session = prepare_signature(
        issue_packet(packet, ISSUANCE), Role.SEAL, SignatureAlgorithm.RSA_SHA256
    )
    value = people.seal.key.sign(b"something else", padding.PKCS1v15(), hashes.SHA256())
    with pytest.raises(SignerMismatchError, match="does not verify"):
        session.complete(value, people.seal.chain)


def test_a_certificate_of_another_algorithm_is_refused(people: People) -> None:
    session = prepare_signature(
        issue_packet(sign_until_leader(people), ISSUANCE),
        Role.SEAL,
        SignatureAlgorithm.RSA_SHA256,
    )
    with pytest.raises(SignerMismatchError, match="algorithm"):
        session.complete(b"\0" * 64, people.leader.chain)


def test_a_tampered_saved_state_is_refused(people: People) -> None:
    session = prepare_signature(
        issue_packet(sign_until_leader(people), ISSUANCE),
        Role.SEAL,
        SignatureAlgorithm.RSA_SHA256,
    )
    forged = DeferredSigningSession(
        session.packet.replace(b"7.6", b"9.6"),
        session.signature_id,
        session.algorithm,
        session.signed_info,
    )
    with pytest.raises(SignerMismatchError, match="saved state"):
        forged.complete(b"x", people.seal.chain)
    with pytest.raises(SigningError, match="unusable"):
        DeferredSigningSession.from_json('{"v": 1}')
