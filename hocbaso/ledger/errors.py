"""The exceptions of the ledger core: one base class, one subclass per failure."""

from __future__ import annotations


class LedgerError(Exception):
    """Base class: a ledger operation or a verification cannot go on."""


class ProofError(LedgerError):
    """An inclusion or consistency proof does not verify; the message says why."""


class TreeSizeError(LedgerError):
    """An index or tree size the log does not have, or an impossible pair of sizes."""


class EntryError(LedgerError):
    """An entry has a missing, malformed or forbidden value, or undecodable bytes."""


class StorageError(LedgerError):
    """The storage lacks a hash or an entry, or refused an out-of-order write."""


class KeyFormatError(LedgerError):
    """A verifier key or private key string is malformed (c2sp.org/signed-note)."""


class CheckpointError(LedgerError):
    """A signed checkpoint cannot be accepted (base of the three failures below).

    ``code`` is stable; ``template`` (an English msgid with ``%(name)s`` fields)
    and ``params`` let a boundary say it in the reader's language."""

    code = "CHECKPOINT_INVALID"

    def __init__(self, template: str, **params: object) -> None:
        self.template = template
        self.params = {key: str(value) for key, value in params.items()}
        super().__init__(template % self.params if self.params else template)


class NoteFormatError(CheckpointError):
    """The signed note or the checkpoint body is malformed (c2sp.org/signed-note)."""

    code = "CHECKPOINT_MALFORMED"


class UnknownKeyError(CheckpointError):
    """The note carries no signature by the key the verifier trusts."""

    code = "CHECKPOINT_UNKNOWN_KEY"


class SignatureInvalidError(CheckpointError):
    """A signature by the trusted key does not verify: the note was altered."""

    code = "CHECKPOINT_FORGED"
