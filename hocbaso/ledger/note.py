"""Signed notes (c2sp.org/signed-note) with Ed25519 keys: keys, signing and opening.

A note is UTF-8 text ending in a newline, a blank line, then one line per signature:
"— <key name> <base64(4-byte key hash || signature)>". The key hash is the first four
bytes of SHA-256(key name || 0x0A || 0x01 || 32-byte Ed25519 public key), 0x01 being
the Ed25519 signature type. A verifier key is "<name>+<hex key hash>+<base64(0x01 ||
public key)>"; the private key string of the Go implementation (golang.org/x/mod
sumdb/note) is "PRIVATE+KEY+<name>+<hex key hash>+<base64(0x01 || 32-byte seed)>".
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from typing import Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from hocbaso.ledger.errors import (
    KeyFormatError,
    NoteFormatError,
    SignatureInvalidError,
    UnknownKeyError,
)

ED25519_TYPE = b"\x01"
"""The signature type byte of Ed25519 in key hashes and key strings."""

_SIGNATURE_PREFIX = "\u2014 "  # EM DASH, SPACE
_MAX_SIGNATURES = 100  # as golang.org/x/mod/sumdb/note: bounds the work per note
_PRIVATE_PREFIX = "PRIVATE+KEY+"


def key_hash(name: str, public_key: bytes, type_byte: bytes = ED25519_TYPE) -> bytes:
    """The 4-byte key hash: SHA-256(name || 0x0A || type || public key)[:4]; the
    type is 0x01 for a log's Ed25519 key (0x04 for a witness's cosigning key)."""
    data = name.encode() + b"\n" + type_byte + public_key
    return hashlib.sha256(data).digest()[:4]


def key_string(name: str, public_key: bytes, type_byte: bytes = ED25519_TYPE) -> str:
    """The verifier key string "<name>+<hex key hash>+<base64(type || key)>"."""
    encoded = base64.b64encode(type_byte + public_key).decode()
    return f"{name}+{key_hash(name, public_key, type_byte).hex()}+{encoded}"


def parse_key_string(text: str, type_byte: bytes = ED25519_TYPE) -> tuple[str, bytes]:
    """(name, public key) of a verifier key string of that type, its hash checked.

    Raises KeyFormatError.
    """
    name, hash_hex, key = _split_key_string(text)
    public_key = _decode_key_material(key, type_byte)
    _check_name(name, KeyFormatError)
    if key_hash(name, public_key, type_byte).hex() != hash_hex:
        raise KeyFormatError(f"the key hash {hash_hex} does not match the key")
    return name, public_key


class NoteSigner(Protocol):
    """Anything holding an Ed25519 key under a name that signs note text."""

    @property
    def name(self) -> str:
        """The key name (for a checkpoint, the log's origin)."""
        ...

    @property
    def public_key(self) -> bytes:
        """The 32-byte raw Ed25519 public key."""
        ...

    def sign(self, message: bytes) -> bytes:
        """The 64-byte Ed25519 signature of the message."""
        ...


@dataclass(frozen=True)
class VerifierKey:
    """A trusted Ed25519 key under its name; raises KeyFormatError if malformed."""

    name: str
    public_key: bytes

    def __post_init__(self) -> None:
        _check_name(self.name, KeyFormatError)
        if not isinstance(self.public_key, bytes) or len(self.public_key) != 32:
            raise KeyFormatError("an Ed25519 public key has 32 bytes")

    @property
    def key_hash(self) -> bytes:
        """The 4-byte key hash that signature lines carry."""
        return key_hash(self.name, self.public_key)

    def to_string(self) -> str:
        """The verifier key string "<name>+<hex key hash>+<base64(0x01 || key)>"."""
        return key_string(self.name, self.public_key)

    @classmethod
    def from_string(cls, text: str) -> VerifierKey:
        """Parse a verifier key string, checking its type byte and key hash."""
        return cls(*parse_key_string(text))

    def is_valid_signature(self, message: bytes, signature: bytes) -> bool:
        """Whether signature is this key's Ed25519 signature of message."""
        public = ed25519.Ed25519PublicKey.from_public_bytes(self.public_key)
        try:
            public.verify(signature, message)
        except InvalidSignature:
            return False
        return True


class Ed25519NoteSigner:
    """A NoteSigner over an Ed25519 private key, loaded once at construction."""

    def __init__(self, name: str, private_key: ed25519.Ed25519PrivateKey) -> None:
        _check_name(name, KeyFormatError)
        self._name = name
        self._key = private_key
        self._public = private_key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )

    @classmethod
    def generate(cls, name: str) -> Ed25519NoteSigner:
        """A signer with a fresh random key."""
        return cls(name, ed25519.Ed25519PrivateKey.generate())

    @classmethod
    def from_private_key_string(cls, text: str) -> Ed25519NoteSigner:
        """Load "PRIVATE+KEY+<name>+<hex key hash>+<base64(0x01 || seed)>"."""
        if not text.startswith(_PRIVATE_PREFIX):
            raise KeyFormatError("a private key string starts with PRIVATE+KEY+")
        name, hash_hex, key = _split_key_string(text.removeprefix(_PRIVATE_PREFIX))
        seed = _decode_key_material(key)
        signer = cls(name, ed25519.Ed25519PrivateKey.from_private_bytes(seed))
        if signer.verifier_key().key_hash.hex() != hash_hex:
            raise KeyFormatError(f"the key hash {hash_hex} does not match the key")
        return signer

    def renamed(self, name: str) -> Ed25519NoteSigner:
        """The same key under another name (a log whose origin changed).

        The key hash covers the name, so the verifier key changes with it.
        """
        return Ed25519NoteSigner(name, self._key)

    def derive_key(self, purpose: bytes) -> bytes:
        """A 32-byte secret for another use, HMAC-SHA256(seed, purpose).

        It depends on the key only, not on its name, so it survives a renaming.
        """
        return hmac.new(self._seed(), purpose, hashlib.sha256).digest()

    def _seed(self) -> bytes:
        return self._key.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )

    def private_key_string(self) -> str:
        """The private key string; a secret, to be kept out of logs and repositories."""
        encoded = base64.b64encode(ED25519_TYPE + self._seed()).decode()
        hash_hex = self.verifier_key().key_hash.hex()
        return f"{_PRIVATE_PREFIX}{self._name}+{hash_hex}+{encoded}"

    @property
    def name(self) -> str:
        """The key name."""
        return self._name

    @property
    def public_key(self) -> bytes:
        """The raw public key."""
        return self._public

    def sign(self, message: bytes) -> bytes:
        """The Ed25519 signature of message (deterministic, RFC 8032)."""
        return self._key.sign(message)

    def verifier_key(self) -> VerifierKey:
        """The verifier key that checks this signer's notes."""
        return VerifierKey(self._name, self._public)


