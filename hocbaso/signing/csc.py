"""A client of the Cloud Signature Consortium API v2 (remote signing services).

Many teachers hold a remote signing certificate: the key lives in the provider's
HSM and each use is confirmed with a PIN and a one-time code on their phone. The
calls (CSC API v2.0, §11): ``info``; ``oauth2/token`` with the client credentials
grant (RFC 6749 §4.4) to authenticate hocbaso itself; ``credentials/list`` and
``credentials/info`` (certificate chain, key algorithm, authorization mode);
``credentials/authorize`` with the teacher's PIN/OTP for a list of hashes, which
returns the Signature Activation Data (SAD); ``signatures/signHash`` with that SAD.

Only https is spoken, with the system's CA bundle, except to a loopback address
(tests, a provider's local bridge). Redirects are refused: a redirected POST would
carry the bearer token or client secret to a host nobody configured. Every failure
is a RemoteSigningError with a stable ``code`` and parameters; the words are chosen
by the caller (the school pages), not here.
"""

from __future__ import annotations

import base64
import binascii
import enum
import http.client
import ipaddress
import json
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cryptography import x509

from hocbaso.signing.algorithms import SignatureAlgorithm, algorithm_for_key
from hocbaso.signing.errors import SignerMismatchError, SigningError

OID_SHA256 = "2.16.840.1.101.3.4.2.1"
SIGN_ALGO_OIDS = {
    SignatureAlgorithm.RSA_SHA256: "1.2.840.113549.1.1.11",  # sha256WithRSAEncryption
    SignatureAlgorithm.ECDSA_SHA256: "1.2.840.10045.4.3.2",  # ecdsa-with-SHA256
}
MAX_ANSWER_BYTES = 4 * 1024 * 1024
LOOPBACK_NAMES = {"localhost"}


class RemoteErrorCode(enum.StrEnum):
    """Why remote signing failed; stable, for the boundary to put into words."""

    SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"  # refused, timed out, 5xx
    SERVICE_ERROR = "SERVICE_ERROR"  # an answer that breaks the protocol
    SERVICE_REFUSED = "SERVICE_REFUSED"  # any other refusal, with its detail
    CLIENT_REFUSED = "CLIENT_REFUSED"  # hocbaso's client id or secret
    CREDENTIAL_NOT_FOUND = "CREDENTIAL_NOT_FOUND"
    WRONG_OTP = "WRONG_OTP"
    WRONG_PIN = "WRONG_PIN"
    ACCESS_DENIED = "ACCESS_DENIED"  # e.g. locked after repeated wrong codes
    AUTHORIZATION_EXPIRED = "AUTHORIZATION_EXPIRED"  # the SAD expired or is unknown
    SIGNATURE_MISMATCH = "SIGNATURE_MISMATCH"  # a value the certificate refutes
    UNSUPPORTED_KEY = "UNSUPPORTED_KEY"
    TOO_MANY_HASHES = "TOO_MANY_HASHES"  # more than the credential's multisign
    BAD_DIGEST = "BAD_DIGEST"  # no digest, or one that is not 32 bytes
    BAD_CONFIGURATION = "BAD_CONFIGURATION"


class RemoteSigningError(SigningError):
    """The remote signing service failed or refused; nothing was signed.

    ``code`` is a RemoteErrorCode, ``params`` what the message names (the service's
    host, the credential, the position of a signature, the service's own detail).
    """

    def __init__(self, code: RemoteErrorCode, **params: str | int) -> None:
        detail = ", ".join(f"{k}={v}" for k, v in sorted(params.items()))
        super().__init__(f"{code.value}: {detail}" if detail else code.value)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class CredentialInfo:
    """What credentials/info says of one credential, checked."""

    credential_id: str
    chain: tuple[x509.Certificate, ...]
    algorithm: SignatureAlgorithm
    multisign: int
    pin_required: bool
    otp_required: bool


@dataclass(frozen=True)
class Authorization:
    """A SAD for these hashes of this credential, until ``expires_at`` (monotonic)."""

    credential_id: str
    sad: str
    hashes: tuple[bytes, ...]
    expires_at: float


def check_service_url(url: str) -> str:
    """The base URL without a trailing slash; https unless on a loopback address.

    Raises RemoteSigningError(BAD_CONFIGURATION) for another scheme, user info,
    a query or a fragment.
    """
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    secure = parts.scheme == "https" or (parts.scheme == "http" and _is_loopback(host))
    if not secure or not host or parts.username or parts.query or parts.fragment:
        raise RemoteSigningError(RemoteErrorCode.BAD_CONFIGURATION, url=url)
    return url.rstrip("/")


def _is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # the 3xx answer is then raised as an HTTPError


