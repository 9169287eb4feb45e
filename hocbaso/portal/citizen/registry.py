"""What the registry holds of a citizen's yearly records: the standing of each, and
the record as signed (parsed from the packet the school sent, not from the school
side's rows). Both are read through the registry's one read side
(hocbaso.registry.holdings); this module only shapes the signed record as JSON."""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import enum
from typing import Any

from hocbaso.packet import RecordSnapshot
from hocbaso.registry.holdings import (
    HeldSubmission,
    RecordStanding,
    Standing,
    packet_of,
    parsed_packet,
    standings,
)

__all__ = [
    "RecordStanding",
    "Standing",
    "signed_snapshot",
    "snapshot_data",
    "standings",
]


def signed_snapshot(submission: HeldSubmission) -> RecordSnapshot | None:
    """The record as the school signed and sent it, or None if unreadable."""
    packet = parsed_packet(packet_of(submission), submission.blob_id)
    return packet.read.snapshot if packet is not None else None


# Keys never handed to a share-code reader: the transcript's lookup code is a
# lasting credential, and staff members' personal ids are theirs, not the
# student's data.
_DROPPED = {"lookup_code"}


def _jsonable(value: Any, *, path: tuple[str, ...] = ()) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {}
        for f in dataclasses.fields(value):
            if f.name in _DROPPED:
                continue
            if f.name == "personal_id" and path and path[-1] != "student":
                continue
            out[f.name] = _jsonable(getattr(value, f.name), path=(*path, f.name))
        return out
    if isinstance(value, (list, tuple)):
        return [_jsonable(v, path=path) for v in value]
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def snapshot_data(snapshot: RecordSnapshot) -> dict[str, Any]:
    """The signed record as plain JSON values, without the lookup code."""
    return _jsonable(snapshot)