def sign_note(text: str, signer: NoteSigner) -> str:
    """Sign note text (ending in a newline) and return the signed note."""
    _check_text(text)
    signature = signer.sign(text.encode())
    hashed = key_hash(signer.name, signer.public_key) + signature
    line = f"{_SIGNATURE_PREFIX}{signer.name} {base64.b64encode(hashed).decode()}\n"
    return f"{text}\n{line}"


def open_note(note: str | bytes, key: VerifierKey) -> str:
    """Verify a signed note against one trusted key and return its text.

    Signatures by other keys are ignored, as the specification asks. Raises
    NoteFormatError (malformed), UnknownKeyError (no signature by `key`) or
    SignatureInvalidError (a signature by `key` does not verify).
    """
    text, lines = _split_note(_note_text(note))
    found = False
    for name, hash_, signature in (_parse_signature_line(line) for line in lines):
        if name != key.name or hash_ != key.key_hash:
            continue
        if not key.is_valid_signature(text.encode(), signature):
            raise SignatureInvalidError(
                "the signature by %(name)s does not verify", name=name
            )
        found = True
    if not found:
        raise UnknownKeyError(
            "the note has no signature by %(key)s", key=key.to_string()
        )
    return text


def _note_text(note: str | bytes) -> str:
    if isinstance(note, bytes):
        try:
            return note.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise NoteFormatError("a signed note must be UTF-8") from exc
    return note


def _split_note(note: str) -> tuple[str, list[str]]:
    # The signatures follow the last blank line; the text keeps its final newline.
    _check_characters(note)
    split = note.rfind("\n\n")
    if split < 0 or not note.endswith("\n"):
        raise NoteFormatError("a signed note ends with a blank line and signatures")
    lines = note[split + 2 :].split("\n")[:-1]
    if not lines or len(lines) > _MAX_SIGNATURES:
        raise NoteFormatError(f"a note carries 1 to {_MAX_SIGNATURES} signatures")
    return note[: split + 1], lines


def _parse_signature_line(line: str) -> tuple[str, bytes, bytes]:
    if not line.startswith(_SIGNATURE_PREFIX):
        raise NoteFormatError(f"a signature line starts with an em dash: {line!r}")
    name, _, encoded = line.removeprefix(_SIGNATURE_PREFIX).partition(" ")
    _check_name(name, NoteFormatError)
    raw = _b64decode(encoded, NoteFormatError)
    if len(raw) < 5:
        raise NoteFormatError(f"the signature of {name} is too short")
    return name, raw[:4], raw[4:]


def _check_text(text: str) -> None:
    _check_characters(text)
    if not text.endswith("\n"):
        raise NoteFormatError("note text must end with a newline")


def _check_characters(text: str) -> None:
    if any(ord(c) < 0x20 and c != "\n" for c in text):
        raise NoteFormatError("a note holds no control characters but newlines")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise NoteFormatError("a note must be valid UTF-8") from exc


def _check_name(name: object, error: type[Exception]) -> None:
    # c2sp.org/signed-note: a key name is non-empty, with no spaces and no "+".
    if not isinstance(name, str) or not name or "+" in name:
        raise error(f"key name {name!r} is empty or contains '+'")
    if any(c.isspace() for c in name):
        raise error(f"key name {name!r} contains whitespace")


def _split_key_string(text: str) -> tuple[str, str, str]:
    # Split twice only: the base64 key material may itself contain "+".
    name, _, rest = text.partition("+")
    hash_hex, _, key = rest.partition("+")
    if len(hash_hex) != 8 or any(c not in "0123456789abcdef" for c in hash_hex):
        raise KeyFormatError("a key string is <name>+<8 hex digits>+<base64 key>")
    return name, hash_hex, key


def _decode_key_material(encoded: str, type_byte: bytes = ED25519_TYPE) -> bytes:
    raw = _b64decode(encoded, KeyFormatError)
    if len(raw) != 33 or raw[:1] != type_byte:
        raise KeyFormatError(
            f"key material is 0x{type_byte.hex()} then a 32-byte Ed25519 key"
        )
    return raw[1:]


def _b64decode(encoded: str, error: type[Exception]) -> bytes:
    try:
        raw = base64.b64decode(encoded, validate=True)
    except ValueError as exc:  # binascii.Error included
        raise error(f"{encoded!r} is not standard base64") from exc
    if not encoded or base64.b64encode(raw).decode() != encoded:
        raise error(f"{encoded!r} is not canonical base64")
    return raw