class CscClient:
    """One provider: its CSC API base URL (…/csc/v2) and hocbaso's client account."""

    def __init__(
        self,
        base_url: str,
        *,
        client_id: str,
        client_secret: str,
        oauth2_url: str | None = None,
        timeout: float = 15.0,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.base_url = check_service_url(base_url)
        origin = urllib.parse.urlsplit(self.base_url)
        self.oauth2_url = check_service_url(
            oauth2_url or f"{origin.scheme}://{origin.netloc}"
        )
        self._client = (client_id, client_secret)
        self._timeout = timeout
        self._opener = urllib.request.build_opener(
            urllib.request.HTTPSHandler(
                context=ssl_context or ssl.create_default_context()
            ),
            _NoRedirect(),
        )
        self._token: tuple[str, float] | None = None

    # --- the API
    def info(self) -> dict[str, Any]:
        """The service's self-description (CSC v2 §11.1); no authentication."""
        return self._call("info", {"lang": "vi"}, bearer=False)

    def list_credentials(self, user_id: str | None = None) -> list[str]:
        """The credential ids of a user at the provider (§11.4)."""
        body = {"userID": user_id} if user_id else {}
        answer = self._call("credentials/list", body)
        ids = answer.get("credentialIDs")
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise RemoteSigningError(RemoteErrorCode.SERVICE_ERROR, step="list")
        return ids

    def credential_info(self, credential_id: str) -> CredentialInfo:
        """The credential's certificate chain, key and authorization mode (§11.5)."""
        answer = self._call(
            "credentials/info",
            {"credentialID": credential_id, "certificates": "chain", "authInfo": True},
        )
        return _credential_info(credential_id, answer)

    def authorize(
        self,
        credential_id: str,
        hashes: Sequence[bytes],
        *,
        otp: str | None,
        pin: str | None = None,
    ) -> Authorization:
        """A SAD for exactly these SHA-256 hashes, in one confirmation (§11.6)."""
        body: dict[str, Any] = {
            "credentialID": credential_id,
            "numSignatures": len(hashes),
            "hashes": [_b64(h) for h in hashes],
            "hashAlgorithmOID": OID_SHA256,
        }
        if otp is not None:
            body["OTP"] = otp
        if pin is not None:
            body["PIN"] = pin
        started = time.monotonic()
        answer = self._call("credentials/authorize", body)
        sad, expires_in = answer.get("SAD"), answer.get("expiresIn", 3600)
        if not isinstance(sad, str) or not sad or not isinstance(expires_in, int):
            raise RemoteSigningError(RemoteErrorCode.SERVICE_ERROR, step="authorize")
        return Authorization(credential_id, sad, tuple(hashes), started + expires_in)

    def sign_hashes(
        self, authorization: Authorization, algorithm: SignatureAlgorithm
    ) -> list[bytes]:
        """The service's signature of each authorised hash, in order (§11.9).

        Values are as the service sends them (ECDSA usually DER); an expired
        authorization is refused here without a call.
        """
        if time.monotonic() >= authorization.expires_at:
            raise RemoteSigningError(RemoteErrorCode.AUTHORIZATION_EXPIRED)
        answer = self._call(
            "signatures/signHash",
            {
                "credentialID": authorization.credential_id,
                "SAD": authorization.sad,
                "hashes": [_b64(h) for h in authorization.hashes],
                "hashAlgorithmOID": OID_SHA256,
                "signAlgo": SIGN_ALGO_OIDS[algorithm],
            },
        )
        values = answer.get("signatures")
        if not isinstance(values, list) or len(values) != len(authorization.hashes):
            raise RemoteSigningError(RemoteErrorCode.SERVICE_ERROR, step="signHash")
        return [_unb64(v, "signHash") for v in values]

    # --- HTTP
    def _access_token(self) -> str:
        if self._token is not None and time.monotonic() < self._token[1]:
            return self._token[0]
        client_id, secret = self._client
        form = urllib.parse.urlencode(
            {
                "grant_type": "client_credentials",
                "client_id": client_id,
                "client_secret": secret,
            }
        ).encode()
        answer = self._send(
            f"{self.oauth2_url}/oauth2/token",
            form,
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
        token, lifetime = answer.get("access_token"), answer.get("expires_in", 3600)
        if not isinstance(token, str) or not token or not isinstance(lifetime, int):
            raise RemoteSigningError(RemoteErrorCode.SERVICE_ERROR, step="token")
        # Renewed a little early so a token never expires between two calls.
        self._token = (token, time.monotonic() + max(lifetime - 30, 1))
        return token

    def _call(
        self, method: str, body: dict[str, Any], *, bearer: bool = True
    ) -> dict[str, Any]:
        data = json.dumps(body).encode()
        for attempt in (1, 2):
            headers = {"Content-Type": "application/json"}
            if bearer:
                headers["Authorization"] = f"Bearer {self._access_token()}"
            try:
                return self._send(f"{self.base_url}/{method}", data, headers)
            except RemoteSigningError as exc:
                # A token the service forgot (restart, revocation): one new token.
                if exc.code is not RemoteErrorCode.CLIENT_REFUSED or attempt == 2:
                    raise
                self._token = None
        raise AssertionError("unreachable")

    def _send(self, url: str, data: bytes, headers: dict[str, str]) -> dict[str, Any]:
        request = urllib.request.Request(url, data=data, headers=headers)  # noqa: S310 - scheme checked in check_service_url
        host = urllib.parse.urlsplit(url).netloc
        try:
            with self._opener.open(request, timeout=self._timeout) as answer:
                return _json_object(answer.read(MAX_ANSWER_BYTES + 1))
        except urllib.error.HTTPError as exc:
            with exc:
                raise _refusal(exc.code, exc.read(MAX_ANSWER_BYTES), host) from None
        except (OSError, http.client.HTTPException) as exc:
            # Refused, timed out, reset, or not HTTP at all (BadStatusLine,
            # IncompleteRead): the service is not there to answer.
            raise RemoteSigningError(
                RemoteErrorCode.SERVICE_UNAVAILABLE, host=host
            ) from exc


def _refusal(status: int, body: bytes, host: str) -> RemoteSigningError:
    """The error an HTTP refusal means (CSC v2 §10.1: error, error_description)."""
    if status >= 500:
        return RemoteSigningError(
            RemoteErrorCode.SERVICE_UNAVAILABLE, host=host, status=status
        )
    try:
        answer = _json_object(body)
    except RemoteSigningError:
        answer = {}
    error = str(answer.get("error", ""))[:100]
    detail = str(answer.get("error_description", ""))[:200]
    code = _ERRORS.get(error)
    if code is None and "expired" in detail.lower():
        code = RemoteErrorCode.AUTHORIZATION_EXPIRED
    if code is None and "credentialid" in detail.lower():
        code = RemoteErrorCode.CREDENTIAL_NOT_FOUND
    if code is None and status in (401, 403):
        code = RemoteErrorCode.CLIENT_REFUSED
    return RemoteSigningError(
        code or RemoteErrorCode.SERVICE_REFUSED, detail=detail or error or str(status)
    )


_ERRORS = {
    "invalid_otp": RemoteErrorCode.WRONG_OTP,
    "invalid_pin": RemoteErrorCode.WRONG_PIN,
    "invalid_client": RemoteErrorCode.CLIENT_REFUSED,
    "unauthorized_client": RemoteErrorCode.CLIENT_REFUSED,
    "invalid_token": RemoteErrorCode.CLIENT_REFUSED,
    "access_denied": RemoteErrorCode.ACCESS_DENIED,
    "expired_sad": RemoteErrorCode.AUTHORIZATION_EXPIRED,
}


def _json_object(data: bytes) -> dict[str, Any]:
    if len(data) > MAX_ANSWER_BYTES:
        raise RemoteSigningError(RemoteErrorCode.SERVICE_ERROR, step="size")
    try:
        answer = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        raise RemoteSigningError(RemoteErrorCode.SERVICE_ERROR, step="json") from None
    if not isinstance(answer, dict):
        raise RemoteSigningError(RemoteErrorCode.SERVICE_ERROR, step="json")
    return answer


def _credential_info(credential_id: str, answer: dict[str, Any]) -> CredentialInfo:
    cert, key = answer.get("cert"), answer.get("key")
    if not isinstance(cert, dict) or not isinstance(key, dict):
        raise RemoteSigningError(RemoteErrorCode.SERVICE_ERROR, step="info")
    if key.get("status", "enabled") != "enabled":
        raise RemoteSigningError(
            RemoteErrorCode.ACCESS_DENIED, credential=credential_id
        )
    encoded = cert.get("certificates")
    if not isinstance(encoded, list) or not encoded:
        raise RemoteSigningError(RemoteErrorCode.SERVICE_ERROR, step="info")
    try:
        chain = tuple(
            x509.load_der_x509_certificate(_unb64(c, "info")) for c in encoded
        )
    except ValueError:
        raise RemoteSigningError(RemoteErrorCode.SERVICE_ERROR, step="info") from None
    try:
        algorithm = algorithm_for_key(chain[0].public_key())
    except SignerMismatchError:
        raise RemoteSigningError(
            RemoteErrorCode.UNSUPPORTED_KEY, credential=credential_id
        ) from None
    multisign = answer.get("multisign", 1)
    return CredentialInfo(
        credential_id=credential_id,
        chain=chain,
        algorithm=algorithm,
        multisign=multisign if isinstance(multisign, int) and multisign > 0 else 1,
        pin_required=_presence(answer.get("PIN")),
        otp_required=_presence(answer.get("OTP")),
    )


def _presence(item: object) -> bool:
    return isinstance(item, dict) and item.get("presence", "true") != "false"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(value: object, step: str) -> bytes:
    if not isinstance(value, str):
        raise RemoteSigningError(RemoteErrorCode.SERVICE_ERROR, step=step)
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise RemoteSigningError(RemoteErrorCode.SERVICE_ERROR, step=step) from None
