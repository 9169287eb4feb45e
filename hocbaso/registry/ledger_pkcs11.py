"""The checkpoint key on a PKCS#11 token (SoftHSM2 in tests), away from the database.

Configured by HOCBASO_LEDGER_PKCS11, ``module=<path>;token=<label>;key=<label>;
pin_file=<path>`` (docs/ledger.md, "The key in PKCS#11"). The token holds an
Ed25519 key pair (CKK_EC_EDWARDS); the registry signs checkpoints with CKM_EDDSA
(PKCS#11 v3.0 §2.3.14, SoftHSM2 2.6 and later) and never sees the private key. The
PIN is read from its file once, at the first use.

``derive_key`` (the secret behind revocation reasons' commitments) cannot read the
seed here: it is SHA-256 of the key's signature over a fixed message instead, which
only the token can make and which never changes (Ed25519 is deterministic, RFC 8032
§5.1.6).
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hocbaso.ledger import KeyFormatError, VerifierKey

_DERIVE = b"hocbaso ledger: derived key\n"
_lock = threading.Lock()
_open: dict[PKCS11Config, Any] = {}


@dataclass(frozen=True)
class PKCS11Config:
    module: str
    token: str
    key: str
    pin_file: str

    @classmethod
    def parse(cls, text: str) -> PKCS11Config:
        """Parse ``module=…;token=…;key=…;pin_file=…``; KeyFormatError if not."""
        fields = dict(
            part.strip().partition("=")[::2] for part in text.split(";") if part.strip()
        )
        missing = {"module", "token", "key", "pin_file"} - {
            k for k, v in fields.items() if v
        }
        extra = set(fields) - {"module", "token", "key", "pin_file"}
        if missing or extra:
            raise KeyFormatError(
                "HOCBASO_LEDGER_PKCS11 is module=…;token=…;key=…;pin_file=… "
                f"(missing {sorted(missing)}, unknown {sorted(extra)})"
            )
        return cls(fields["module"], fields["token"], fields["key"], fields["pin_file"])


class Pkcs11NoteSigner:
    """A NoteSigner whose Ed25519 private key stays on the token."""

    def __init__(self, name: str, key: Any, public_key: bytes) -> None:
        self._name, self._key, self._public = name, key, public_key
        VerifierKey(name, public_key)  # checks the name and the key's length

    @property
    def name(self) -> str:
        return self._name

    @property
    def public_key(self) -> bytes:
        return self._public

    def sign(self, message: bytes) -> bytes:
        import pkcs11

        with _lock:  # one session, shared by the threads of a process
            return bytes(self._key.sign(message, mechanism=pkcs11.Mechanism.EDDSA))

    def renamed(self, name: str) -> Pkcs11NoteSigner:
        return Pkcs11NoteSigner(name, self._key, self._public)

    def derive_key(self, purpose: bytes) -> bytes:
        return hashlib.sha256(self.sign(_DERIVE + purpose)).digest()

    def verifier_key(self) -> VerifierKey:
        return VerifierKey(self._name, self._public)


def open_signer(config: PKCS11Config, name: str) -> Pkcs11NoteSigner:
    """The token's key named ``name``; KeyFormatError saying what is wrong."""
    import pkcs11

    with _lock:
        try:
            if config not in _open:
                _open[config] = _load(config)
            key, public = _open[config]
        except (pkcs11.PKCS11Error, OSError, RuntimeError, ValueError) as exc:
            raise KeyFormatError(
                f"the PKCS#11 key {config.key!r} on token {config.token!r} "
                f"cannot be used: {exc!r}"
            ) from exc
    return Pkcs11NoteSigner(name, key, public)


def _load(config: PKCS11Config) -> tuple[Any, bytes]:
    import pkcs11
    from pkcs11 import Attribute, KeyType, ObjectClass

    try:
        pin = Path(config.pin_file).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(
            f"the PIN file {config.pin_file} cannot be read: {exc}"
        ) from exc
    token = pkcs11.lib(config.module).get_token(token_label=config.token)
    try:
        session = token.open(user_pin=pin)
    except pkcs11.UserAlreadyLoggedIn:  # login is per token and process, not session
        session = token.open()
    private = session.get_key(
        object_class=ObjectClass.PRIVATE_KEY,
        key_type=KeyType.EC_EDWARDS,
        label=config.key,
    )
    public = session.get_key(
        object_class=ObjectClass.PUBLIC_KEY,
        key_type=KeyType.EC_EDWARDS,
        label=config.key,
    )
    return private, _raw_point(bytes(public[Attribute.EC_POINT]))


def _raw_point(point: bytes) -> bytes:
    # CKA_EC_POINT of an Edwards key is the 32 bytes, DER-wrapped in an OCTET STRING
    # by most tokens (SoftHSM2 included); accept both.
    if len(point) == 34 and point[:2] == b"\x04\x20":
        return point[2:]
    if len(point) == 32:
        return point
    raise ValueError(f"the token's public key is not an Ed25519 point ({len(point)} B)")
