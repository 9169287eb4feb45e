"""The checkpoint key on a PKCS#11 token (SoftHSM2 made at run time): checkpoints are
signed with CKM_EDDSA on the token and verify with the published key."""

from __future__ import annotations

import datetime as dt
import os
import subprocess

import pkcs11
import pytest
from django.db import transaction
from django.utils import translation
from pkcs11 import Attribute, KeyType, Mechanism
from pkcs11.util.ec import encode_named_curve_parameters

from hocbaso.ledger import Entry, Event, verify_checkpoint
from hocbaso.registry import ledger_pkcs11
from hocbaso.registry.errors import LedgerKeyError
from hocbaso.registry.ledger_log import ledger_session, ledger_signer, verifier_key
from hocbaso.registry.models import LedgerCheckpoint
from hocbaso.signing.tests.test_pkcs11 import softhsm_module

NOW = dt.datetime(2026, 7, 1, 3, 0, tzinfo=dt.UTC)
ED25519_OID = "1.3.101.112"


@pytest.fixture(scope="module")
def token(tmp_path_factory):
    home = tmp_path_factory.mktemp("softhsm-ledger")
    (home / "tokens").mkdir()
    conf = home / "softhsm2.conf"
    conf.write_text(
        f"directories.tokendir = {home / 'tokens'}\n"
        "objectstore.backend = file\nlog.level = ERROR\n"
    )
    previous = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    subprocess.run(
        ["softhsm2-util", "--init-token", "--free", "--label", "ledger",
         "--pin", "4321", "--so-pin", "8765"],
        check=True, capture_output=True,
    )  # fmt: skip
    module = softhsm_module()
    pkcs11.lib(module).reinitialize()  # SoftHSM2 reads its configuration once
    ledger_pkcs11._open.clear()
    with (
        pkcs11.lib(module)
        .get_token(token_label="ledger")
        .open(user_pin="4321", rw=True) as session
    ):
        params = session.create_domain_parameters(
            KeyType.EC_EDWARDS,
            {Attribute.EC_PARAMS: encode_named_curve_parameters(ED25519_OID)},
            local=True,
        )
        params.generate_keypair(
            mechanism=Mechanism.EC_EDWARDS_KEY_PAIR_GEN, store=True, label="checkpoint"
        )
    pin = home / "pin"
    pin.write_text("4321\n")
    yield f"module={module};token=ledger;key=checkpoint;pin_file={pin}"
    ledger_pkcs11._open.clear()
    if previous is None:
        os.environ.pop("SOFTHSM2_CONF", None)
    else:
        os.environ["SOFTHSM2_CONF"] = previous


@pytest.mark.django_db
def test_checkpoints_are_signed_on_the_token(token, settings):
    settings.HOCBASO_LEDGER_PKCS11 = token
    signer = ledger_signer()
    assert isinstance(signer, ledger_pkcs11.Pkcs11NoteSigner)
    with transaction.atomic(), ledger_session(NOW) as session:
        session.append(Entry(Event.TRANSFER_REQUEST, NOW, "transcript-1", "xtr-1"))
    note = LedgerCheckpoint.objects.get().note
    assert verify_checkpoint(note, verifier_key(), signer.name).size == 1
    assert signer.derive_key(b"x") == ledger_signer().derive_key(b"x")
    assert signer.derive_key(b"x") != signer.derive_key(b"y")


@pytest.mark.parametrize(
    ("change", "found"),
    [
        (("key=checkpoint", "key=missing"), "missing"),
        (("token=ledger", "token=absent"), "absent"),
        (("pin_file=", "pin_file=/nonexistent/"), "nonexistent"),
        (("key=checkpoint;", ""), "key"),
    ],
)
def test_a_token_key_that_cannot_be_used_is_named(token, settings, change, found):
    settings.HOCBASO_LEDGER_PKCS11 = token.replace(*change)
    with (
        translation.override("vi"),
        pytest.raises(LedgerKeyError, match=found) as refused,
    ):
        ledger_signer()
    assert "Không dùng được khóa sổ cái trên thiết bị PKCS#11" in str(refused.value)
