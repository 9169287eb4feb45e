"""Writing the audit trail: one row per audited step, in the step's transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from hocbaso.registry.actors import Actor
from hocbaso.registry.codes import EventType
from hocbaso.registry.models import AuditEvent
from hocbaso.registry.storing_rows import RowInsert


def audit_event(
    action: EventType,
    actor: Actor,
    at: datetime,
    *,
    object_type: str,
    object_id: str,
    school_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """An unsaved audit row (bulk writers save many at once)."""
    return AuditEvent(
        at=at,
        action=action.value,
        actor_user_id=actor.user_id,
        actor_label=actor.label,
        object_type=object_type,
        object_id=object_id,
        school_id=school_id,
        detail=detail or {},
    )


_COLUMNS = tuple(
    f.attname for f in AuditEvent._meta.concrete_fields if not f.primary_key
)
# One row at every audited step (each API POST): its INSERT written once per
# process (storing_rows); nothing listens to the model's save signals.
_ROW = RowInsert(AuditEvent, _COLUMNS)


def record(action: EventType, actor: Actor, at: datetime, **fields: Any) -> None:
    """Write one audit row now."""
    write(audit_event(action, actor, at, **fields))


def write(event: AuditEvent) -> None:
    """Write an unsaved audit row now."""
    _ROW([_row(event)])


def single(event: AuditEvent) -> tuple[str, list]:
    """PostgreSQL: the row's INSERT, not run (``storing_rows.insert_together``)."""
    return _ROW.single(_row(event))


def _row(event: AuditEvent) -> tuple:
    return tuple(getattr(event, c) for c in _COLUMNS)
