"""hocbaso's own remote signing service: the CSC API v2 over a PKCS#11 token.

For a department that runs its own signing service, and for the tests of the CSC
client (csc.py) against a real token (SoftHSM2). Django-free, stdlib http.server,
``python -m hocbaso.signing.cscservice --config FILE [--port N]``; put it behind a
TLS proxy: it speaks plain HTTP and binds 127.0.0.1 unless told otherwise.

    POST /oauth2/token                    client_credentials → access_token
    POST /csc/v2/info                     no authentication
    POST /csc/v2/credentials/list         {userID}
    POST /csc/v2/credentials/info         {credentialID}
    POST /csc/v2/credentials/authorize    {credentialID, numSignatures, hashes,
                                           OTP, PIN}
    POST /csc/v2/signatures/signHash      {credentialID, SAD, hashes, signAlgo}

The configuration (JSON) names the token (module, label, a file holding its user
PIN) and for each credential its owner's userID, the label of its key and of its
certificates on the token, and the file of its TOTP secret (base32, as enrolled in
the teacher's authenticator app); optionally the SHA-256 of a PIN. Clients are
listed with the SHA-256 of their secret, so the file holds no secret itself.

Signing (PKCS#11 v2.40): RSA with CKM_RSA_PKCS over DigestInfo(SHA-256) || hash,
EC with CKM_ECDSA over the hash (SoftHSM2 has no CKM_ECDSA_SHA256); the token's
r || s is answered DER-encoded, the form of X.509 and CMS that CSC clients expect.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import json
import sys
import threading
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pkcs11
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import utils
from pkcs11 import Attribute, KeyType, Mechanism, ObjectClass

from hocbaso.signing._cscgrants import GrantError, Grants, secret_matches
from hocbaso.signing.agent import leaf_first
from hocbaso.signing.algorithms import SHA256_DIGEST_INFO, SignatureAlgorithm
from hocbaso.signing.csc import OID_SHA256, SIGN_ALGO_OIDS
from hocbaso.signing.totp import secret_from_base32

MAX_BODY = 2 * 1024 * 1024
MAX_HASHES = 5000
SIGN_ALGO_BY_KEY = {
    KeyType.RSA: {SIGN_ALGO_OIDS[SignatureAlgorithm.RSA_SHA256]},
    KeyType.EC: {SIGN_ALGO_OIDS[SignatureAlgorithm.ECDSA_SHA256]},
}


@dataclass(frozen=True)
class Credential:
    user: str
    key_label: str
    cert_label: str
    totp_secret: bytes
    pin_sha256: str | None
    multisign: int


@dataclass(frozen=True)
class ServiceConfig:
    module: str
    token_label: str
    token_pin: str
    clients: dict[str, str]  # client id → SHA-256 of its secret (hex)
    credentials: dict[str, Credential]
    grants: Grants


class TokenKeys:
    """One logged-in session on the token, shared by the handler's threads."""

    def __init__(self, config: ServiceConfig) -> None:
        token = pkcs11.lib(config.module).get_token(token_label=config.token_label)
        self._session: Any = token.open(user_pin=config.token_pin)
        self._lock = threading.Lock()

    def chain(self, label: str) -> list[x509.Certificate]:
        with self._lock:
            objects = self._session.get_objects(
                {Attribute.CLASS: ObjectClass.CERTIFICATE, Attribute.LABEL: label}
            )
            found = [
                x509.load_der_x509_certificate(bytes(o[Attribute.VALUE]))
                for o in objects
            ]
        return leaf_first(found)

    def key_type(self, label: str) -> Any:
        with self._lock:
            return self._key(label).key_type

    def sign(self, label: str, hashes: Sequence[bytes]) -> list[bytes]:
        with self._lock:
            key = self._key(label)
            if key.key_type == KeyType.RSA:
                return [
                    bytes(
                        key.sign(SHA256_DIGEST_INFO + h, mechanism=Mechanism.RSA_PKCS)
                    )
                    for h in hashes
                ]
            return [
                _raw_to_der(bytes(key.sign(h, mechanism=Mechanism.ECDSA)))
                for h in hashes
            ]

    def _key(self, label: str) -> Any:
        try:
            return self._session.get_key(
                object_class=ObjectClass.PRIVATE_KEY, label=label
            )
        except pkcs11.PKCS11Error as exc:
            raise GrantError(400, "invalid_request", "Invalid credentialID") from exc


def _raw_to_der(raw: bytes) -> bytes:
    half = len(raw) // 2
    r, s = int.from_bytes(raw[:half], "big"), int.from_bytes(raw[half:], "big")
    return utils.encode_dss_signature(r, s)


