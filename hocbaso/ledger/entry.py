"""Ledger entries: what happened, to which opaque subject, when, and the hashes.

An entry holds opaque identifiers and SHA-256 hashes only, never personal data and
never a lookup code (the code is a credential). The type has no field that could
carry a name, a birth date or a lookup code, and identifiers that look like a lookup
code (a UUID, with or without hyphens) or a personal identification number
(12 digits) are refused. docs/ledger.md documents the byte encoding.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from hocbaso.ledger.errors import EntryError
from hocbaso.ledger.merkle import HASH_SIZE, hash_leaf

ENCODING_VERSION = 2
"""The newest "v" of the encoding; a new field or rule means a new version.

Version 2 adds ``note``. An entry without a note is still encoded as version 1,
byte for byte, so every entry written before keeps its leaf hash."""

_IDENTIFIER = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")
_LOOKS_PERSONAL = re.compile(
    r"[0-9a-fA-F]{32}"  # a lookup code, or any UUID written as 32 hex digits
    r"|[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}"  # the same with hyphens
    r"|[0-9]{12}"  # a personal identification number
)


class Event(StrEnum):
    """The stable event types of the ledger, written ``subject:action``."""

    RECORD_SUBMIT = "record:submit"
    RECORD_REPLACE = "record:replace"
    RECORD_REVOKE = "record:revoke"
    ROUND_LOCK = "round:lock"
    TRANSFER_REQUEST = "transcript:transfer-request"
    TRANSFER_RELEASE = "transcript:transfer-release"
    TRANSFER_ACKNOWLEDGE = "transcript:transfer-acknowledge"
    CORRECTION_REQUEST = "correction:request"
    CORRECTION_DECIDE = "correction:decide"
    RECORD_CORRECT = "record:correct"


_RECORD_EVENTS = {
    Event.RECORD_SUBMIT,
    Event.RECORD_REPLACE,
    Event.RECORD_REVOKE,
    Event.CORRECTION_REQUEST,
    Event.CORRECTION_DECIDE,
    Event.RECORD_CORRECT,
}
# A correction after the lock names the locked packet it is about (previous) and
# commits to its free text (note): the request's reason, the decision.
_TAKES_PREVIOUS = {Event.RECORD_REPLACE, Event.CORRECTION_REQUEST, Event.RECORD_CORRECT}
_TAKES_NOTE = {
    Event.RECORD_REVOKE,
    Event.CORRECTION_REQUEST,
    Event.CORRECTION_DECIDE,
    Event.RECORD_CORRECT,
}


@dataclass(frozen=True)
class Entry:
    """One ledger entry. Validated on construction; raises EntryError.

    subject: opaque token of what the event is about (the yearly record for record
        events, the round and scope for a lock, the transcript for a transfer).
    reference: opaque id of the act (the submission, the lock, the transfer).
    digest: SHA-256 of the packet bytes (required for record events; for a revoke,
        of the packet withdrawn), or of the lock's list of submissions (optional).
    previous: SHA-256 of the packet a replacement supersedes (replacements only).
    note: a 32-byte commitment to the act's free text, a revocation's reason
        (revocations only; version 2). The caller keys it so that it reveals
        nothing of the text: the ledger never carries the text itself.
    """

    event: Event
    time: datetime
    subject: str
    reference: str
    digest: bytes | None = None
    previous: bytes | None = None
    note: bytes | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.event, Event):
            raise EntryError(f"unknown event type {self.event!r}")
        object.__setattr__(self, "time", _utc(self.time))
        for name in ("subject", "reference"):
            _check_identifier(name, getattr(self, name))
        for name in ("digest", "previous", "note"):
            _check_hash(name, getattr(self, name))
        _check_event_rules(self)

    def to_bytes(self) -> bytes:
        """The canonical encoding: JSON, sorted keys, no spaces, ASCII only."""
        return json.dumps(
            _to_json(self), sort_keys=True, separators=(",", ":"), ensure_ascii=True
        ).encode("ascii")

    @classmethod
    def from_bytes(cls, data: bytes) -> Entry:
        """Decode canonical bytes; anything else (extra keys, spaces) is EntryError."""
        try:
            value = json.loads(data.decode("ascii"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise EntryError(f"entry bytes are not ASCII JSON: {exc}") from exc
        entry = _from_json(value)
        if entry.to_bytes() != data:
            raise EntryError("entry bytes are not in the canonical encoding")
        return entry

    def leaf_hash(self) -> bytes:
        """The RFC 6962 leaf hash of the canonical encoding."""
        return hash_leaf(self.to_bytes())


def _utc(value: object) -> datetime:
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise EntryError("an entry's time must be an aware datetime")
    return value.astimezone(UTC)


def _check_identifier(name: str, value: object) -> None:
    if not isinstance(value, str) or not _IDENTIFIER.fullmatch(value):
        raise EntryError(
            f"{name} {value!r} is not an opaque identifier "
            "(1-64 of A-Z a-z 0-9 . _ : -, starting with a letter or digit)"
        )
    if _LOOKS_PERSONAL.fullmatch(value):
        raise EntryError(
            f"{name} {value!r} looks like a lookup code or a personal "
            "identification number; the ledger takes opaque identifiers only"
        )


def _check_hash(name: str, value: object) -> None:
    if value is not None and (not isinstance(value, bytes) or len(value) != HASH_SIZE):
        raise EntryError(f"{name} must be a {HASH_SIZE}-byte SHA-256 hash or None")


def _check_event_rules(entry: Entry) -> None:
    if entry.event in _RECORD_EVENTS and entry.digest is None:
        raise EntryError(f"{entry.event} needs the digest of the packet")
    takes_previous = entry.event in _TAKES_PREVIOUS
    if takes_previous and entry.previous is None:
        raise EntryError(f"{entry.event} needs the digest of the previous packet")
    if not takes_previous and entry.previous is not None:
        raise EntryError(f"{entry.event} takes no previous digest")
    if entry.note is not None and entry.event not in _TAKES_NOTE:
        raise EntryError(f"{entry.event} takes no note")


def _to_json(entry: Entry) -> dict[str, Any]:
    value: dict[str, Any] = {
        "v": 1,
        "event": entry.event.value,
        "time": _format_time(entry.time),
        "subject": entry.subject,
        "reference": entry.reference,
        "digest": None if entry.digest is None else entry.digest.hex(),
        "previous": None if entry.previous is None else entry.previous.hex(),
    }
    if entry.note is not None:
        value.update(v=2, note=entry.note.hex())
    return value


_KEYS = {2: {"v"} | {f.name for f in fields(Entry)}}
_KEYS[1] = _KEYS[2] - {"note"}


def _from_json(value: object) -> Entry:
    if not isinstance(value, dict) or value.get("v") not in _KEYS:
        version = value.get("v") if isinstance(value, dict) else None
        raise EntryError(f"entry encoding version {version!r} is not supported")
    keys = _KEYS[value["v"]]
    if set(value) != keys:
        raise EntryError(f"an entry is a JSON object with exactly {sorted(keys)}")
    return Entry(
        event=_parse_event(value["event"]),
        time=_parse_time(value["time"]),
        subject=value["subject"],
        reference=value["reference"],
        digest=_parse_hex(value["digest"], "digest"),
        previous=_parse_hex(value["previous"], "previous"),
        note=_parse_hex(value.get("note"), "note"),
    )


def _parse_event(value: object) -> Event:
    for event in Event:
        if value == event.value:
            return event
    raise EntryError(f"event {value!r} is not one of the ledger's")


def _format_time(value: datetime) -> str:
    # RFC 3339 in UTC with microseconds, always 27 characters long:
    # 2025-06-30T17:00:00.000000Z
    return value.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def _parse_time(value: object) -> datetime:
    try:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None or parsed.utcoffset() is None:
        raise EntryError(f"time {value!r} is not like 2025-06-30T17:00:00.000000Z")
    return parsed


def _parse_hex(value: object, name: str) -> bytes | None:
    if value is None:
        return None
    if not isinstance(value, str) or not re.fullmatch(r"[0-9a-f]{64}", value):
        raise EntryError(f"{name} must be 64 lowercase hex digits or null")
    return bytes.fromhex(value)
