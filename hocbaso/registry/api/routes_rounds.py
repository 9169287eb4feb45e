"""Rounds: lock (R10, R11), missing records, the management unit's report (R13).

Who may lock what is the actions' rule (actors.py): a department officer any school,
unit or the department; a unit officer the unit's schools; a school's principal,
deputy or token the school early; the whole registry only the system or a superuser.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from hocbaso.registry import actions, lookups
from hocbaso.registry.api.auth import AUTH, actor_of
from hocbaso.registry.api.schemas import (
    ERRORS,
    Code,
    ErrorOut,
    FiguresOut,
    LockIn,
    LockOut,
    MissingRecordOut,
    RoundName,
    SchoolYearName,
    UnitReportOut,
)
from hocbaso.registry.reporting import totals_of

router = Router(tags=["rounds"], auth=AUTH)


class ScopeQuery(Schema):
    school: str | None = None
    unit: str | None = None
    department: str | None = None


def _scope(school: str | None, unit: str | None, department: str | None):
    """The organisation named by code, or None (the whole registry)."""
    if school:
        return lookups.school(school)
    if unit:
        return lookups.unit(unit)
    if department:
        return lookups.department(department)
    return None


@router.post(
    "/rounds/{school_year}/{round_name}/lock",
    response={200: LockOut, ERRORS: ErrorOut},
)
def lock_round(
    request: HttpRequest,
    school_year: SchoolYearName,
    round_name: RoundName,
    body: LockIn,
):
    """Lock the round in a scope: its accepted submissions become effective."""
    return actions.lock_round(
        school_year,
        round_name,
        scope=_scope(body.school, body.unit, body.department),
        actor=actor_of(request),
        at=body.at,
    )


@router.get(
    "/rounds/{school_year}/{round_name}/missing",
    response={200: list[MissingRecordOut], ERRORS: ErrorOut},
)
def missing_records(
    request: HttpRequest,
    school_year: SchoolYearName,
    round_name: RoundName,
    where: Query[ScopeQuery],
):
    """The records of the round with no current submission (give one scope)."""
    return actions.missing_records(
        school_year,
        round_name,
        scope=_scope(where.school, where.unit, where.department),
        actor=actor_of(request),
    )


@router.get(
    "/units/{unit_code}/reports/{school_year}/{round_name}",
    response={200: FiguresOut, ERRORS: ErrorOut},
)
def unit_report_figures(
    request: HttpRequest,
    unit_code: Code,
    school_year: SchoolYearName,
    round_name: RoundName,
):
    """The figures the unit's report would carry now, per school (a preview)."""
    figures = actions.unit_report_figures(
        unit_code, school_year, round_name, actor=actor_of(request)
    )
    return {
        "unit_code": unit_code,
        "school_year": school_year,
        "round": round_name,
        "schools": figures,
        "totals": totals_of(figures),
    }


@router.post(
    "/units/{unit_code}/reports/{school_year}/{round_name}",
    response={201: UnitReportOut, ERRORS: ErrorOut},
)
def submit_unit_report(
    request: HttpRequest,
    unit_code: Code,
    school_year: SchoolYearName,
    round_name: RoundName,
):
    """The unit's officer sends the round's report to the department (once)."""
    report = actions.submit_unit_report(
        unit_code, school_year, round_name, actor=actor_of(request)
    )
    return Status(201, report)
