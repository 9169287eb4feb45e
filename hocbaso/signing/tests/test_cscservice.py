"""hocbaso's CSC service refuses what a client that does not follow the protocol sends.

Raw HTTP against the service of test_csc (its own instance for this module): no
token, a forged token, bodies that are not JSON or too large, hashes of the wrong
kind or count, a signAlgo that is not the key's, a SAD of another client.
"""

from __future__ import annotations

import base64
import hashlib
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from hocbaso.signing.csc import OID_SHA256, CscClient, RemoteSigningError
from hocbaso.signing.cscservice import MAX_BODY
from hocbaso.signing.pki import DemoPki
from hocbaso.signing.tests.csc_process import CLIENT_ID, CLIENT_SECRET
from hocbaso.signing.tests.test_csc import Service, csc_service

EC_SHA256 = "1.2.840.10045.4.3.2"
OTHER_ID, OTHER_SECRET = "another-app", "another-app-secret"


@pytest.fixture(scope="module")
def service(
    tmp_path_factory: pytest.TempPathFactory, pki: DemoPki
) -> Iterator[Service]:
    clients = {
        CLIENT_ID: hashlib.sha256(CLIENT_SECRET.encode()).hexdigest(),
        OTHER_ID: hashlib.sha256(OTHER_SECRET.encode()).hexdigest(),
    }
    with csc_service(tmp_path_factory.mktemp("csc-raw"), pki, clients=clients) as up:
        yield up


RSA_SHA256 = "1.2.840.113549.1.1.11"


def _post(
    url: str, body: bytes, token: str | None = None, **headers: str
) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(url, data=body, headers=headers)  # noqa: S310
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, json.loads(exc.read())


def _token(service: Service) -> str:
    origin = service.url.removesuffix("/csc/v2")
    form = (
        f"grant_type=client_credentials&client_id={CLIENT_ID}"
        f"&client_secret={CLIENT_SECRET}"
    )
    status, answer = _post(f"{origin}/oauth2/token", form.encode())
    assert status == 200, answer
    return str(answer["access_token"])


def _hashes(*texts: str) -> list[str]:
    return [
        base64.b64encode(hashlib.sha256(t.encode()).digest()).decode() for t in texts
    ]


@pytest.mark.parametrize("token", [None, "forged-token"])
def test_every_method_but_info_needs_a_token_the_service_issued(
    service: Service, token: str | None
) -> None:
    for method in ("credentials/list", "credentials/info", "signatures/signHash"):
        status, answer = _post(f"{service.url}/{method}", b"{}", token)
        assert (status, answer["error"]) == (401, "invalid_token"), method
    assert _post(f"{service.url}/info", b"{}")[0] == 200


def test_only_the_client_credentials_grant_is_served(service: Service) -> None:
    origin = service.url.removesuffix("/csc/v2")
    form = f"grant_type=password&client_id={CLIENT_ID}&client_secret={CLIENT_SECRET}"
    status, answer = _post(f"{origin}/oauth2/token", form.encode())
    assert (status, answer["error"]) == (400, "unsupported_grant_type")


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b"[1, 2]", "not a JSON object"),
        (b"{not json", "not JSON"),
        (json.dumps({"credentialID": "otp", "hashes": ["AAAA"]}).encode(), "length"),
        (json.dumps({"credentialID": "otp", "hashes": []}).encode(), "Invalid hashes"),
        (
            json.dumps(
                {"credentialID": "otp", "hashes": _hashes("a"), "numSignatures": 2}
            ).encode(),
            "numSignatures",
        ),
        (
            json.dumps(
                {
                    "credentialID": "otp",
                    "hashes": _hashes("a"),
                    "numSignatures": 1,
                    "hashAlgorithmOID": "1.3.14.3.2.26",  # SHA-1
                }
            ).encode(),
            "hashAlgorithmOID",
        ),
    ],
)
def test_a_malformed_authorization_is_refused_without_spending_an_otp(
    service: Service, body: bytes, words: str
) -> None:
    status, answer = _post(
        f"{service.url}/credentials/authorize", body, _token(service)
    )
    assert status == 400 and words in answer["error_description"], answer


def test_a_body_over_the_limit_is_refused_unread(service: Service) -> None:
    request = urllib.request.Request(  # noqa: S310
        f"{service.url}/credentials/authorize",
        data=b"{}",
        headers={"Content-Length": str(MAX_BODY + 1)},
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)  # noqa: S310
    assert refused.value.code == 413


def test_a_sign_algorithm_other_than_the_keys_is_refused(service: Service) -> None:
    token = _token(service)
    status, answer = _post(
        f"{service.url}/signatures/signHash",
        json.dumps(
            {
                "credentialID": "otp",  # an EC key
                "SAD": "x",
                "hashes": _hashes("a"),
                "hashAlgorithmOID": OID_SHA256,
                "signAlgo": RSA_SHA256,
            }
        ).encode(),
        token,
    )
    assert (status, answer["error_description"]) == (400, "Invalid signAlgo")


def test_a_sad_is_good_only_for_the_client_it_was_issued_to(service: Service) -> None:
    client = service.client()
    hashes = [hashlib.sha256(b"sad of one client").digest()]
    algorithm = client.credential_info("foreign").algorithm
    grant = client.authorize("foreign", hashes, otp=service.otp("foreign"))
    other = CscClient(service.url, client_id=OTHER_ID, client_secret=OTHER_SECRET)
    with pytest.raises(RemoteSigningError) as refused:
        other.sign_hashes(grant, algorithm)
    assert "SAD not for this credential" in str(refused.value)
    assert len(client.sign_hashes(grant, algorithm)) == 1  # its own client: signed
