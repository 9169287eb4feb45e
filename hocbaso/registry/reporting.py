"""The management unit's report of a round to the department (R13, domain.md §7).

Per school the unit managed on the round's lock date: students in scope (records of
the round in pilot grades), records submitted (at least once), accepted (with a
current submission, locked or not), locked (current submission locked) and missing
(no current submission). The unit's officer submits it once per round; it is kept
with the figures, who sent it, when, the deadline of the school year's calendar and
whether it came late.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hocbaso.records.models import ManagementUnit, School, SchoolYear
from hocbaso.registry.actors import Actor, check_unit
from hocbaso.registry.auditing import record as audit
from hocbaso.registry.codes import EventType
from hocbaso.registry.errors import ReportExistsError
from hocbaso.registry.models import Submission, UnitReport
from hocbaso.registry.rounds import (
    expected_records,
    report_deadline,
    round_name_in_text,
    schools_of_unit,
)


@dataclass(frozen=True)
class SchoolFigures:
    school_code: str
    school_name: str
    students: int
    submitted: int
    accepted: int
    locked: int
    missing: int


@dataclass(frozen=True)
class UnitReportView:
    report_id: str
    unit_code: str
    school_year: str
    round: str
    schools: tuple[SchoolFigures, ...]
    totals: dict[str, int]
    deadline: datetime
    submitted_at: datetime
    late: bool
    submitted_by: str

    @classmethod
    def from_model(cls, report: UnitReport) -> UnitReportView:
        return cls(
            report_id=report.public_id,
            unit_code=report.unit.code,
            school_year=report.school_year.name,
            round=report.round,
            schools=tuple(SchoolFigures(**s) for s in report.figures["schools"]),
            totals=report.figures["totals"],
            deadline=report.deadline,
            submitted_at=report.submitted_at,
            late=report.late,
            submitted_by=report.actor_label,
        )


def figures_of_school(
    school: School, school_year: SchoolYear, round_name: str
) -> SchoolFigures:
    records = expected_records(
        School.objects.filter(pk=school.pk), school_year, round_name
    )
    submissions = Submission.objects.filter(record=OuterRef("pk"))
    current = submissions.filter(state=Submission.State.ACCEPTED)
    counts = records.annotate(
        any_submission=Exists(submissions),
        is_current=Exists(current),
        is_locked=Exists(current.filter(locked_at__isnull=False)),
    ).aggregate(
        students=Count("pk"),
        submitted=Count("pk", filter=Q(any_submission=True)),
        accepted=Count("pk", filter=Q(is_current=True)),
        locked=Count("pk", filter=Q(is_locked=True)),
    )
    return SchoolFigures(
        school.code,
        school.name,
        missing=counts["students"] - counts["accepted"],
        **counts,
    )


def unit_figures(
    unit: ManagementUnit, school_year: SchoolYear, round_name: str
) -> tuple[SchoolFigures, ...]:
    schools = schools_of_unit(unit, school_year, round_name).order_by("code")
    return tuple(figures_of_school(s, school_year, round_name) for s in schools)


def totals_of(figures: tuple[SchoolFigures, ...]) -> dict[str, int]:
    keys = ("students", "submitted", "accepted", "locked", "missing")
    return {k: sum(getattr(f, k) for f in figures) for k in keys}


def submit_report(
    unit: ManagementUnit,
    school_year: SchoolYear,
    round_name: str,
    *,
    actor: Actor,
    at: datetime,
) -> UnitReport:
    check_unit(actor, unit, timezone.localdate(at))
    figures = unit_figures(unit, school_year, round_name)
    deadline = report_deadline(school_year, round_name)
    try:
        with transaction.atomic():
            report = UnitReport.objects.create(
                unit=unit,
                school_year=school_year,
                round=round_name,
                figures={
                    "schools": [asdict(f) for f in figures],
                    "totals": totals_of(figures),
                },
                deadline=deadline,
                submitted_at=at,
                late=at >= deadline,
                actor_user_id=actor.user_id,
                actor_label=actor.label,
            )
            audit(
                EventType.REPORT_SUBMIT,
                actor,
                at,
                object_type="report",
                object_id=report.public_id,
                detail={"unit": unit.code, "round": round_name, "late": report.late},
            )
    except IntegrityError as exc:
        raise ReportExistsError(
            _("%(unit)s already reported the %(round)s round of %(year)s.")
            % {
                "unit": unit.name,
                "round": round_name_in_text(round_name),
                "year": school_year.name,
            }
        ) from exc
    return report
