"""The registry's tables in hocbaso.records' scope rules (domain.md §9).

School staff see their school's receipts, submissions, locks and transfers (a
transfer is seen by both schools); unit officers and department officers see those
of the schools in their scope. The ledger holds no personal data and is public
(architecture.md: served as static tiles), so every login sees its tables.
"""

from __future__ import annotations

from django.db.models import Q

from hocbaso.records import scope


def _everyone(scope_value, user) -> Q:
    return Q()


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
    scope.register_scope(m.Transfer, "from_school", "to_school")
    scope.register_scope(m.AuditEvent, "school")
    for model in (m.LedgerHead, m.LedgerEntry, m.LedgerNode, m.LedgerCheckpoint):
        scope.SCOPE_PATHS[model] = _everyone
