"""The local signing agent: a teacher's PKCS#11 token signs the digests a page hands it.

Runs on the teacher's own computer (``hocbaso sign-agent`` or ``python -m
hocbaso.signing.agent``), Django-free, listening on 127.0.0.1 only. The school pages
fetch the digests to sign from the server (hash out, domain.md §8), post them here,
and post the signatures back to the server, which checks each one against the
certificate registered to the teacher before assembling it. The key never leaves the
token; the agent sees only SHA-256 digests.

HTTP (JSON), allowed from the configured site origins (CORS) and only with the
pairing token the agent prints at start (``Authorization: Bearer <token>``):

    GET  /status                      {"agent": "hocbaso-sign-agent", "version": 1}
    POST /certificate {"key"}         {"key", "algorithm", "chain": [PEM, ...]}
    POST /sign {"batch", "key", "digests": [base64]}
                          {"key", "algorithm", "chain", "signatures": [base64]}

``key`` is ``personal`` (the teacher's or principal's own key) or ``seal`` (the
school's organisation certificate). The token PIN is asked once per batch: on the
agent's terminal by default, or read from ``--pin-file`` / ``--pin-env`` (tests,
automation); the logged-in session is kept for that batch only (and at most
``--session-minutes``). Signing (as Pkcs11Signer, PKCS#11 v2.40): RSA with
CKM_RSA_PKCS over DigestInfo(SHA-256) || digest, EC with CKM_ECDSA over the digest
(r || s), so tokens without the hashing mechanisms (SoftHSM2) work.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import getpass
import hmac
import json
import os
import secrets
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pkcs11
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pkcs11 import Attribute, KeyType, Mechanism, ObjectClass

from hocbaso.signing.algorithms import SHA256_DIGEST_INFO

VERSION = 1
MAX_BODY = 2 * 1024 * 1024
MAX_DIGESTS = 5000
KEYS = ("personal", "seal")


class AgentError(Exception):
    """A request the agent refuses; ``status`` is the HTTP status to answer."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class AgentConfig:
    module: str
    token_label: str
    key_labels: dict[str, str]  # "personal" / "seal" → label on the token
    origins: tuple[str, ...]
    pairing_token: str
    read_pin: Callable[[str], str]
    chains: dict[str, list[x509.Certificate]] = field(default_factory=dict)
    session_seconds: float = 15 * 60


class TokenSigner:
    """The token, its certificates, and one logged-in session per batch."""

    def __init__(self, config: AgentConfig) -> None:
        self.config = config
        self._lock = threading.Lock()
        self._session: Any = None
        self._batch: str | None = None
        self._opened = 0.0

    def _token(self) -> Any:
        try:
            return pkcs11.lib(self.config.module).get_token(
                token_label=self.config.token_label
            )
        except (pkcs11.PKCS11Error, RuntimeError, OSError) as exc:
            raise AgentError(f"the token is not available: {exc!r}", 503) from exc

    def _label(self, key: str) -> str:
        label = self.config.key_labels.get(key)
        if label is None:
            raise AgentError(f"this agent has no {key} key", 404)
        return label

    def chain(self, key: str) -> list[x509.Certificate]:
        """The certificate chain of a key: --chain, else the token's certificates."""
        label = self._label(key)
        if key in self.config.chains:
            return self.config.chains[key]
        with self._lock, self._token().open() as session:
            found = [
                x509.load_der_x509_certificate(bytes(o[Attribute.VALUE]))
                for o in session.get_objects(
                    {Attribute.CLASS: ObjectClass.CERTIFICATE, Attribute.LABEL: label}
                )
            ]
        if not found:
            raise AgentError(f"no certificate for the key {label!r} on the token", 404)
        return leaf_first(found)

    def sign(self, batch: str, key: str, digests: Sequence[bytes]) -> list[bytes]:
        """Sign each SHA-256 digest with the key; the PIN once per batch."""
        label = self._label(key)
        with self._lock:
            session = self._session_for(batch)
            try:
                private = session.get_key(
                    object_class=ObjectClass.PRIVATE_KEY, label=label
                )
                if private.key_type == KeyType.RSA:
                    return [
                        bytes(
                            private.sign(
                                SHA256_DIGEST_INFO + d, mechanism=Mechanism.RSA_PKCS
                            )
                        )
                        for d in digests
                    ]
                return [
                    bytes(private.sign(d, mechanism=Mechanism.ECDSA)) for d in digests
                ]
            except pkcs11.PKCS11Error as exc:
                raise AgentError(f"the token refused to sign: {exc!r}", 502) from exc

    def _session_for(self, batch: str) -> Any:
        expired = time.monotonic() - self._opened > self.config.session_seconds
        if self._session is not None and self._batch == batch and not expired:
            return self._session
        self.close()
        pin = self.config.read_pin(batch)
        try:
            self._session = self._token().open(user_pin=pin)
        except pkcs11.exceptions.PinIncorrect as exc:
            raise AgentError("the PIN is wrong", 401) from exc
        except pkcs11.PKCS11Error as exc:
            raise AgentError(f"the token cannot be opened: {exc!r}", 503) from exc
        self._batch, self._opened = batch, time.monotonic()
        return self._session

    def close(self) -> None:
        if self._session is not None:
            try:
                self._session.close()
            finally:
                self._session, self._batch = None, None