class CscHandler(BaseHTTPRequestHandler):
    server_version = "hocbaso-csc"
    config: ServiceConfig  # set on the subclass made by make_server
    keys: TokenKeys

    def do_POST(self) -> None:
        try:
            body, status = self._route(), 200
        except GrantError as exc:
            body = {"error": exc.error, "error_description": exc.description}
            status = exc.status
        except pkcs11.PKCS11Error as exc:
            body = {"error": "server_error", "error_description": repr(exc)}
            status = 500
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)

    def _route(self) -> dict[str, Any]:
        raw = self._body()
        if self.path == "/oauth2/token":
            return self._token(raw)
        request = _json(raw)
        if self.path == "/csc/v2/info":
            return _info()
        client = self.config.grants.client_of(self._bearer())
        routes = {
            "/csc/v2/credentials/list": self._list,
            "/csc/v2/credentials/info": self._credential_info,
            "/csc/v2/credentials/authorize": self._authorize,
            "/csc/v2/signatures/signHash": self._sign_hash,
        }
        if self.path not in routes:
            raise GrantError(404, "invalid_request", "Unknown method")
        return routes[self.path](request, client)

    def _token(self, raw: bytes) -> dict[str, Any]:
        form = dict(urllib.parse.parse_qsl(raw.decode("ascii", "replace")))
        client, secret = form.get("client_id", ""), form.get("client_secret", "")
        if form.get("grant_type") != "client_credentials":
            raise GrantError(400, "unsupported_grant_type", "client_credentials only")
        expected = self.config.clients.get(client)
        if expected is None or not secret_matches(secret, expected):
            raise GrantError(401, "invalid_client", "Invalid client credentials")
        token = self.config.grants.issue_token(client)
        lifetime = int(self.config.grants.token_seconds)
        return {"access_token": token, "token_type": "Bearer", "expires_in": lifetime}

    def _list(self, request: dict[str, Any], client: str) -> dict[str, Any]:
        user = request.get("userID")
        ids = [k for k, c in self.config.credentials.items() if c.user == user]
        return {"credentialIDs": ids}

    def _credential_info(self, request: dict[str, Any], client: str) -> dict[str, Any]:
        _name, credential = self._credential(request)
        chain = self.keys.chain(credential.cert_label)
        if not chain:
            raise GrantError(400, "invalid_request", "No certificate for credentialID")
        key_type = self.keys.key_type(credential.key_label)
        return {
            "key": {
                "status": "enabled",
                "algo": sorted(SIGN_ALGO_BY_KEY.get(key_type, set())),
                "len": chain[0].public_key().key_size,  # type: ignore[union-attr]
            },
            "cert": {
                "status": "valid",
                "certificates": [
                    base64.b64encode(
                        c.public_bytes(serialization.Encoding.DER)
                    ).decode()
                    for c in chain
                ],
                "subjectDN": chain[0].subject.rfc4514_string(),
            },
            "authMode": "explicit",
            "SCAL": "2",
            "PIN": {"presence": "true" if credential.pin_sha256 else "false"},
            "OTP": {"presence": "true", "type": "offline", "format": "N"},
            "multisign": credential.multisign,
        }

    def _authorize(self, request: dict[str, Any], client: str) -> dict[str, Any]:
        name, credential = self._credential(request)
        hashes = _hashes(request)
        if request.get("numSignatures") != len(hashes) or (
            len(hashes) > credential.multisign
        ):
            raise GrantError(400, "invalid_request", "Invalid numSignatures")
        pin_ok = not credential.pin_sha256 or secret_matches(
            str(request.get("PIN", "")), credential.pin_sha256
        )
        self.config.grants.check_otp(
            name, credential.totp_secret, str(request.get("OTP", "")), pin_ok=pin_ok
        )
        sad = self.config.grants.issue_sad(name, client, hashes)
        return {"SAD": sad, "expiresIn": int(self.config.grants.sad_seconds)}

    def _sign_hash(self, request: dict[str, Any], client: str) -> dict[str, Any]:
        name, credential = self._credential(request)
        hashes = _hashes(request)
        key_type = self.keys.key_type(credential.key_label)
        if request.get("signAlgo") not in SIGN_ALGO_BY_KEY.get(key_type, set()):
            raise GrantError(400, "invalid_request", "Invalid signAlgo")
        sad = request.get("SAD")
        if not isinstance(sad, str):
            raise GrantError(400, "invalid_request", "Missing SAD")
        self.config.grants.spend_sad(sad, name, client, hashes)
        values = self.keys.sign(credential.key_label, hashes)
        return {"signatures": [base64.b64encode(v).decode() for v in values]}

    def _credential(self, request: dict[str, Any]) -> tuple[str, Credential]:
        name = request.get("credentialID")
        if not isinstance(name, str) or name not in self.config.credentials:
            raise GrantError(400, "invalid_request", "Invalid credentialID")
        return name, self.config.credentials[name]

    def _bearer(self) -> str:
        scheme, _, token = self.headers.get("Authorization", "").partition(" ")
        if scheme != "Bearer" or not token:
            raise GrantError(401, "invalid_token", "Missing access token")
        return token

    def _body(self) -> bytes:
        try:
            length = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            raise GrantError(400, "invalid_request", "Bad Content-Length") from None
        if not 0 <= length <= MAX_BODY:
            raise GrantError(413, "invalid_request", "The request is too large")
        return self.rfile.read(length)

    def log_message(self, format: str, *args: Any) -> None:
        sys.stderr.write(f"csc-service: {self.command} {self.path} {args[1:2]}\n")


