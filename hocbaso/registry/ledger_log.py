"""The registry's ledger: its key, its appending sessions, its checkpoints, its proofs.

Every transaction that accepts, replaces, revokes, locks or transfers opens one
``ledger_session`` (which locks the ledger head first), appends its entries and, on
leaving, stores them with a new checkpoint signed by the registry's Ed25519 key
(c2sp.org/tlog-checkpoint), all in the same transaction (docs/registry.md).

The key is generated at first use and kept in settings.HOCBASO_LEDGER_KEY with mode
0600; it is never committed. With HOCBASO_LEDGER_PKCS11 it lives on a PKCS#11 token
instead, away from the database (ledger_pkcs11.py). The log's name, the origin line
of its checkpoints and its key's name, is settings.HOCBASO_LEDGER_ORIGIN
(c2sp.org/tlog-checkpoint: this deployment's public host and path). If it changes,
the same Ed25519 key signs under the new name; each stored checkpoint keeps the
origin it was signed under in its own text, and is verified under that name
(``checkpoint_verifier_key``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _

from hocbaso.files import write_private_once
from hocbaso.ledger import (
    Checkpoint,
    Ed25519NoteSigner,
    Entry,
    KeyFormatError,
    Ledger,
    VerifierKey,
    sign_checkpoint,
    verify_checkpoint,
)
from hocbaso.registry.errors import LedgerKeyError
from hocbaso.registry.ledger_pkcs11 import PKCS11Config, Pkcs11NoteSigner, open_signer
from hocbaso.registry.ledger_store import AppendingStorage, DatabaseStorage, lock_head
from hocbaso.registry.models import LedgerCheckpoint

_signers: dict[tuple[str, float], Ed25519NoteSigner] = {}
NoteKey = Ed25519NoteSigner | Pkcs11NoteSigner


def ledger_origin() -> str:
    """This log's name: the first line of its checkpoints and its key's name."""
    return settings.HOCBASO_LEDGER_ORIGIN


def ledger_signer() -> NoteKey:
    """The registry's key, named after the configured origin: on a PKCS#11 token if
    HOCBASO_LEDGER_PKCS11 is set (ledger_pkcs11.py), else the key file
    settings.HOCBASO_LEDGER_KEY, generated if missing."""
    origin = ledger_origin()
    token = _setting("HOCBASO_LEDGER_PKCS11")
    if token:
        try:
            return open_signer(PKCS11Config.parse(token), origin)
        except KeyFormatError as exc:
            raise LedgerKeyError(
                _("the ledger key on the PKCS#11 token cannot be used: %(error)s")
                % {"error": exc}
            ) from exc
    return key_file_signer(Path(settings.HOCBASO_LEDGER_KEY), origin)


def _setting(name: str) -> str:
    return str(getattr(settings, name, None) or os.environ.get(name, "")).strip()


def key_file_signer(path: Path, name: str) -> Ed25519NoteSigner:
    """The Ed25519 key kept in ``path`` (mode 0600, generated if missing) under
    ``name``; LedgerKeyError if it cannot be read."""
    if not path.exists():
        _generate_key(path, name)
    try:
        cache_key = (str(path), path.stat().st_mtime)
        if cache_key not in _signers:
            text = path.read_text(encoding="ascii").strip()
            _signers[cache_key] = Ed25519NoteSigner.from_private_key_string(text)
        signer = _signers[cache_key]
        return signer if signer.name == name else signer.renamed(name)
    except (OSError, UnicodeDecodeError, KeyFormatError) as exc:
        raise LedgerKeyError(
            _("the ledger key %(path)s cannot be used: %(error)s")
            % {"path": path, "error": exc}
        ) from exc


def _generate_key(path: Path, name: str) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    signer = Ed25519NoteSigner.generate(name)
    # another process may make it first: then theirs is used, never half read
    write_private_once(path, (signer.private_key_string() + "\n").encode("ascii"))


def verifier_key() -> VerifierKey:
    """The public key that checks the registry's checkpoints."""
    return ledger_signer().verifier_key()


def checkpoint_origin(note: str) -> str:
    """The origin a stored checkpoint names (its first line), not yet verified."""
    return note.partition("\n")[0]


def checkpoint_verifier_key(note: str) -> VerifierKey:
    """The registry's key under the name of the origin the checkpoint names.

    Checkpoints signed before an origin change stay verifiable: only the key's
    name changed. Raises KeyFormatError if that line is not a valid key name.
    """
    return VerifierKey(checkpoint_origin(note), ledger_signer().public_key)


def verify_stored_checkpoint(note: str) -> Checkpoint:
    """A stored checkpoint, verified under the origin it names; CheckpointError or
    KeyFormatError (both LedgerError) if it does not verify."""
    key = checkpoint_verifier_key(note)
    return verify_checkpoint(note, key, key.name)


def reading_ledger() -> Ledger:
    """The ledger over the tables, for proofs and entries (no appends)."""
    return Ledger(DatabaseStorage(), ledger_origin())


class LedgerSession:
    """The appends of one transaction, over the locked head."""

    def __init__(self) -> None:
        self._storage = AppendingStorage(lock_head())
        self._ledger = Ledger(self._storage, ledger_origin())
        self._start = self._ledger.size

    def append(self, entry: Entry) -> int:
        """Append an entry; its index in the log."""
        return self._ledger.append(entry)

    def close(self, at: datetime) -> None:
        """Store the appended entries and, if the log grew, a signed checkpoint."""
        size = self._ledger.size
        if size == self._start:
            return
        root = self._ledger.root(size)
        signer = ledger_signer()
        note = sign_checkpoint(Checkpoint(signer.name, size, root), signer)
        self._storage.flush()
        LedgerCheckpoint.objects.create(size=size, root=root, note=note, created_at=at)


@contextmanager
def ledger_session(at: datetime) -> Iterator[LedgerSession]:
    """Open a session inside the caller's transaction; it closes with the block."""
    if not connection.in_atomic_block:
        raise RuntimeError("ledger appends run inside transaction.atomic")
    session = LedgerSession()
    yield session
    session.close(at)


def latest_checkpoint() -> LedgerCheckpoint | None:
    return LedgerCheckpoint.objects.order_by("-size").first()


def checkpoint_at(size: int) -> str | None:
    """The signed checkpoint stored for tree ``size``, or None."""
    row = LedgerCheckpoint.objects.filter(size=size).only("note").first()
    return row.note if row else None
