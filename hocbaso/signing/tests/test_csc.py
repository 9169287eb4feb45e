"""Remote signing (CSC API v2): the client against hocbaso's own service on SoftHSM2.

The service runs as a subprocess on 127.0.0.1 with keys generated on a token in a
temporary directory; each test uses its own credential (its own TOTP secret), since
an accepted one-time code cannot be used again.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509

from hocbaso.packet import build_packet, issue_packet
from hocbaso.packet.examples import ISSUANCE
from hocbaso.signing import Role, Status, TrustStore, sign_packet, verify_packet
from hocbaso.signing.algorithms import SignatureAlgorithm
from hocbaso.signing.csc import (
    CscClient,
    RemoteErrorCode,
    RemoteSigningError,
    check_service_url,
)
from hocbaso.signing.deferred import prepare_signature
from hocbaso.signing.pki import DemoPki
from hocbaso.signing.remote import CscSigner, sign_batch_remote
from hocbaso.signing.tests.conftest import (
    NOW,
    SIGNED_AT,
    SNAPSHOT,
    People,
    sign_teachers,
    signer,
)
from hocbaso.signing.tests.csc_process import (
    CLIENT_ID,
    CLIENT_SECRET,
    CscToken,
    new_totp_secret,
    running_service,
    write_config,
)
from hocbaso.signing.totp import secret_from_base32, totp

HOMEROOM_PIN = "4321"
LEADER_CREDENTIALS = ("batch", "otp", "replay", "lock", "sad", "down", "foreign")


@dataclass
class Service:
    url: str
    token: CscToken
    secrets: dict[str, str]
    leader_chain: list[x509.Certificate]

    def client(self, **options: Any) -> CscClient:
        return CscClient(
            self.url, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, **options
        )

    def otp(self, credential: str, shift: int = 0) -> str:
        """The code the teacher's app shows, ``shift`` steps of 30 s later."""
        secret = secret_from_base32(self.secrets[credential])
        return totp(secret, time.time() + 30 * shift)


def _credentials(token: CscToken, pki: DemoPki) -> tuple[dict, list]:
    leader, homeroom = SNAPSHOT.leader, SNAPSHOT.homeroom_teacher
    leader_public = token.generate("leader", "01")
    leader_chain = [
        pki.person_certificate(leader.name, leader.personal_id, leader_public),
        pki.issuing.certificate,
    ]
    token.store_chain("leader", "01", leader_chain)
    homeroom_public = token.generate("homeroom", "02", kind="rsa")
    token.store_chain(
        "homeroom",
        "02",
        [
            pki.person_certificate(
                homeroom.name, homeroom.personal_id, homeroom_public
            ),
            pki.issuing.certificate,
        ],
    )
    token.generate("intruder", "03")
    credentials: dict[str, dict[str, Any]] = {
        name: {"user": leader.personal_id, "key_label": "leader", "multisign": 40}
        for name in LEADER_CREDENTIALS
    }
    credentials["pinlock"] = {
        "user": homeroom.personal_id,
        "key_label": "homeroom",
        "pin_sha256": hashlib.sha256(HOMEROOM_PIN.encode()).hexdigest(),
    }
    credentials["homeroom"] = {
        "user": homeroom.personal_id,
        "key_label": "homeroom",
        "pin_sha256": hashlib.sha256(HOMEROOM_PIN.encode()).hexdigest(),
    }
    # A service that signs with another key than the certificate it shows.
    credentials["forged"] = {
        "user": leader.personal_id,
        "key_label": "intruder",
        "cert_label": "leader",
    }
    for item in credentials.values():
        item["totp"] = new_totp_secret()
    return credentials, leader_chain


@contextlib.contextmanager
def csc_service(home: Path, pki: DemoPki, **options: Any) -> Iterator[Service]:
    """The service over a new token in ``home``; ``options`` go to its configuration."""
    token = CscToken(home, "hocbaso-csc").init()
    credentials, leader_chain = _credentials(token, pki)
    secrets = {name: item["totp"] for name, item in credentials.items()}
    config = write_config(token, credentials, **{"max_otp_failures": 3, **options})
    with running_service(token, config) as url:
        yield Service(url, token, secrets, leader_chain)