def leaf_first(certificates: list[x509.Certificate]) -> list[x509.Certificate]:
    """The end-entity certificate first (it issues none of the others), then the
    rest."""
    issuers = {c.issuer for c in certificates}
    leaves = [c for c in certificates if c.subject not in issuers]
    rest = [c for c in certificates if c not in leaves]
    return leaves + rest


def _pem(chain: list[x509.Certificate]) -> list[str]:
    return [c.public_bytes(serialization.Encoding.PEM).decode("ascii") for c in chain]


def _algorithm(chain: list[x509.Certificate]) -> str:
    from cryptography.hazmat.primitives.asymmetric import rsa

    return (
        "rsa-sha256"
        if isinstance(chain[0].public_key(), rsa.RSAPublicKey)
        else ("ecdsa-sha256")
    )


class AgentHandler(BaseHTTPRequestHandler):
    server_version = "hocbaso-sign-agent"
    signer: TokenSigner  # set on the subclass made by make_server

    # --- CORS and authentication
    def _origin_allowed(self) -> str | None:
        origin = self.headers.get("Origin")
        if origin is None:
            return None
        if origin not in self.signer.config.origins:
            raise AgentError(f"origin {origin} is not allowed", 403)
        return origin

    def _cors(self, origin: str | None) -> None:
        if origin:
            self.send_header("Access-Control-Allow-Origin", origin)
            self.send_header("Vary", "Origin")

    def _check_token(self) -> None:
        given = self.headers.get("Authorization", "")
        expected = f"Bearer {self.signer.config.pairing_token}"
        if not hmac.compare_digest(given.encode(), expected.encode()):
            raise AgentError("pair the page with this agent: wrong pairing token", 401)

    def do_OPTIONS(self) -> None:
        try:
            origin = self._origin_allowed()
        except AgentError as exc:
            self._answer({"error": str(exc)}, exc.status, None)
            return
        self.send_response(204)
        self._cors(origin)
        self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "Authorization, Content-Type")
        self.send_header("Access-Control-Allow-Private-Network", "true")
        self.send_header("Access-Control-Max-Age", "600")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:
        self._handle(lambda origin: self._route_get())

    def do_POST(self) -> None:
        self._handle(lambda origin: self._route_post())

    def _handle(
        self, route: Callable[[str | None], tuple[dict[str, Any], int]]
    ) -> None:
        origin = None
        try:
            origin = self._origin_allowed()
            body, status = route(origin)
        except AgentError as exc:
            body, status = {"error": str(exc)}, exc.status
        self._answer(body, status, origin)

    def _route_get(self) -> tuple[dict[str, Any], int]:
        if self.path == "/status":
            return {"agent": "hocbaso-sign-agent", "version": VERSION}, 200
        raise AgentError("not found", 404)

    def _route_post(self) -> tuple[dict[str, Any], int]:
        self._check_token()
        request = self._json()
        key = request.get("key")
        if key not in KEYS:
            raise AgentError("key must be 'personal' or 'seal'")
        if self.path == "/certificate":
            chain = self.signer.chain(key)
            return {
                "key": key,
                "algorithm": _algorithm(chain),
                "chain": _pem(chain),
            }, 200
        if self.path == "/sign":
            batch = request.get("batch")
            if not isinstance(batch, str) or not batch:
                raise AgentError("batch must be the batch's id")
            digests = _digests(request.get("digests"))
            chain = self.signer.chain(key)
            values = self.signer.sign(batch, key, digests)
            return {
                "key": key,
                "algorithm": _algorithm(chain),
                "chain": _pem(chain),
                "signatures": [base64.b64encode(v).decode("ascii") for v in values],
            }, 200
        raise AgentError("not found", 404)

    def _json(self) -> dict[str, Any]:
        try:
            length = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            raise AgentError("bad Content-Length") from None
        if length > MAX_BODY:
            raise AgentError("the request is too large", 413)
        try:
            data = json.loads(self.rfile.read(length) or b"{}")
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise AgentError("the request is not JSON") from None
        if not isinstance(data, dict):
            raise AgentError("the request must be a JSON object")
        return data

    def _answer(self, body: dict[str, Any], status: int, origin: str | None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self._cors(origin)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        sys.stderr.write(f"sign-agent: {self.command} {self.path} {args[1:2]}\n")


def _digests(value: object) -> list[bytes]:
    if not isinstance(value, list) or not value or len(value) > MAX_DIGESTS:
        raise AgentError(f"digests must be a list of 1 to {MAX_DIGESTS} digests")
    out = []
    for n, item in enumerate(value, 1):
        try:
            digest = base64.b64decode(item, validate=True)
        except (binascii.Error, TypeError, ValueError):
            raise AgentError(f"digest {n} is not base64") from None
        if len(digest) != 32:
            raise AgentError(f"digest {n} is not a SHA-256 digest (32 bytes)")
        out.append(digest)
    return out


def make_server(config: AgentConfig, port: int) -> ThreadingHTTPServer:
    """The agent's HTTP server on 127.0.0.1:port (0: any free port)."""
    signer = TokenSigner(config)
    handler = type("Handler", (AgentHandler,), {"signer": signer})
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    return server


def pin_reader(pin_file: str | None, pin_env: str | None) -> Callable[[str], str]:
    """Where the PIN comes from: a file, an environment variable, or the terminal."""
    if pin_file:

        def from_file(batch: str) -> str:
            with open(pin_file, encoding="utf-8") as fh:
                return fh.read().strip()

        return from_file
    if pin_env:

        def from_env(batch: str) -> str:
            pin = os.environ.get(pin_env)
            if not pin:
                raise AgentError(f"the environment variable {pin_env} is empty", 503)
            return pin

        return from_env

    def from_terminal(batch: str) -> str:
        try:
            return getpass.getpass(f"Token PIN for batch {batch} (mã PIN): ")
        except (EOFError, OSError) as exc:
            raise AgentError("no terminal to ask the PIN on", 503) from exc

    return from_terminal


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="hocbaso sign-agent",
        description="Sign the school pages' digests with a PKCS#11 token.",
    )
    p.add_argument("--module", required=True, help="the token's PKCS#11 library (.so)")
    p.add_argument("--token-label", required=True, help="the token's label")
    p.add_argument("--key", default=None, help="label of the personal key on the token")
    p.add_argument("--seal-key", default=None, help="label of the school seal's key")
    p.add_argument(
        "--chain",
        action="append",
        default=[],
        metavar="KEY=FILE",
        help="PEM chain of 'personal' or 'seal' (default: the token's certificates)",
    )
    p.add_argument(
        "--origin",
        action="append",
        default=[],
        help="a site allowed to call the agent (e.g. https://hocba.example.vn)",
    )
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--pairing-token", default=None, help="default: a new random one")
    p.add_argument("--pin-file", default=None)
    p.add_argument("--pin-env", default=None)
    p.add_argument("--session-minutes", type=float, default=15.0)
    return p


def config_from(args: argparse.Namespace) -> AgentConfig:
    labels = {k: v for k, v in (("personal", args.key), ("seal", args.seal_key)) if v}
    if not labels:
        raise SystemExit("give --key and/or --seal-key")
    if not args.origin:
        raise SystemExit("give --origin: the site that may call the agent")
    chains = {}
    for item in args.chain:
        key, _, path = item.partition("=")
        if key not in KEYS or not path:
            raise SystemExit(f"--chain {item}: expected personal=FILE or seal=FILE")
        with open(path, "rb") as fh:
            chains[key] = leaf_first(x509.load_pem_x509_certificates(fh.read()))
    return AgentConfig(
        module=args.module,
        token_label=args.token_label,
        key_labels=labels,
        origins=tuple(o.rstrip("/") for o in args.origin),
        pairing_token=args.pairing_token or secrets.token_urlsafe(18),
        read_pin=pin_reader(args.pin_file, args.pin_env),
        chains=chains,
        session_seconds=args.session_minutes * 60,
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    config = config_from(args)
    server = make_server(config, args.port)
    port = server.server_address[1]
    print(f"hocbaso sign-agent: http://127.0.0.1:{port}", flush=True)
    print(f"pairing token: {config.pairing_token}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
