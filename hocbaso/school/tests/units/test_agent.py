"""The signing agent as the teacher runs it: a subprocess over a SoftHSM2 token."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, utils

from hocbaso.school.tests.agent_process import call, running_agent
from hocbaso.school.tests.token import make_token
from hocbaso.signing.pki import create_demo_pki

ORIGIN = "http://127.0.0.1:8000"


@pytest.fixture(scope="module")
def token(tmp_path_factory):
    home = tmp_path_factory.mktemp("agent-token")
    token = make_token(home, "agent-test")
    pki = create_demo_pki(now=datetime.now(UTC))
    public = token.generate("teacher", "01")
    certificate = pki.person_certificate("Nguyễn Thị Hoa", "001190012345", public)
    token.store_chain("teacher", "01", [certificate, pki.issuing.certificate])
    pin_file = home / "pin"
    pin_file.write_text(token.pin)
    return token, certificate, pin_file


@pytest.fixture(scope="module")
def agent(token):
    soft, _certificate, pin_file = token
    with running_agent(soft, ORIGIN, pin_file, personal="teacher") as url:
        yield url


def _verify(certificate, digest: bytes, value: bytes) -> None:
    r = int.from_bytes(value[:32], "big")
    s = int.from_bytes(value[32:], "big")
    certificate.public_key().verify(
        utils.encode_dss_signature(r, s),
        digest,
        ec.ECDSA(utils.Prehashed(hashes.SHA256())),
    )


def test_the_agent_signs_digests_with_the_token_key(agent, token):
    _soft, certificate, _pin = token
    digests = [hashlib.sha256(f"record {n}".encode()).digest() for n in range(3)]
    status, headers, body = call(
        agent + "/sign",
        {
            "batch": "b1",
            "key": "personal",
            "digests": [base64.b64encode(d).decode() for d in digests],
        },
        origin=ORIGIN,
    )
    assert status == 200, body
    assert headers["Access-Control-Allow-Origin"] == ORIGIN
    chain = [x509.load_pem_x509_certificate(p.encode()) for p in body["chain"]]
    assert chain[0] == certificate  # the leaf first, then the issuing CA
    assert len(chain) == 2
    for digest, value in zip(digests, body["signatures"], strict=True):
        _verify(certificate, digest, base64.b64decode(value))


def test_the_pin_is_read_once_per_batch(agent, token):
    _soft, _certificate, pin_file = token
    digest = base64.b64encode(hashlib.sha256(b"x").digest()).decode()
    body = {"batch": "b2", "key": "personal", "digests": [digest]}
    assert call(agent + "/sign", body)[0] == 200
    pin_file.write_text("000000")  # a wrong PIN from now on
    try:
        assert call(agent + "/sign", body)[0] == 200  # same batch: no new login
        status, _h, answer = call(agent + "/sign", {**body, "batch": "b3"})
        assert status == 401 and "PIN" in answer["error"]
    finally:
        pin_file.write_text(token[0].pin)


def test_the_certificate_is_given_without_the_pin(agent, token):
    status, _h, body = call(agent + "/certificate", {"key": "personal"})
    assert status == 200 and body["algorithm"] == "ecdsa-sha256"


def test_refusals(agent):
    digest = base64.b64encode(hashlib.sha256(b"x").digest()).decode()
    body = {"batch": "b4", "key": "personal", "digests": [digest]}
    assert call(agent + "/sign", body, token=None)[0] == 401
    assert call(agent + "/sign", body, token="guessed")[0] == 401
    status, _h, answer = call(agent + "/sign", body, origin="https://evil.example")
    assert status == 403 and "not allowed" in answer["error"]
    status, _h, answer = call(agent + "/sign", {**body, "digests": ["AAAA"]})
    assert status == 400 and "SHA-256" in answer["error"]
    status, _h, answer = call(agent + "/sign", {**body, "key": "seal"})
    assert status == 404 and "no seal key" in answer["error"]
    assert call(agent + "/sign", {**body, "key": "other"})[0] == 400


def test_the_preflight_allows_the_site_only(agent):
    status, headers, _b = call(agent + "/sign", None, origin=ORIGIN, method="OPTIONS")
    assert status == 204
    assert headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "Authorization" in headers["Access-Control-Allow-Headers"]
    status, headers, _b = call(
        agent + "/sign", None, origin="https://evil.example", method="OPTIONS"
    )
    assert status == 403
    assert headers.get("Access-Control-Allow-Origin") is None


def test_status_needs_no_token(agent):
    status, _h, body = call(agent + "/status", token=None)
    assert status == 200 and body["agent"] == "hocbaso-sign-agent"