@pytest.fixture(scope="module")
def service(
    tmp_path_factory: pytest.TempPathFactory, pki: DemoPki
) -> Iterator[Service]:
    with csc_service(tmp_path_factory.mktemp("csc"), pki) as running:
        yield running


class CountingClient(CscClient):
    """Records the CSC methods called, to show one authorization per batch."""

    calls: list[str]

    def _call(
        self, method: str, body: dict[str, Any], *, bearer: bool = True
    ) -> dict[str, Any]:
        self.calls.append(method)
        return super()._call(method, body, bearer=bearer)


def _homeroom_signed(people: People) -> bytes:
    packet = sign_teachers(build_packet(SNAPSHOT), people)
    return sign_packet(
        packet, signer(people.homeroom), Role.HOMEROOM_TEACHER, signing_time=SIGNED_AT
    )


def test_a_class_batch_is_authorised_once_and_every_packet_verifies(
    service: Service, people: People, trust_store: TrustStore
) -> None:
    base = _homeroom_signed(people)
    sessions = [  # one record each: the signing time makes each digest differ
        prepare_signature(
            base,
            Role.LEADER,
            SignatureAlgorithm.ECDSA_SHA256,
            signing_time=SIGNED_AT + timedelta(seconds=n),
        )
        for n in range(25)
    ]
    client = CountingClient(
        service.url, client_id=CLIENT_ID, client_secret=CLIENT_SECRET
    )
    client.calls = []
    remote = CscSigner(client, "batch")
    values = remote.sign_digests([s.digest for s in sessions], otp=service.otp("batch"))
    assert client.calls.count("credentials/authorize") == 1
    assert client.calls.count("signatures/signHash") == 1
    assert list(remote.certificate_chain) == service.leader_chain
    for session, value in zip(sessions, values, strict=True):
        assert len(value) == 64  # DER from the service, r || s for XMLDSig
        packet = session.complete(value, remote.certificate_chain)
        packet = sign_packet(
            issue_packet(packet, ISSUANCE),
            signer(people.seal),
            Role.SEAL,
            signing_time=SIGNED_AT,
        )
        result = verify_packet(packet, trust_store, at=NOW)
        assert result.status is Status.VALID, result.failures


def test_an_rsa_credential_needs_its_pin_and_signs_a_valid_packet(
    service: Service, people: People, trust_store: TrustStore
) -> None:
    session = prepare_signature(
        sign_teachers(build_packet(SNAPSHOT), people),
        Role.HOMEROOM_TEACHER,
        SignatureAlgorithm.RSA_SHA256,
        signing_time=SIGNED_AT,
    )
    client = service.client()
    with pytest.raises(RemoteSigningError) as refused:
        sign_batch_remote(
            client, "homeroom", [session.digest], otp=service.otp("homeroom"), pin="0"
        )
    assert refused.value.code is RemoteErrorCode.WRONG_PIN
    signed = sign_batch_remote(
        client, "homeroom", [session.digest], otp=service.otp("homeroom"), pin="4321"
    )
    assert signed.algorithm is SignatureAlgorithm.RSA_SHA256
    packet = session.complete(signed.values[0], signed.certificate_chain)
    for role, credential in ((Role.LEADER, people.leader), (Role.SEAL, people.seal)):
        if role is Role.SEAL:
            packet = issue_packet(packet, ISSUANCE)
        packet = sign_packet(packet, signer(credential), role, signing_time=SIGNED_AT)
    assert verify_packet(packet, trust_store, at=NOW).status is Status.VALID


def _digests(n: int, tag: str) -> list[bytes]:
    return [hashlib.sha256(f"{tag} {k}".encode()).digest() for k in range(n)]


def test_a_wrong_otp_is_refused_and_a_new_otp_then_signs(service: Service) -> None:
    remote = CscSigner(service.client(), "otp")
    digests = _digests(3, "otp")
    right = service.otp("otp")
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    with pytest.raises(RemoteSigningError) as refused:
        remote.sign_digests(digests, otp=wrong)
    assert refused.value.code is RemoteErrorCode.WRONG_OTP
    with pytest.raises(RemoteSigningError):
        remote.sign_digest(digests[0])  # nothing was signed
    assert len(remote.sign_digests(digests, otp=right)) == 3
    assert remote.sign_digest(digests[2])


