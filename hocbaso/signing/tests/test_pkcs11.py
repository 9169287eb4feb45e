"""Pkcs11Signer on a SoftHSM2 token created in a temporary directory at run time."""

from __future__ import annotations

import hashlib
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pkcs11
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pkcs11 import Attribute, CertificateType, KeyType, ObjectClass
from pkcs11.util.ec import encode_ec_public_key, encode_named_curve_parameters
from pkcs11.util.rsa import encode_rsa_public_key

from hocbaso.packet import build_packet, issue_packet
from hocbaso.packet.examples import ISSUANCE
from hocbaso.signing import (
    KeyFileSigner,
    Pkcs11Signer,
    Role,
    SignerUnavailableError,
    Status,
    TrustStore,
    sign_packet,
    verify_packet,
)
from hocbaso.signing.pki import DemoPki
from hocbaso.signing.tests.conftest import (
    NOW,
    SIGNED_AT,
    SNAPSHOT,
    People,
    sign_teachers,
    signer,
)

CANDIDATES = (
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/local/lib/softhsm/libsofthsm2.so",
)
PIN, SO_PIN, LABEL = "123456", "87654321", "hocbaso-test"


def softhsm_module() -> str:
    for path in (os.environ.get("SOFTHSM2_MODULE", ""), *CANDIDATES):
        if path and Path(path).is_file():
            return path
    found = subprocess.run(
        ["dpkg", "-L", "softhsm2-common", "libsofthsm2"],
        capture_output=True,
        text=True,
        check=False,
    )
    for line in found.stdout.splitlines():
        if line.endswith("libsofthsm2.so"):
            return line
    raise RuntimeError("libsofthsm2.so not found: run scripts/system-deps")


@dataclass(frozen=True)
class Token:
    module: str
    homeroom_certificate: x509.Certificate


@pytest.fixture(scope="session")
def token(
    tmp_path_factory: pytest.TempPathFactory, pki: DemoPki, people: People
) -> Iterator[Token]:
    home = tmp_path_factory.mktemp("softhsm")
    (home / "tokens").mkdir()
    conf = home / "softhsm2.conf"
    conf.write_text(
        f"directories.tokendir = {home / 'tokens'}\n"
        "objectstore.backend = file\nlog.level = ERROR\n"
    )
    previous = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    subprocess.run(
        [
            "softhsm2-util",
            "--init-token",
            "--free",
            "--label",
            LABEL,
            "--pin",
            PIN,
            "--so-pin",
            SO_PIN,
        ],
        check=True,
        capture_output=True,
    )
    module = softhsm_module()
    # SoftHSM2 reads its configuration when initialised, once per process: another
    # suite may have loaded it with its own token directory before this one.
    pkcs11.lib(module).reinitialize()
    yield Token(module, _provision(module, pki))
    if previous is None:
        os.environ.pop("SOFTHSM2_CONF", None)
    else:
        os.environ["SOFTHSM2_CONF"] = previous


def _provision(module: str, pki: DemoPki) -> x509.Certificate:
    """Generate the homeroom teacher's RSA key and the leader's EC key on the token;
    store the leader's certificate on the token too (as CA-issued tokens do)."""
    homeroom, leader = SNAPSHOT.homeroom_teacher, SNAPSHOT.leader
    with (
        pkcs11.lib(module)
        .get_token(token_label=LABEL)
        .open(rw=True, user_pin=PIN) as session
    ):
        rsa_public, _ = session.generate_keypair(
            KeyType.RSA, 2048, label="homeroom", store=True
        )
        rsa_cert = pki.person_certificate(
            homeroom.name,
            homeroom.personal_id,
            serialization.load_der_public_key(encode_rsa_public_key(rsa_public)),
        )
        params = session.create_domain_parameters(
            KeyType.EC,
            {Attribute.EC_PARAMS: encode_named_curve_parameters("secp256r1")},
            local=True,
        )
        ec_public, _ = params.generate_keypair(label="leader", store=True)
        ec_cert = pki.person_certificate(
            leader.name,
            leader.personal_id,
            serialization.load_der_public_key(encode_ec_public_key(ec_public)),
        )
        session.create_object(
            {
                Attribute.CLASS: ObjectClass.CERTIFICATE,
                Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                Attribute.TOKEN: True,
                Attribute.LABEL: "leader",
                Attribute.SUBJECT: ec_cert.subject.public_bytes(),
                Attribute.VALUE: ec_cert.public_bytes(serialization.Encoding.DER),
            }
        )
    return rsa_cert


def test_a_packet_signed_on_the_token_with_rsa_and_ecdsa_is_valid(
    token: Token, pki: DemoPki, people: People, trust_store: TrustStore
) -> None:
    homeroom_cert = token.homeroom_certificate
    packet = sign_teachers(build_packet(SNAPSHOT), people)
    with Pkcs11Signer(
        token.module,
        token_label=LABEL,
        pin=PIN,
        key_label="homeroom",
        certificate_chain=[homeroom_cert, pki.issuing.certificate],
    ) as homeroom:
        packet = sign_packet(
            packet, homeroom, Role.HOMEROOM_TEACHER, signing_time=SIGNED_AT
        )
    with Pkcs11Signer(
        token.module, token_label=LABEL, pin=PIN, key_label="leader"
    ) as leader:
        assert (
            leader.certificate_chain[0]
            .subject.rfc4514_string()
            .startswith("UID=CCCD:001178054321")
        )
        packet = sign_packet(packet, leader, Role.LEADER, signing_time=SIGNED_AT)
    packet = sign_packet(
        issue_packet(packet, ISSUANCE),
        signer(people.seal),
        Role.SEAL,
        signing_time=SIGNED_AT,
    )
    result = verify_packet(packet, trust_store, at=NOW)
    assert result.status is Status.VALID, result.failures


def test_the_token_hashing_rsa_mechanism_gives_the_same_signature_as_host_hashing(
    token: Token, pki: DemoPki
) -> None:
    cert = token.homeroom_certificate
    with Pkcs11Signer(
        token.module,
        token_label=LABEL,
        pin=PIN,
        key_label="homeroom",
        certificate_chain=[cert],
    ) as homeroom:
        data = "Lê Hoàng Bảo Ngọc".encode()
        assert homeroom.sign(data) == homeroom.sign_digest(
            hashlib.sha256(data).digest()
        )


def test_a_wrong_pin_makes_the_signer_unavailable(token: Token) -> None:
    with pytest.raises(SignerUnavailableError):
        Pkcs11Signer(token.module, token_label=LABEL, pin="000000", key_label="leader")


def test_a_missing_key_makes_the_signer_unavailable(token: Token) -> None:
    with pytest.raises(SignerUnavailableError, match="nobody"):
        Pkcs11Signer(token.module, token_label=LABEL, pin=PIN, key_label="nobody")


def test_a_pkcs12_file_and_a_pem_pair_load_as_key_file_signers(people: People) -> None:
    cred = people.leader
    from_p12 = KeyFileSigner.from_pkcs12(cred.to_pkcs12(b"secret"), b"secret")
    assert from_p12.certificate_chain == cred.chain
    key_pem = cred.key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    chain_pem = b"".join(c.public_bytes(serialization.Encoding.PEM) for c in cred.chain)
    assert KeyFileSigner.from_pem(key_pem, chain_pem).algorithm == from_p12.algorithm
    with pytest.raises(SignerUnavailableError):
        KeyFileSigner.from_pkcs12(cred.to_pkcs12(b"secret"), b"wrong")
