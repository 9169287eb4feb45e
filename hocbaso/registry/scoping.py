"""The registry's tables in hocbaso.records' scope rules (domain.md §9).

School staff see their school's receipts, submissions, locks and transfers (a
transfer is seen by both schools, by the receiving one once released); unit
officers and department officers see those of the schools in their scope. The
ledger holds no personal data and is public (docs/ledger.md: served as static
tiles), so every login sees its tables.
"""

from __future__ import annotations

from django.db.models import Q

from hocbaso.records import scope


def _everyone(scope_value, user) -> Q:
    return Q()


_SENDING = scope._through("from_school")
_RECEIVING = scope._through("to_school")


def _transfers(scope_value, user) -> Q:
    """The sending school's transfers, and the receiving school's once released:
    a request alone shows it no other school's pupil (R15)."""
    released = ~Q(state="requested")
    return _SENDING(scope_value, user) | (_RECEIVING(scope_value, user) & released)


def register() -> None:
    from hocbaso.registry import models as m

    scope.register_scope(m.Receipt, "school")
    scope.register_scope(m.RecordResult, "receipt__school")
    scope.register_scope(m.Submission, "school", "record_school")
    scope.register_scope(
        m.RoundLock,
        "school",
        "unit__school_periods__school",
        "department__schools",
    )
    scope.register_scope(m.SchoolRoundLock, "school")
    scope.register_scope(m.UnitReport, "unit__school_periods__school")
    scope.SCOPE_PATHS[m.Transfer] = _transfers
    scope.register_scope(m.AuditEvent, "school")
    for model in (m.LedgerHead, m.LedgerEntry, m.LedgerNode, m.LedgerCheckpoint):
        scope.SCOPE_PATHS[model] = _everyone