def test_an_otp_is_accepted_once(service: Service) -> None:
    remote = CscSigner(service.client(), "replay")
    code = service.otp("replay", shift=1)
    remote.sign_digests(_digests(1, "replay"), otp=code)
    for again in (code, service.otp("replay")):  # the same code, an older one
        with pytest.raises(RemoteSigningError) as refused:
            remote.sign_digests(_digests(1, "replay again"), otp=again)
        assert refused.value.code is RemoteErrorCode.WRONG_OTP


def test_repeated_wrong_otps_lock_the_credential(service: Service) -> None:
    remote = CscSigner(service.client(), "lock")
    for guess in ("000000", "111111", "222222"):
        with pytest.raises(RemoteSigningError):
            remote.sign_digests(_digests(1, "lock"), otp=guess)
    with pytest.raises(RemoteSigningError) as refused:
        remote.sign_digests(_digests(1, "lock"), otp=service.otp("lock"))
    assert refused.value.code is RemoteErrorCode.ACCESS_DENIED


def test_repeated_wrong_pins_lock_the_credential_too(service: Service) -> None:
    remote = CscSigner(service.client(), "pinlock")
    for guess in ("0000", "1111", "2222"):
        with pytest.raises(RemoteSigningError) as refused:
            remote.sign_digests(
                _digests(1, "pin"), otp=service.otp("pinlock"), pin=guess
            )
        assert refused.value.code is RemoteErrorCode.WRONG_PIN
    with pytest.raises(RemoteSigningError) as locked:
        remote.sign_digests(
            _digests(1, "pin"), otp=service.otp("pinlock"), pin=HOMEROOM_PIN
        )
    assert locked.value.code is RemoteErrorCode.ACCESS_DENIED


def test_a_signature_by_another_key_is_refused(service: Service) -> None:
    remote = CscSigner(service.client(), "forged")
    assert list(remote.certificate_chain) == service.leader_chain
    with pytest.raises(RemoteSigningError) as refused:
        remote.sign_digests(_digests(2, "forged"), otp=service.otp("forged"))
    assert refused.value.code is RemoteErrorCode.SIGNATURE_MISMATCH
    assert refused.value.params["position"] == 1
    with pytest.raises(RemoteSigningError):
        remote.sign_digest(_digests(2, "forged")[0])  # no value was kept


def test_a_sad_signs_only_its_hashes_and_only_once(service: Service) -> None:
    client = service.client()
    info = client.credential_info("sad")
    authorized, other = _digests(2, "sad")
    grant = client.authorize("sad", [authorized], otp=service.otp("sad"))
    for hashes in ((other,), (authorized, authorized)):
        with pytest.raises(RemoteSigningError) as refused:
            client.sign_hashes(
                dataclasses.replace(grant, hashes=hashes), info.algorithm
            )
        assert refused.value.code is RemoteErrorCode.SERVICE_REFUSED
    foreign = dataclasses.replace(grant, credential_id="foreign")
    with pytest.raises(RemoteSigningError):
        client.sign_hashes(foreign, info.algorithm)  # another credential's SAD
    assert len(client.sign_hashes(grant, info.algorithm)) == 1
    with pytest.raises(RemoteSigningError) as spent:
        client.sign_hashes(grant, info.algorithm)
    assert spent.value.code is RemoteErrorCode.AUTHORIZATION_EXPIRED


