"""The results statistics pages: counts by level, scope, workbook, queries."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from conftest import make_student
from hocbaso.records.models import School, SubjectAssessment, YearlyRecord
from hocbaso.rollout import results

pytestmark = pytest.mark.django_db

QUALITIES_ALL = dict.fromkeys(("YN", "NA", "CC", "TTH", "TN"), "T")


def _results(record, subjects=(), **fields) -> None:
    YearlyRecord.objects.filter(pk=record.pk).update(
        computed_at=timezone.now(), **fields
    )
    for code, level in subjects:
        SubjectAssessment.objects.create(
            record=record, subject_code=code, term="hk2", data={"level": level}
        )


@pytest.fixture
def graded(world):
    """TH-A 4A1: HTXS, HTT and CHT pupils and a draft; THCS-A 7A1; TH-B 3B1."""
    w = world
    best = make_student(w.class_a, "HSR000001", "Học Sinh Giỏi Nhất").record
    low = make_student(w.class_a, "HSR000002", "Học Sinh Cố Gắng").record
    make_student(w.class_a, "HSR000003", "Học Sinh Chưa Đánh Giá")
    _results(
        best,
        [("TOAN", "T")],
        result_code="HTXS",
        completed=True,
        title="HSXS",
        qualities=QUALITIES_ALL,
        round="main",
    )
    _results(
        w.a.record,
        [("TOAN", "T")],
        result_code="HTT",
        completed=True,
        qualities={**QUALITIES_ALL, "TN": "Đ"},
        round="main",
    )
    _results(
        low,
        [("TOAN", "C")],
        result_code="CHT",
        completed=False,
        qualities={**QUALITIES_ALL, "YN": "C"},
        round="supplementary",
    )
    _results(
        w.a2.record,
        year_learning="K",
        year_conduct="T",
        promotion="promoted",
        completed=True,
        round="main",
    )
    _results(w.b.record, [("TOAN", "H")], result_code="HT", completed=True)
    return w


def _get(client, name, code, **query):
    return client.get(reverse(f"rollout:{name}", args=[code]), query)


def _row(stats, level, school_code, grade=None, class_name=""):
    return next(
        r
        for r in stats.levels[level]
        if (r.school_code, r.grade, r.class_name) == (school_code, grade, class_name)
    )


def test_pupils_are_counted_by_level_as_the_year_end_report_has_them(graded):
    w = graded
    schools = School.objects.filter(department=w.department)

    stats = results.statistics(schools, w.year, "", "school")

    th_a = _row(stats, "primary", "TH-A")
    assert (th_a.pupils, th_a.assessed) == (4, 3)
    counts = th_a.counts
    assert [counts[f"result_{c}"] for c in ("HTXS", "HTT", "HT", "CHT")] == [1, 1, 0, 1]
    assert (counts["qualities_YN_T"], counts["qualities_YN_C"]) == (2, 1)
    assert (counts["qualities_TN_T"], counts["qualities_TN_Đ"]) == (2, 1)
    assert (counts["subject_TOAN_T"], counts["subject_TOAN_C"]) == (2, 1)
    assert (counts["title_HSXS"], counts["title_HSTB"], counts["completed"]) == (
        1,
        0,
        2,
    )
    thcs = _row(stats, "secondary", "THCS-A").counts
    assert (thcs["learning_K"], thcs["conduct_T"], thcs["promotion_promoted"]) == (
        1,
        1,
        1,
    )
    assert thcs["learning_T"] == thcs["promotion_repeat"] == 0
    total = stats.levels["primary"][-1]
    assert (
        total.pupils,
        total.counts["result_HT"],
        total.counts["subject_TOAN_H"],
    ) == (
        5,
        1,
        1,
    )


def test_every_school_of_a_level_has_the_same_columns(graded):
    stats = results.statistics(
        School.objects.filter(department=graded.department), graded.year, "", "school"
    )

    primary = stats.columns["primary"]
    for row in stats.levels["primary"]:
        assert len(row.cells(primary)) == len(primary)
    assert _row(stats, "primary", "TH-B").cells(primary)[0] == (0, 0.0)


def test_a_round_and_a_breakdown_by_class_narrow_the_rows(graded):
    w = graded
    stats = results.statistics(
        School.objects.filter(pk=w.school_a.pk), w.year, "main", "class"
    )

    row = _row(stats, "primary", "TH-A", 4, "4A1")
    assert (row.pupils, row.counts["result_CHT"], row.counts["subject_TOAN_C"]) == (
        2,
        0,
        0,
    )


def test_the_unit_officer_sees_only_the_units_schools(
    graded, unit_officer, staff_client
):
    response = _get(staff_client(unit_officer), "unit_results", "XP")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-school="TH-A"' in html and 'data-school="THCS-A"' in html
    assert 'data-school="TH-B"' not in html
    assert "Thống kê kết quả" in html and "Hoàn thành xuất sắc" in html
    assert _get(staff_client(unit_officer), "unit_results", "TM").status_code == 404
    assert (
        _get(staff_client(unit_officer), "department_results", "01").status_code == 404
    )


def test_the_department_sees_every_school_with_counts_and_percentages(
    graded, department_officer, staff_client
):
    response = _get(staff_client(department_officer), "department_results", "01")

    html = response.content.decode()
    assert 'data-school="TH-B"' in html and 'data-school="TH-Z"' not in html
    # TH-A: 1 of 3 assessed pupils is HTXS.
    assert 'data-field="result_HTXS">1<br><span class="muted">33,3%</span>' in html


def test_a_school_user_gets_no_results_page(graded, principal, staff_client):
    client = staff_client(principal)

    assert _get(client, "unit_results", "XP").status_code == 404
    assert _get(client, "department_results", "01").status_code == 404
    assert _get(client, "department_results_export", "01").status_code == 404


def test_a_bad_breakdown_is_refused_with_the_reason(
    graded, department_officer, staff_client
):
    response = _get(
        staff_client(department_officer), "department_results", "01", by="pupil"
    )

    assert response.status_code == 400
    assert "by:" in response.content.decode()


def test_the_workbook_holds_the_same_figures_cell_by_cell(
    graded, department_officer, staff_client
):
    w = graded
    response = _get(
        staff_client(department_officer),
        "department_results_export",
        "01",
        year=w.year.name,
    )
    book = load_workbook(io.BytesIO(response.content))
    stats = results.statistics(
        School.objects.filter(department=w.department), w.year, "", "school"
    )

    assert book.sheetnames == ["Tiểu học", "THCS"]
    for sheet_name, level in (("Tiểu học", "primary"), ("THCS", "secondary")):
        sheet = book[sheet_name]
        assert sheet["B3"].value == "Cả năm học"
        rows = list(sheet.iter_rows(min_row=6, values_only=True))
        header, body = rows[0], rows[1:]
        columns = stats.columns[level]
        assert header[6] == f"{columns[0].group}: {columns[0].label}"
        assert len(body) == len(stats.levels[level])
        for cells, row in zip(body, stats.levels[level], strict=True):
            assert cells[0] == (row.school_code or None)
            assert (cells[4], cells[5]) == (row.pupils, row.assessed)
            for i, (count, share) in enumerate(row.cells(columns)):
                assert cells[6 + 2 * i] == count
                expected = None if share is None else round(share, 4)
                assert cells[7 + 2 * i] == expected
    assert book["Tiểu học"].cell(row=7, column=8).number_format == "0.0%"


def test_the_results_pages_cost_the_same_queries_when_the_schools_grow(
    graded, department_officer, staff_client
):
    from hocbaso.rollout.tests.test_query_count import _grow

    client = staff_client(department_officer)

    def count(name, code):
        with CaptureQueriesContext(connection) as captured:
            assert _get(client, name, code).status_code == 200
        return len(captured)

    before = (count("department_results", "01"), count("unit_results", "XP"))
    _grow(graded, 4)
    after = (count("department_results", "01"), count("unit_results", "XP"))

    assert after == before
    assert max(after) <= 20


def test_the_units_dashboard_links_to_its_results(graded, unit_officer, staff_client):
    html = _get(staff_client(unit_officer), "unit", "XP").content.decode()

    assert f'href="/rollout/unit/XP/results/?year={graded.year.name}&amp;round=' in html
