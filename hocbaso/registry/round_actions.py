"""Rounds through the registry's operations: locking a round in a scope, the
records it is missing, and the unit's report of the round (docs/registry.md,
"Rounds, deadlines, locking (R10, R11)" and "Unit reports (R13)").

Reached through ``hocbaso.registry.actions``, the registry's public entry.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from hocbaso.records.models import Department, ManagementUnit, School, SchoolYear
from hocbaso.registry import (
    locking,
    lookups,
    reporting,
    rounds,
)
from hocbaso.registry.actors import Actor, check_unit, may_see
from hocbaso.registry.clock import Clock, now
from hocbaso.registry.errors import (
    NotAllowedError,
)
from hocbaso.registry.locking import LockResult, MissingRecord
from hocbaso.registry.reporting import SchoolFigures, UnitReportView


def lock_round(
    school_year: SchoolYear | str,
    round_name: str,
    *,
    scope: School | ManagementUnit | Department | None = None,
    actor: Actor,
    at: datetime | None = None,
    clock: Clock | None = None,
) -> LockResult:
    """Lock every accepted current submission of the round in the scope.

    ``scope`` is one school (locking early), a management unit, a department, or
    None for the whole registry (the scheduler at the deadline). ``at`` (default
    now) is the records' effective date. Schools already locked are skipped;
    records never submitted are listed as missing. Raises NotAllowedError,
    LockTimeError.
    """
    current = now(clock)
    return locking.lock_round(
        lookups.school_year(school_year),
        rounds.check_round(round_name).value,
        scope=scope,
        actor=actor,
        at=at or current,
        current_time=current,
    )


def missing_records(
    school_year: SchoolYear | str,
    round_name: str,
    *,
    scope: School | ManagementUnit | Department | None = None,
    actor: Actor,
    clock: Clock | None = None,
) -> tuple[MissingRecord, ...]:
    """The records of the round with no current submission, in the scope."""
    year = lookups.school_year(school_year)
    round_value = rounds.check_round(round_name).value
    if isinstance(scope, School):
        if not may_see(actor, scope):
            raise NotAllowedError(_("You may not see the records of this school."))
    else:
        locking.authorize(actor, scope, timezone.localdate(now(clock)))
    schools = rounds.schools_in(scope, year, round_value).order_by("code")
    return tuple(m for s in schools for m in locking.missing_of(s, year, round_value))


# --- unit reports ------------------------------------------------------------


def unit_report_figures(
    unit: ManagementUnit | str,
    school_year: SchoolYear | str,
    round_name: str,
    *,
    actor: Actor,
    clock: Clock | None = None,
) -> tuple[SchoolFigures, ...]:
    """The figures a unit's report would carry now (a preview)."""
    unit = lookups.unit(unit)
    check_unit(actor, unit, timezone.localdate(now(clock)), department_too=True)
    return reporting.unit_figures(
        unit, lookups.school_year(school_year), rounds.check_round(round_name).value
    )


def submit_unit_report(
    unit: ManagementUnit | str,
    school_year: SchoolYear | str,
    round_name: str,
    *,
    actor: Actor,
    clock: Clock | None = None,
) -> UnitReportView:
    """The unit's officer sends the round's report to the department (R13).

    Recorded with its figures, sender, time, deadline and whether it is late.
    Raises NotAllowedError, ReportExistsError.
    """
    report = reporting.submit_report(
        lookups.unit(unit),
        lookups.school_year(school_year),
        rounds.check_round(round_name).value,
        actor=actor,
        at=now(clock),
    )
    return UnitReportView.from_model(report)
