"""What the registry holds of a citizen's yearly records: the legal status of each,
and the record as signed (parsed from the packet the school sent, not from the
school side's rows)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import enum
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hocbaso.packet import PacketError, RecordSnapshot, parse_packet
from hocbaso.records.models import YearlyRecord
from hocbaso.registry.models import Submission


class Standing(enum.StrEnum):
    EFFECTIVE = "effective"
    PENDING = "pending"
    REVOKED = "revoked"
    ABSENT = "absent"


STANDING_WORDS = {
    Standing.EFFECTIVE: _("effective since %(date)s"),
    Standing.PENDING: _("received by the registry, not yet locked"),
    Standing.REVOKED: _("revoked by the school"),
    Standing.ABSENT: _("not yet sent to the registry"),
}


@dataclass(frozen=True)
class RecordStanding:
    record: YearlyRecord
    standing: Standing
    since: dt.datetime | None
    submission: Submission | None

    @property
    def words(self) -> str:
        text = STANDING_WORDS[self.standing]
        if self.standing == Standing.EFFECTIVE and self.since is not None:
            local = timezone.localtime(self.since)
            return str(text) % {"date": f"{local:%d/%m/%Y}"}
        return str(text)


def standings(records: Iterable[YearlyRecord]) -> list[RecordStanding]:
    """The registry's status of each record, in two queries."""
    records = list(records)
    current: dict[int, Submission] = {}
    withdrawn: dict[int, Submission] = {}
    rows = Submission.objects.filter(record__in=records).order_by("accepted_at", "pk")
    for sub in rows.only(
        "pk", "record_id", "state", "locked_at", "withdrawn_at", "blob_id", "public_id"
    ):
        if sub.state == Submission.State.ACCEPTED:
            current[sub.record_id] = sub
        elif sub.state == Submission.State.REVOKED:
            withdrawn[sub.record_id] = sub
    out = []
    for record in records:
        sub = current.get(record.pk)
        if sub is not None and sub.locked_at is not None:
            out.append(RecordStanding(record, Standing.EFFECTIVE, sub.locked_at, sub))
        elif sub is not None:
            out.append(RecordStanding(record, Standing.PENDING, None, sub))
        elif record.pk in withdrawn:
            gone = withdrawn[record.pk]
            out.append(
                RecordStanding(record, Standing.REVOKED, gone.withdrawn_at, None)
            )
        else:
            out.append(RecordStanding(record, Standing.ABSENT, None, None))
    return out


def signed_snapshot(submission: Submission) -> RecordSnapshot | None:
    """The record as the school signed and sent it, or None if unreadable."""
    try:
        return parse_packet(bytes(submission.blob.data))
    except PacketError:
        return None


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
