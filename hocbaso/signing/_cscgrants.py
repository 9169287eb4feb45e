"""The CSC service's bookkeeping: access tokens, OTP checks and SADs, in memory.

Kept apart from the HTTP handler so each rule reads on its own:
- an access token belongs to one client and expires (RFC 6749 §4.4);
- a TOTP code (RFC 6238) is accepted once: its step must be later than the last
  accepted one for that credential (§5.2: "MUST NOT accept the second attempt");
  after ``max_failures`` wrong codes or PINs in a row the credential is locked
  for ``lock_seconds``, so neither six digits nor a PIN can be walked through;
- a SAD is bound to the credential, the client and the listed hashes (CSC v2
  §11.6, SCAL2), signs each of them at most once, and expires.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass, field

from hocbaso.signing.totp import matching_step


class GrantError(Exception):
    """A refusal in CSC terms: HTTP status, ``error`` and ``error_description``."""

    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(description)
        self.status, self.error, self.description = status, error, description


@dataclass
class _Otp:
    last_step: int = -1
    failures: int = 0
    locked_until: float = 0.0


@dataclass
class _Sad:
    credential: str
    client: str
    hashes: set[bytes]
    expires: float


@dataclass
class Grants:
    """Tokens, OTP state and SADs of one running service (lost on restart)."""

    sad_seconds: float = 300.0
    token_seconds: float = 3600.0
    max_failures: int = 5
    lock_seconds: float = 900.0
    _tokens: dict[str, tuple[str, float]] = field(default_factory=dict)
    _otp: dict[str, _Otp] = field(default_factory=dict)
    _sads: dict[str, _Sad] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def issue_token(self, client: str) -> str:
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._tokens[token] = (client, time.monotonic() + self.token_seconds)
        return token

    def client_of(self, token: str) -> str:
        """The client an access token was issued to; invalid_token otherwise."""
        with self._lock:
            found = self._tokens.get(token)
        if found is None or time.monotonic() >= found[1]:
            raise GrantError(401, "invalid_token", "The access token is not valid")
        return found[0]

    def check_otp(
        self, credential: str, secret: bytes, code: str, *, pin_ok: bool = True
    ) -> None:
        """Accept a fresh right code once; count and lock wrong ones.

        A wrong PIN counts as a failure too, so neither can be walked through.
        """
        with self._lock:
            state = self._otp.setdefault(credential, _Otp())
            if time.monotonic() < state.locked_until:
                raise GrantError(
                    403,
                    "access_denied",
                    "Too many wrong OTPs or PINs: the credential is locked",
                )
            step = None if not pin_ok else matching_step(secret, code, time.time())
            if step is None or step <= state.last_step:
                state.failures += 1
                if state.failures >= self.max_failures:
                    state.locked_until = time.monotonic() + self.lock_seconds
                    state.failures = 0
                if not pin_ok:
                    raise GrantError(400, "invalid_pin", "The PIN is invalid")
                raise GrantError(400, "invalid_otp", "The OTP is invalid")
            state.last_step, state.failures = step, 0

    def issue_sad(self, credential: str, client: str, hashes: list[bytes]) -> str:
        sad = secrets.token_urlsafe(32)
        with self._lock:
            self._sads[sad] = _Sad(
                credential, client, set(hashes), time.monotonic() + self.sad_seconds
            )
        return sad

    def spend_sad(
        self, sad: str, credential: str, client: str, hashes: list[bytes]
    ) -> None:
        """Take these hashes off the SAD; refuse an unknown, expired or foreign SAD
        and any hash it does not hold (or no longer holds: signed already)."""
        with self._lock:
            grant = self._sads.get(sad)
            if grant is None or time.monotonic() >= grant.expires:
                self._sads.pop(sad, None)
                raise GrantError(400, "invalid_request", "SAD expired or unknown")
            if grant.credential != credential or grant.client != client:
                raise GrantError(400, "invalid_request", "SAD not for this credential")
            if len(set(hashes)) != len(hashes) or not set(hashes) <= grant.hashes:
                raise GrantError(400, "invalid_request", "Hash not authorized by SAD")
            grant.hashes -= set(hashes)
            if not grant.hashes:
                del self._sads[sad]


def secret_matches(given: str, sha256_hex: str) -> bool:
    """Whether a client secret hashes to the configured SHA-256 (constant time)."""
    digest = hashlib.sha256(given.encode()).hexdigest()
    return hmac.compare_digest(digest, sha256_hex.lower())
