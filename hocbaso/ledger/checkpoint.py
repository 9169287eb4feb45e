"""Checkpoints (c2sp.org/tlog-checkpoint): the signed statement of a tree head.

The body is the origin line, the tree size in decimal, the base64 root hash, then
optional extension lines, each line ending in a newline; it is signed as a note
(c2sp.org/signed-note) by the log's Ed25519 key, whose name is the origin.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass

from hocbaso.ledger.errors import NoteFormatError
from hocbaso.ledger.merkle import HASH_SIZE
from hocbaso.ledger.note import NoteSigner, VerifierKey, open_note, sign_note

_SIZE = re.compile(r"0|[1-9][0-9]*")  # ASCII decimal, no leading zeroes
# A schema-less URL (c2sp.org/tlog-checkpoint): a lowercase host name, an optional
# port, an optional path of plain segments. No scheme, space, "+" or query, so it
# is also a valid key name (c2sp.org/signed-note).
_ORIGIN = re.compile(
    r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*"
    r"(?::[0-9]{1,5})?(?:/[A-Za-z0-9._~-]+)*"
)
_MAX_ORIGIN = 255


@dataclass(frozen=True)
class Checkpoint:
    """A tree head of the log named `origin`; raises NoteFormatError if malformed."""

    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for line in (self.origin, *self.extensions):
            if not line or "\n" in line:
                raise NoteFormatError("checkpoint lines are non-empty single lines")
        if self.size < 0:
            raise NoteFormatError("a tree size is not negative")
        if len(self.root_hash) != HASH_SIZE:
            raise NoteFormatError(f"a root hash has {HASH_SIZE} bytes")

    def to_text(self) -> str:
        """The checkpoint body, the text the log signs."""
        root = base64.b64encode(self.root_hash).decode()
        lines = [self.origin, str(self.size), root, *self.extensions]
        return "".join(f"{line}\n" for line in lines)

    @classmethod
    def from_text(cls, text: str) -> Checkpoint:
        """Parse a checkpoint body (the text of a verified note)."""
        if not text.endswith("\n"):
            raise NoteFormatError("a checkpoint body ends with a newline")
        lines = text[:-1].split("\n")
        if len(lines) < 3:
            raise NoteFormatError("a checkpoint has origin, size and root lines")
        origin, size, root, *extensions = lines
        if not _SIZE.fullmatch(size):
            raise NoteFormatError(f"tree size {size!r} is not a decimal number")
        return cls(origin, int(size), _decode_root(root), tuple(extensions))


def _decode_root(line: str) -> bytes:
    try:
        raw = base64.b64decode(line, validate=True)
    except ValueError as exc:
        raise NoteFormatError(f"root hash {line!r} is not base64") from exc
    if base64.b64encode(raw).decode() != line:
        raise NoteFormatError(f"root hash {line!r} is not canonical base64")
    return raw


def check_origin(origin: str) -> str:
    """The origin if it names a log as a schema-less URL; NoteFormatError if not.

    For example ``hocba.hanoi.edu.vn/ledger``: the log's public host and path.
    """
    if len(origin) > _MAX_ORIGIN or not _ORIGIN.fullmatch(origin):
        raise NoteFormatError(
            f"origin {origin!r} is not a schema-less URL such as "
            "hocba.example.edu.vn/ledger (lowercase host, optional port and path)"
        )
    return origin


def origin_from_url(url: str, path: str = "ledger") -> str:
    """The origin of a log served under a public base URL: its host, path and `path`.

    ``https://hocba.hanoi.edu.vn/`` gives ``hocba.hanoi.edu.vn/ledger``. Raises
    NoteFormatError if the URL has no host or the result is not an origin.
    """
    match = re.fullmatch(r"(?:https?://)?([^/?#]+)(/[^?#]*)?(?:[?#].*)?", url.strip())
    if match is None:
        raise NoteFormatError(f"{url!r} is not an http(s) URL with a host")
    base = (match.group(1).lower() + (match.group(2) or "")).rstrip("/")
    return check_origin(f"{base}/{path}")


def sign_checkpoint(checkpoint: Checkpoint, signer: NoteSigner) -> str:
    """The signed note of a checkpoint."""
    return sign_note(checkpoint.to_text(), signer)


def verify_checkpoint(
    note: str | bytes, key: VerifierKey, origin: str | None = None
) -> Checkpoint:
    """Verify a signed checkpoint against the log's key and parse it.

    With `origin`, the checkpoint must name that log. Raises a CheckpointError:
    NoteFormatError, UnknownKeyError or SignatureInvalidError.
    """
    checkpoint = Checkpoint.from_text(open_note(note, key))
    if origin is not None and checkpoint.origin != origin:
        raise NoteFormatError(
            f"the checkpoint is of log {checkpoint.origin!r}, not {origin!r}"
        )
    return checkpoint
