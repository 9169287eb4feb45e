"""Witness cosignatures over checkpoints (c2sp.org/tlog-cosignature, cosignature/v1).

A witness signs, with Ed25519, the message

    cosignature/v1
    time <seconds since the epoch, decimal>
    <the checkpoint body, every line ending in a newline>

and writes it as a signed-note signature line: an em dash, its name, a space and
base64(4-byte key hash || 8-byte big-endian timestamp || 64-byte signature). The key
hash is SHA-256(name || 0x0A || 0x04 || public key)[:4]: type 0x04, so a
cosignature key never collides with a log's 0x01 key of the same name, and a note
verifier that does not know the witness ignores its line. The verifier key string is
"<name>+<hex key hash>+<base64(0x04 || public key)>".
"""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from dataclasses import dataclass

from hocbaso.ledger.checkpoint import Checkpoint
from hocbaso.ledger.errors import (
    KeyFormatError,
    NoteFormatError,
    SignatureInvalidError,
)
from hocbaso.ledger.note import (
    NoteSigner,
    VerifierKey,
    _check_name,
    _parse_signature_line,
    _split_note,
    key_hash,
    key_string,
    parse_key_string,
)

COSIGNATURE_TYPE = b"\x04"
"""The signature type byte of cosignature/v1 in key hashes and key strings."""

_SIGNATURE_PREFIX = "\u2014 "
_MAX_TIMESTAMP = 2**63 - 1  # the spec's uint64, kept within a signed 64-bit column


def cosignature_key_hash(name: str, public_key: bytes) -> bytes:
    """SHA-256(name || 0x0A || 0x04 || public key)[:4]."""
    return key_hash(name, public_key, COSIGNATURE_TYPE)


def cosigned_message(body: str, timestamp: int) -> bytes:
    """What a witness signs: the header lines, then the checkpoint body."""
    return f"cosignature/v1\ntime {timestamp}\n{body}".encode()


@dataclass(frozen=True)
class CosignatureKey:
    """A witness's Ed25519 cosigning key under its name; KeyFormatError if malformed."""

    name: str
    public_key: bytes

    def __post_init__(self) -> None:
        _check_name(self.name, KeyFormatError)
        if not isinstance(self.public_key, bytes) or len(self.public_key) != 32:
            raise KeyFormatError("an Ed25519 public key has 32 bytes")

    @property
    def key_hash(self) -> bytes:
        """The 4-byte key hash that the witness's signature lines carry."""
        return cosignature_key_hash(self.name, self.public_key)

    def to_string(self) -> str:
        """ "<name>+<hex key hash>+<base64(0x04 || key)>"."""
        return key_string(self.name, self.public_key, COSIGNATURE_TYPE)

    @classmethod
    def from_string(cls, text: str) -> CosignatureKey:
        """Parse a cosignature verifier key string, checking type byte and key hash."""
        return cls(*parse_key_string(text.strip(), COSIGNATURE_TYPE))


@dataclass(frozen=True)
class Cosignature:
    """A verified cosignature: which witness, and when it says it cosigned."""

    witness: str
    timestamp: int
    line: str


def cosign_checkpoint(
    checkpoint: Checkpoint, signer: NoteSigner, timestamp: int
) -> str:
    """The witness's signature line (ending in a newline) over the checkpoint."""
    if not 0 <= timestamp <= _MAX_TIMESTAMP:
        raise NoteFormatError(f"timestamp {timestamp} is out of range")
    signature = signer.sign(cosigned_message(checkpoint.to_text(), timestamp))
    raw = (
        cosignature_key_hash(signer.name, signer.public_key)
        + timestamp.to_bytes(8, "big")
        + signature
    )
    return f"{_SIGNATURE_PREFIX}{signer.name} {base64.b64encode(raw).decode()}\n"


def cosigning_key(signer: NoteSigner) -> CosignatureKey:
    """The verifier key of a signer used as a witness."""
    return CosignatureKey(signer.name, signer.public_key)


def verify_cosignatures(note: str, keys: Sequence[CosignatureKey]) -> list[Cosignature]:
    """The valid cosignatures of the note's checkpoint by the trusted witness keys.

    Lines by other keys are ignored (the log's own signature among them). A line by
    a trusted key that does not verify is SignatureInvalidError: the note was
    altered. At most one cosignature per witness is counted, so a witness cannot
    be counted twice by repeating its line with another timestamp.
    """
    text, lines = _split_note(note)
    trusted = {(k.name, k.key_hash): k for k in keys}
    found: dict[str, Cosignature] = {}
    for line in lines:
        name, hash_, rest = _parse_signature_line(line)
        key = trusted.get((name, hash_))
        if key is None:
            continue
        if len(rest) != 8 + 64:
            raise NoteFormatError(f"the cosignature of {name} has the wrong length")
        timestamp = int.from_bytes(rest[:8], "big")
        as_note_key = VerifierKey(key.name, key.public_key)
        if not as_note_key.is_valid_signature(
            cosigned_message(text, timestamp), rest[8:]
        ):
            raise SignatureInvalidError(
                "the cosignature by %(name)s does not verify", name=name
            )
        found.setdefault(name, Cosignature(name, timestamp, line + "\n"))
    return list(found.values())


def add_signature_lines(note: str, lines: str) -> str:
    """The note with more signature lines appended (a witness's answer, say).

    Every appended line must be a well-formed signature line; NoteFormatError if not.
    """
    _split_note(note)
    added = lines.split("\n")
    if not lines.endswith("\n") or not lines.strip():
        raise NoteFormatError("signature lines each end in a newline")
    for line in added[:-1]:
        if not re.fullmatch(r"\u2014 \S+ \S+", line):
            raise NoteFormatError(f"{line!r} is not a signature line")
        _parse_signature_line(line)
    result = note + lines
    _split_note(result)  # still at most the allowed number of signatures
    return result
