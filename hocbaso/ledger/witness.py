"""A witness's decision on an add-checkpoint request (c2sp.org/tlog-witness).

The request body is "old <size>\\n", up to 63 base64 consistency-proof lines, an
empty line, then the signed checkpoint. The witness cosigns only a checkpoint that
is signed by a key it trusts for that origin and that extends, by an RFC 6962
§2.1.2 consistency proof, the latest checkpoint it cosigned for that origin. The
storage (and its atomicity: check and update under one lock) is the caller's; this
module decides, and every refusal is a WitnessError whose ``status`` is the HTTP
status the specification prescribes and whose ``code`` is stable.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from dataclasses import dataclass

from hocbaso.ledger.checkpoint import Checkpoint, verify_checkpoint
from hocbaso.ledger.errors import (
    CheckpointError,
    LedgerError,
    ProofError,
    SignatureInvalidError,
    UnknownKeyError,
)
from hocbaso.ledger.merkle import EMPTY_ROOT, HASH_SIZE, verify_consistency
from hocbaso.ledger.note import VerifierKey

MAX_PROOF_LINES = 63
MAX_TREE_SIZE = 2**63 - 1
MAX_REQUEST_BYTES = 64 * 1024  # a checkpoint, 63 hashes and 100 signatures fit
_OLD = re.compile(r"old (0|[1-9][0-9]{0,18})")


class WitnessError(LedgerError):
    """The witness refuses to cosign; ``status`` and ``code`` say why."""

    status = 400
    code = "WITNESS_BAD_REQUEST"

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message)
        self.params = params


class BadRequestError(WitnessError):
    """The body is not an add-checkpoint request, or old size > checkpoint size."""


class UnknownLogError(WitnessError):
    """No trusted key for the checkpoint's origin."""

    status = 404
    code = "WITNESS_UNKNOWN_LOG"


class ForbiddenError(WitnessError):
    """No signature by a key trusted for that origin verifies."""

    status = 403
    code = "WITNESS_BAD_SIGNATURE"


class ConflictError(WitnessError):
    """The old size is not the witness's, or same size with another root.

    ``known_size`` is the size of the latest checkpoint the witness cosigned.
    """

    status = 409
    code = "WITNESS_CONFLICT"

    def __init__(self, message: str, known_size: int) -> None:
        super().__init__(message, known_size=known_size)
        self.known_size = known_size


class InconsistentError(WitnessError):
    """The consistency proof does not verify: the log may have been rewritten."""

    status = 422
    code = "WITNESS_INCONSISTENT"


@dataclass(frozen=True)
class AddCheckpoint:
    """A parsed add-checkpoint request; the note is not verified yet."""

    old_size: int
    proof: tuple[bytes, ...]
    note: str

    @property
    def origin(self) -> str:
        """The origin the note names (its first line), unverified."""
        return self.note.partition("\n")[0]

    def to_bytes(self) -> bytes:
        """The request body."""
        lines = [f"old {self.old_size}"] + [
            base64.b64encode(h).decode() for h in self.proof
        ]
        return ("\n".join(lines) + "\n\n" + self.note).encode()


@dataclass(frozen=True)
class WitnessedHead:
    """The latest checkpoint a witness cosigned for one origin."""

    size: int
    root_hash: bytes


def parse_add_checkpoint(body: bytes) -> AddCheckpoint:
    """Parse a request body strictly; BadRequestError naming what is wrong."""
    if len(body) > MAX_REQUEST_BYTES:
        raise BadRequestError("the request is too large", limit=MAX_REQUEST_BYTES)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadRequestError("the request is not UTF-8") from exc
    head, sep, note = text.partition("\n\n")
    lines = head.split("\n")
    if not sep or not note:
        raise BadRequestError("an empty line must separate the proof and checkpoint")
    match = _OLD.fullmatch(lines[0])
    if match is None:
        raise BadRequestError("the first line must be 'old <size>'")
    if len(lines) - 1 > MAX_PROOF_LINES:
        raise BadRequestError("too many proof lines", limit=MAX_PROOF_LINES)
    proof = tuple(_proof_hash(line) for line in lines[1:])
    return AddCheckpoint(int(match.group(1)), proof, note)


def _proof_hash(line: str) -> bytes:
    try:
        raw = base64.b64decode(line, validate=True)
    except ValueError as exc:
        raise BadRequestError("a proof line is not base64", line=line) from exc
    if len(raw) != HASH_SIZE or base64.b64encode(raw).decode() != line:
        raise BadRequestError("a proof line is not a base64 SHA-256 hash", line=line)
    return raw


def check_add_checkpoint(
    request: AddCheckpoint,
    log_keys: Sequence[VerifierKey],
    latest: WitnessedHead | None,
) -> Checkpoint:
    """The checkpoint to cosign, if the request passes every check of the spec.

    ``log_keys`` are the keys trusted for the request's origin (empty: unknown log);
    ``latest`` is what the witness cosigned last for it (None: never).
    """
    checkpoint = _verified(request, log_keys)
    if checkpoint.size > MAX_TREE_SIZE:  # what a signed 64-bit column can store
        raise BadRequestError("the tree size is too large", size=checkpoint.size)
    known = latest or WitnessedHead(0, EMPTY_ROOT)
    if request.old_size > checkpoint.size:
        raise BadRequestError(
            "the old size is larger than the checkpoint's",
            old=request.old_size,
            size=checkpoint.size,
        )
    if request.old_size != known.size:
        raise ConflictError("the old size is not the witness's", known.size)
    if checkpoint.size == known.size:
        if checkpoint.root_hash != known.root_hash or request.proof:
            raise ConflictError("another root for the same size", known.size)
        return checkpoint
    try:
        verify_consistency(
            known.size,
            checkpoint.size,
            known.root_hash,
            checkpoint.root_hash,
            list(request.proof),
        )
    except ProofError as exc:
        raise InconsistentError(str(exc), old=known.size) from exc
    return checkpoint


def _verified(request: AddCheckpoint, keys: Sequence[VerifierKey]) -> Checkpoint:
    if not keys:
        raise UnknownLogError(
            "the witness does not know this log", origin=request.origin
        )
    refused: CheckpointError | None = None
    for key in keys:
        try:
            return verify_checkpoint(request.note, key, key.name)
        except (UnknownKeyError, SignatureInvalidError) as exc:
            refused = exc
        except CheckpointError as exc:
            raise BadRequestError(f"the checkpoint is malformed: {exc}") from exc
    raise ForbiddenError(f"no trusted signature: {refused}")
