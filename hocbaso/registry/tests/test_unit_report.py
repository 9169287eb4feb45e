"""The management unit's report of a round to the department (R13)."""

import datetime as dt

import pytest

from hocbaso.records.models import Round, YearlyRecord
from hocbaso.registry import actions
from hocbaso.registry.actors import Actor
from hocbaso.registry.errors import NotAllowedError, ReportExistsError
from hocbaso.registry.models import UnitReport
from hocbaso.registry.tests.conftest import at
from hocbaso.registry.tests.helpers import current, submit


@pytest.fixture
def unit(district):
    return district.primary.school.unit_on(district.year.main_lock_date)


@pytest.fixture
def officer(district, unit):
    return Actor.of_user(district.unit_officer(unit))


def _prepare(district, clock, primary_clerk, system):
    records = district.records(district.primary, Round.MAIN)
    for record in records:
        submit(district, record, primary_clerk, clock)
    actions.revoke(
        current(records[2]).public_id,
        school=records[2].school,
        actor=primary_clerk,
        reason="Nộp lại sau",
        clock=clock,
    )
    actions.lock_round(
        district.year, "main", scope=district.primary.school, actor=system, clock=clock
    )
    return records


def test_the_report_counts_each_school_of_the_unit(
    district, db, clock, primary_clerk, system, unit, officer
):
    _prepare(district, clock, primary_clerk, system)
    school = district.primary.school
    students = YearlyRecord.objects.filter(
        school=school, school_year=district.year, round="main"
    ).count()

    figures = actions.unit_report_figures(unit, district.year, "main", actor=officer)

    (mine,) = [f for f in figures if f.school_code == school.code]
    assert (mine.students, mine.submitted, mine.accepted, mine.locked) == (
        students,
        3,
        2,
        2,
    )
    assert mine.missing == students - 2


def test_the_officer_submits_it_with_its_deadline_and_it_is_on_time(
    district, db, clock, primary_clerk, system, unit, officer
):
    _prepare(district, clock, primary_clerk, system)

    report = actions.submit_unit_report(
        unit.code, district.year.name, "main", actor=officer, clock=clock
    )

    assert report.deadline == district.year.deadline("main_report_date")
    assert not report.late and report.submitted_by == officer.label
    assert report.totals["locked"] == sum(s.locked for s in report.schools)
    stored = UnitReport.objects.get(public_id=report.report_id)
    assert stored.actor_user == officer.user and stored.submitted_at == district.open_at


def test_a_report_after_the_deadline_is_marked_late(district, db, unit, officer):
    late = at(district.year.deadline("main_report_date") + dt.timedelta(hours=2))

    report = actions.submit_unit_report(
        unit, district.year, "main", actor=officer, clock=late
    )

    assert report.late


def test_a_round_is_reported_once(district, db, clock, unit, officer):
    actions.submit_unit_report(unit, district.year, "main", actor=officer, clock=clock)
    with pytest.raises(ReportExistsError):
        actions.submit_unit_report(
            unit, district.year, "main", actor=officer, clock=clock
        )


def test_only_the_units_officers_report(district, db, clock, unit, primary_clerk):
    with pytest.raises(NotAllowedError):
        actions.submit_unit_report(
            unit, district.year, "main", actor=primary_clerk, clock=clock
        )
