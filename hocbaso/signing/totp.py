"""Time-based one-time passwords (TOTP, RFC 6238) with HMAC-SHA1, as phone apps make.

A remote-signing service asks the teacher for the code their authenticator app
shows; the shared secret is the base32 text the app was enrolled with (RFC 4648 §6,
the ``otpauth://`` convention). Six digits, 30-second steps, T0 = 0 (RFC 6238 §4).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import struct

STEP_SECONDS = 30
DIGITS = 6


def secret_from_base32(text: str) -> bytes:
    """The key bytes of a base32 secret (spaces and lower case allowed).

    Raises ValueError when the text is not base32 or is shorter than 80 bits, the
    minimum RFC 4226 §4 R6 allows.
    """
    cleaned = text.replace(" ", "").upper()
    cleaned += "=" * (-len(cleaned) % 8)
    try:
        secret = base64.b32decode(cleaned)
    except binascii.Error as exc:
        raise ValueError("the TOTP secret is not base32") from exc
    if len(secret) < 10:
        raise ValueError("the TOTP secret is shorter than 80 bits")
    return secret


def time_step(at: float) -> int:
    """The RFC 6238 counter T for a Unix time."""
    return int(at // STEP_SECONDS)


def code_at_step(secret: bytes, step: int) -> str:
    """HOTP(K, T) truncated to six digits (RFC 4226 §5.3)."""
    mac = hmac.new(secret, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    number = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**DIGITS).zfill(DIGITS)


def totp(secret: bytes, at: float) -> str:
    """The code an authenticator app shows at Unix time ``at``."""
    return code_at_step(secret, time_step(at))


def matching_step(secret: bytes, code: str, at: float, window: int = 1) -> int | None:
    """The step whose code equals ``code`` within ±window steps of ``at``, else None.

    The window absorbs clock drift and a code typed just as it changed (RFC 6238
    §5.2). Compared in constant time; a code of the wrong shape never matches.
    """
    if len(code) != DIGITS or not code.isascii() or not code.isdigit():
        return None
    now = time_step(at)
    found = None
    for step in range(now - window, now + window + 1):
        if hmac.compare_digest(code_at_step(secret, step), code):
            found = step
    return found
