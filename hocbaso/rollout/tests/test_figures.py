"""The rollout's figures against the constructed world (see conftest.py)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hocbaso.records.models import School
from hocbaso.registry import actions
from hocbaso.registry.actors import Actor
from hocbaso.rollout import dashboards
from hocbaso.rollout.access import viewer_of
from hocbaso.rollout.figures import Figures, readiness, record_figures
from hocbaso.rollout.students import class_students

MAIN_4A1 = Figures(
    students=12,
    records=11,
    unrecorded=1,
    unassigned=2,
    in_round=8,
    teachers=7,
    principal=6,
    sealed=5,
    submitted=4,
    accepted=3,
    locked=1,
    missing=5,
)


def test_each_state_is_counted_once_per_school(rollout_world):
    w = rollout_world.world
    schools = School.objects.filter(pk__in=[w.school_a.pk, w.school_a2.pk])

    figures = record_figures(schools, w.year, "main", "school")

    assert figures[w.school_a.pk] == MAIN_4A1
    # THCS A: one student, one draft record not yet in a round.
    assert figures[w.school_a2.pk] == Figures(students=1, records=1, unassigned=1)


def test_the_supplementary_round_counts_its_own_records(rollout_world):
    w = rollout_world.world

    figures = record_figures(
        School.objects.filter(pk=w.school_a.pk), w.year, "supplementary", "school"
    )

    assert figures[w.school_a.pk] == Figures(
        students=12,
        records=11,
        unrecorded=1,
        unassigned=2,
        in_round=1,
        teachers=1,
        principal=1,
        sealed=1,
        missing=1,
    )


def test_classes_outside_the_pilot_grades_are_left_out(rollout_world):
    w = rollout_world.world

    by_class = record_figures(
        School.objects.filter(pk=w.school_a.pk), w.year, "main", "school_class"
    )

    assert list(by_class) == [w.class_a.pk]
    assert by_class[w.class_a.pk] == MAIN_4A1


def test_the_unit_figures_agree_with_the_registrys_report(rollout_world, unit_officer):
    w = rollout_world.world
    viewer = viewer_of(unit_officer)

    board = dashboards.unit_dashboard(viewer, w.unit_a, w.year, "main")
    report = actions.unit_report_figures(
        w.unit_a, w.year, "main", actor=Actor.of_user(unit_officer)
    )

    mine = {row.key: row.figures for row in board.rows}
    for theirs in report:
        ours = mine[theirs.school_code]
        assert (
            ours.in_round,
            ours.submitted,
            ours.accepted,
            ours.locked,
            ours.missing,
        ) == (
            theirs.students,
            theirs.submitted,
            theirs.accepted,
            theirs.locked,
            theirs.missing,
        )
    assert board.totals == MAIN_4A1 + Figures(students=1, records=1, unassigned=1)


def test_signing_readiness_counts_valid_certificates_and_the_seal(rollout_world):
    w = rollout_world.world

    ready = readiness(
        School.objects.filter(pk__in=[w.school_a.pk, w.school_b.pk]), w.year
    )

    a = ready[w.school_a.pk]
    assert (a.staff, a.certified, a.seal) == (3, 2, True)
    b = ready[w.school_b.pk]
    assert (b.staff, b.certified, b.seal) == (0, 0, False)


def test_the_department_groups_schools_by_unit(rollout_world, department_officer):
    w = rollout_world.world

    board = dashboards.department_dashboard(
        viewer_of(department_officer), w.department, w.year, "main"
    )

    assert {r.key for r in board.rows} == {"TH-A", "THCS-A", "TH-B"}
    units = {r.key: r for r in board.unit_rows}
    assert set(units) == {"XP", "TM"}
    assert units["XP"].figures.in_round == 8 and units["TM"].figures.in_round == 0
    assert units["XP"].figures.students == 13
    assert board.totals.locked == 1
    locked_at = {r.key: r.locked_at for r in board.rows}
    assert locked_at["TH-A"] == rollout_world.lock.locked_at
    assert locked_at["TH-B"] is None


def test_the_class_list_shows_each_students_state(rollout_world):
    w = rollout_world.world

    rows = {s.student_code: s for s in class_students(w.class_a)}

    assert len(rows) == 12  # not the student who transferred out
    assert rows["HSA188888"].registry == "no_record"
    states = [rows[f"HSA1{i:05d}"].registry for i in range(8)]
    assert states == [
        "none",
        "none",
        "none",
        "none",
        "accepted",
        "locked",
        "withdrawn",
        "accepted",
    ]
    assert rows["HSA100003"].marks == (True, True, True)
    assert rows["HSA100001"].marks == (True, False, False)
    assert rows["HSA000001"].round == ""


@pytest.mark.parametrize("by", ["school", "school_class"])
def test_the_figures_take_four_queries_whatever_the_size(rollout_world, by):
    w = rollout_world.world
    schools = School.objects.filter(department=w.department)

    with CaptureQueriesContext(connection) as queries:
        record_figures(schools, w.year, "main", by)

    assert len(queries) == 4


def test_both_rounds_come_from_the_same_queries(rollout_world, unit_officer):
    w = rollout_world.world

    board = dashboards.unit_dashboard(viewer_of(unit_officer), w.unit_a, w.year, "main")

    (main_label, main), (extra_label, extra) = board.round_totals
    assert main_label.startswith("Main") and extra_label.startswith("Supplementary")
    assert (main.in_round, main.sealed, main.accepted, main.locked) == (8, 5, 3, 1)
    assert (extra.in_round, extra.sealed, extra.accepted, extra.missing) == (1, 1, 0, 1)
    assert main == board.totals


def test_a_school_with_no_unit_is_grouped_apart(rollout_world, department_officer):
    w = rollout_world.world
    School.objects.create(
        code="TH-D", name="Trường Tiểu học D", level="primary", department=w.department
    )

    board = dashboards.department_dashboard(
        viewer_of(department_officer), w.department, w.year, "main"
    )

    assert [r.key for r in board.unit_rows] == ["TM", "XP", ""]
    assert board.unit_rows[-1].name == "No management unit"
    assert board.unit_rows[-1].url == "" and board.unit_rows[-1].report is None


def test_the_progress_counts_every_record_still_to_send(rollout_world):
    """Records not yet in a round and students without one are still to send."""
    w = rollout_world.world

    figures = record_figures(
        School.objects.filter(pk=w.school_a.pk), w.year, "main", "school"
    )[w.school_a.pk]

    # 8 in the main round, 2 not yet in a round, 1 student without a record.
    assert figures.to_send == 11
    assert figures.unrecorded == 1


def test_a_school_page_shows_its_progress_against_every_record_to_send(
    rollout_world, department_officer, staff_client
):
    client = staff_client(department_officer)

    html = client.get("/rollout/school/TH-A/?round=main").content.decode()

    # 5 sealed of 11 to send, not 5 of the 8 already in the round.
    assert "5/11 · 45%" in html
    assert "5/8 ·" not in html
