"""A homeroom teacher signs their class in one batch on a PKCS#11 token (SoftHSM2).

The token is created in a temporary directory at run time; the district's demo CA
certifies the keys generated on it, and the certificates are registered to the
teacher like any other.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator

import pkcs11
import pytest
from cryptography.hazmat.primitives import serialization
from pkcs11 import Attribute, KeyType
from pkcs11.util.ec import encode_ec_public_key, encode_named_curve_parameters
from pkcs11.util.rsa import encode_rsa_public_key

from hocbaso.records.binding import RecordsRoleBinding
from hocbaso.records.certificates import register_certificate
from hocbaso.records.models import RecordStatus
from hocbaso.records.tests.signing.conftest import issue, sign_homeroom
from hocbaso.records.verification import load_trust_store
from hocbaso.signing import Pkcs11Signer, Status, verify_packet
from hocbaso.signing.tests.test_pkcs11 import softhsm_module

PIN, SO_PIN, LABEL = "246810", "13579111", "hocbaso-records"


@pytest.fixture(scope="module")
def token(tmp_path_factory) -> Iterator[dict[str, bytes]]:
    """A fresh token with an RSA and an EC key; their public keys (DER) by kind."""
    home = tmp_path_factory.mktemp("softhsm-records")
    (home / "tokens").mkdir()
    conf = home / "softhsm2.conf"
    conf.write_text(
        f"directories.tokendir = {home / 'tokens'}\n"
        "objectstore.backend = file\nlog.level = ERROR\n"
    )
    previous = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    init = ["softhsm2-util", "--init-token", "--free", "--label", LABEL]
    subprocess.run(
        [*init, "--pin", PIN, "--so-pin", SO_PIN],
        check=True,
        capture_output=True,
    )
    # SoftHSM2 reads its configuration when initialised, once per process: load
    # ours now, and whatever was configured before once we are done.
    library = pkcs11.lib(softhsm_module())
    library.reinitialize()
    try:
        yield _generate_keys(library)
    finally:
        if previous is None:
            os.environ.pop("SOFTHSM2_CONF", None)
        else:
            os.environ["SOFTHSM2_CONF"] = previous
        library.reinitialize()


def _generate_keys(library) -> dict[str, bytes]:
    token = library.get_token(token_label=LABEL)
    with token.open(rw=True, user_pin=PIN) as session:
        rsa_public, _ = session.generate_keypair(
            KeyType.RSA, 2048, label="rsa", store=True
        )
        params = session.create_domain_parameters(
            KeyType.EC,
            {Attribute.EC_PARAMS: encode_named_curve_parameters("secp256r1")},
            local=True,
        )
        ec_public, _ = params.generate_keypair(label="ec", store=True)
        return {
            "rsa": encode_rsa_public_key(rsa_public),
            "ec": encode_ec_public_key(ec_public),
        }


@pytest.mark.parametrize("kind", ["rsa", "ec"])
def test_a_class_is_signed_in_one_batch_on_a_token(district, db, token, kind):
    cls = district.primary
    teacher = district.signers(cls).homeroom
    pki = district.keys.load_ca()
    certificate = pki.person_certificate(
        teacher.full_name,
        teacher.personal_id,
        serialization.load_der_public_key(token[kind]),
    )
    registered = register_certificate(certificate, person=teacher)
    with Pkcs11Signer(
        softhsm_module(),
        token_label=LABEL,
        pin=PIN,
        key_label=kind,
        certificate_chain=[certificate, pki.issuing.certificate],
    ) as signer:
        steps = sign_homeroom(district, cls, signer=signer)
    assert len(steps) == 3
    assert {s.certificate_id for s in steps} == {registered.pk}
    issue(district, cls)
    binding = RecordsRoleBinding()
    for record in district.records(cls).select_related("packet"):
        assert record.status == RecordStatus.ISSUED
        result = verify_packet(
            bytes(record.packet.data), load_trust_store(), role_binding=binding
        )
        assert result.status is Status.VALID, result.failures