def test_an_expired_authorization_is_refused_and_a_new_otp_then_signs(
    service: Service,
) -> None:
    secret = new_totp_secret()
    config = write_config(
        service.token,
        {"short": {"user": "x", "key_label": "leader", "totp": secret}},
        name="short.json",
        sad_seconds=1,
    )
    service.secrets["short"] = secret
    digest = _digests(1, "short")
    with running_service(service.token, config) as url:
        client = CscClient(url, client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
        algorithm = client.credential_info("short").algorithm
        grant = client.authorize("short", digest, otp=service.otp("short"))
        time.sleep(1.2)
        with pytest.raises(RemoteSigningError) as locally:
            client.sign_hashes(grant, algorithm)
        assert locally.value.code is RemoteErrorCode.AUTHORIZATION_EXPIRED
        trusting = dataclasses.replace(grant, expires_at=time.monotonic() + 60)
        with pytest.raises(RemoteSigningError) as by_service:
            client.sign_hashes(trusting, algorithm)  # the service's clock decides
        assert by_service.value.code is RemoteErrorCode.AUTHORIZATION_EXPIRED
        remote = CscSigner(client, "short")
        assert remote.sign_digests(digest, otp=service.otp("short", shift=1))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_service_that_is_down_or_silent_is_unavailable(service: Service) -> None:
    down = CscClient(
        f"http://127.0.0.1:{_free_port()}/csc/v2",
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
    )
    with pytest.raises(RemoteSigningError) as refused:
        CscSigner(down, "down")
    assert refused.value.code is RemoteErrorCode.SERVICE_UNAVAILABLE
    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        mute = CscClient(
            f"http://127.0.0.1:{port}/csc/v2",
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            timeout=0.3,
        )
        with pytest.raises(RemoteSigningError) as timed_out:
            mute.info()
    assert timed_out.value.code is RemoteErrorCode.SERVICE_UNAVAILABLE
    remote = CscSigner(service.client(), "down")  # the service is back: it signs
    assert remote.sign_digests(_digests(1, "down"), otp=service.otp("down"))


def test_a_service_that_answers_garbage_or_hangs_up_is_a_remote_error() -> None:
    for answer in (
        b"not http\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n{",
    ):
        with socket.socket() as server:
            server.bind(("127.0.0.1", 0))
            server.listen()
            port = server.getsockname()[1]

            def reply(server: socket.socket = server, answer: bytes = answer) -> None:
                connection, _ = server.accept()
                with connection:
                    connection.recv(65536)
                    connection.sendall(answer)

            thread = threading.Thread(target=reply)
            thread.start()
            client = CscClient(
                f"http://127.0.0.1:{port}/csc/v2",
                client_id=CLIENT_ID,
                client_secret=CLIENT_SECRET,
                timeout=5,
            )
            with pytest.raises(RemoteSigningError) as refused:
                client.info()
            thread.join()
        assert refused.value.code in {
            RemoteErrorCode.SERVICE_UNAVAILABLE,  # not HTTP
            RemoteErrorCode.SERVICE_ERROR,  # the body cut short
        }, answer


def test_a_wrong_client_secret_is_refused(service: Service) -> None:
    client = CscClient(service.url, client_id=CLIENT_ID, client_secret="guess")
    with pytest.raises(RemoteSigningError) as refused:
        client.credential_info("batch")
    assert refused.value.code is RemoteErrorCode.CLIENT_REFUSED
    assert service.client().info()["specs"].startswith("2.")


def test_an_unknown_credential_is_named(service: Service) -> None:
    with pytest.raises(RemoteSigningError) as refused:
        CscSigner(service.client(), "nobody")
    assert refused.value.code is RemoteErrorCode.CREDENTIAL_NOT_FOUND
    leader = SNAPSHOT.leader.personal_id
    assert "batch" in service.client().list_credentials(leader)


@pytest.mark.parametrize(
    "url",
    [
        "http://csc.example.vn/csc/v2",  # the secret would travel in clear
        "ftp://127.0.0.1/csc/v2",
        "https://user:pw@csc.example.vn/csc/v2",
        "https://csc.example.vn/csc/v2?x=1",
        "https:///csc/v2",
    ],
)
def test_the_client_speaks_https_except_to_a_loopback_address(url: str) -> None:
    with pytest.raises(RemoteSigningError) as refused:
        check_service_url(url)
    assert refused.value.code is RemoteErrorCode.BAD_CONFIGURATION


def test_https_and_loopback_urls_are_accepted() -> None:
    assert check_service_url("https://csc.example.vn/csc/v2/") == (
        "https://csc.example.vn/csc/v2"
    )
    assert check_service_url("http://[::1]:8766/csc/v2")
    assert check_service_url("http://localhost:8766/csc/v2")


def test_digests_must_be_sha256(service: Service) -> None:
    remote = CscSigner(service.client(), "otp")
    for digests in ([], [b"short"]):
        with pytest.raises(RemoteSigningError) as refused:
            remote.sign_digests(digests, otp="000000")
        assert refused.value.code is RemoteErrorCode.BAD_DIGEST