def _info() -> dict[str, Any]:
    return {
        "specs": "2.0.0.2",
        "name": "hocbaso CSC service",
        "region": "VN",
        "lang": "vi",
        "authType": ["oauth2client"],
        "methods": [
            "credentials/list",
            "credentials/info",
            "credentials/authorize",
            "signatures/signHash",
        ],
        "signAlgorithms": {"algos": sorted(SIGN_ALGO_OIDS.values())},
    }


def _json(raw: bytes) -> dict[str, Any]:
    try:
        data = json.loads(raw or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise GrantError(400, "invalid_request", "The request is not JSON") from None
    if not isinstance(data, dict):
        raise GrantError(400, "invalid_request", "The request is not a JSON object")
    return data


def _hashes(request: dict[str, Any]) -> list[bytes]:
    if request.get("hashAlgorithmOID", OID_SHA256) != OID_SHA256:
        raise GrantError(400, "invalid_request", "Invalid hashAlgorithmOID")
    items = request.get("hashes")
    if not isinstance(items, list) or not 0 < len(items) <= MAX_HASHES:
        raise GrantError(400, "invalid_request", "Invalid hashes")
    out = []
    for item in items:
        try:
            value = base64.b64decode(item, validate=True)
        except (binascii.Error, TypeError, ValueError):
            raise GrantError(400, "invalid_request", "Invalid hash") from None
        if len(value) != 32:
            raise GrantError(400, "invalid_request", "Invalid hash length")
        out.append(value)
    return out


def load_config(path: Path) -> ServiceConfig:
    """Read the JSON configuration; SystemExit naming what is wrong."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        base = path.parent
        credentials = {
            name: Credential(
                user=str(item["user"]),
                key_label=str(item["key_label"]),
                cert_label=str(item.get("cert_label") or item["key_label"]),
                totp_secret=secret_from_base32(
                    (base / item["totp_secret_file"]).read_text().strip()
                ),
                pin_sha256=item.get("pin_sha256"),
                multisign=int(item.get("multisign", 100)),
            )
            for name, item in raw["credentials"].items()
        }
        return ServiceConfig(
            module=str(raw["module"]),
            token_label=str(raw["token_label"]),
            token_pin=(base / raw["token_pin_file"]).read_text().strip(),
            clients={str(k): str(v) for k, v in raw["clients"].items()},
            credentials=credentials,
            grants=Grants(
                sad_seconds=float(raw.get("sad_seconds", 300)),
                token_seconds=float(raw.get("token_seconds", 3600)),
                max_failures=int(raw.get("max_otp_failures", 5)),
                lock_seconds=float(raw.get("lock_seconds", 900)),
            ),
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise SystemExit(f"{path}: unusable configuration: {exc!r}") from exc


def make_server(
    config: ServiceConfig, port: int, host: str = "127.0.0.1"
) -> ThreadingHTTPServer:
    """The service on host:port (0: any free port); the token is opened now, so a
    wrong PIN or label stops it at start-up."""
    keys = TokenKeys(config)
    handler = type("Handler", (CscHandler,), {"config": config, "keys": keys})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m hocbaso.signing.cscservice",
        description="A CSC API v2 signing service over a PKCS#11 token.",
    )
    parser.add_argument("--config", required=True, type=Path)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args(argv)
    try:
        server = make_server(load_config(args.config), args.port, args.host)
    except (pkcs11.PKCS11Error, RuntimeError, OSError) as exc:
        raise SystemExit(f"the token cannot be used: {exc!r}") from exc
    print(f"hocbaso csc-service: http://{args.host}:{server.server_address[1]}")
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
