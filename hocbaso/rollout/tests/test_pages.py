"""The dashboards' pages: who opens what, the drill-down, the unit's report."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from hocbaso.records.models import SchoolYear
from hocbaso.registry.models import UnitReport


def _get(client, name, *args, **query):
    return client.get(reverse(f"rollout:{name}", args=args), query)


def test_a_unit_officer_lands_on_their_units_dashboard(
    rollout_world, unit_officer, staff_client
):
    client = staff_client(unit_officer)

    response = client.get(reverse("rollout:home"))

    assert response.status_code == 302
    assert response.url == reverse("rollout:unit", args=["XP"])
    page = client.get(response.url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Trường Tiểu học A" in html and "Trường THCS A" in html
    assert "Trường Tiểu học B" not in html  # another unit's school
    assert "<svg" in html and 'role="img"' in html


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("unit", ["TM"]),
        ("unit_export", ["TM"]),
        ("school", ["TH-B"]),
        ("school_export", ["TH-B"]),
        ("school", ["TH-Z"]),
        ("department", ["01"]),
        ("department_export", ["01"]),
    ],
)
def test_a_unit_officer_is_refused_what_is_not_theirs(
    rollout_world, unit_officer, staff_client, name, args
):
    response = _get(staff_client(unit_officer), name, *args)
    assert response.status_code == 404


def test_a_unit_officer_cannot_open_another_units_class(
    rollout_world, unit_officer, staff_client
):
    w = rollout_world.world
    client = staff_client(unit_officer)
    assert _get(client, "class", "TH-B", w.class_b.pk).status_code == 404
    # Nor a class of another school under the code of their own school.
    assert _get(client, "class", "TH-A", w.class_b.pk).status_code == 404


def test_a_principal_sees_only_their_school(rollout_world, principal, staff_client):
    w = rollout_world.world
    client = staff_client(principal)

    home = client.get(reverse("rollout:home"))
    assert home.url == reverse("rollout:school", args=["TH-A"])
    assert _get(client, "school", "TH-A").status_code == 200
    assert _get(client, "class", "TH-A", w.class_a.pk).status_code == 200
    for name, args in [
        ("school", ["THCS-A"]),
        ("school", ["TH-B"]),
        ("unit", ["XP"]),
        ("unit_export", ["XP"]),
        ("department", ["01"]),
    ]:
        assert _get(client, name, *args).status_code == 404, name


def test_teachers_and_outsiders_have_no_dashboard(
    rollout_world, homeroom_teacher, outsider, staff_client, client
):
    assert _get(staff_client(homeroom_teacher), "home").status_code == 403
    assert _get(client, "school", "TH-A").status_code == 404
    assert _get(staff_client(outsider), "school", "TH-A").status_code == 404
    assert _get(staff_client(outsider), "unit", "XP").status_code == 404


def test_an_anonymous_visitor_is_sent_to_the_login(client, rollout_world):
    response = _get(client, "unit", "XP")
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_department_drills_down_to_a_class_list(
    rollout_world, department_officer, staff_client
):
    w = rollout_world.world
    client = staff_client(department_officer)

    department = client.get(reverse("rollout:home"), follow=True)
    html = department.content.decode()
    assert "UBND phường Xuân Phương" in html and "Trường Tiểu học B" in html
    assert "TH-Z" not in html
    unit = _get(client, "unit", "XP").content.decode()
    assert reverse("rollout:school", args=["TH-A"]) in unit
    school = _get(client, "school", "TH-A").content.decode()
    assert "4A1" in school and "5A1" not in school
    class_list = _get(client, "class", "TH-A", w.class_a.pk).content.decode()
    assert "Học Sinh Số 5" in class_list and "Đã khóa" in class_list
    assert w.a.transcript.lookup_code not in class_list


def test_a_bad_year_or_round_is_refused_with_a_reason(
    rollout_world, unit_officer, staff_client
):
    client = staff_client(unit_officer)

    response = _get(client, "unit", "XP", year="1999-2000", round="main")
    assert response.status_code == 400
    assert "year" in response.content.decode()
    assert _get(client, "unit", "XP", round="autumn").status_code == 400


def test_the_deadlines_show_days_left_in_vietnam_time(
    rollout_world, unit_officer, staff_client
):
    w = rollout_world.world
    html = _get(staff_client(unit_officer), "unit", "XP").content.decode()
    assert w.year.main_lock_date.strftime("%d/%m/%Y") in html
    assert "20/08/" in html


def test_the_unit_officer_submits_the_report_and_sees_it(
    rollout_world, unit_officer, staff_client
):
    w = rollout_world.world
    client = staff_client(unit_officer)

    response = client.post(
        reverse("rollout:unit_report", args=["XP"]),
        {"year": w.year.name, "round": "main", "confirm": "yes"},
        follow=True,
    )

    report = UnitReport.objects.get(unit=w.unit_a, school_year=w.year, round="main")
    assert report.figures["totals"]["accepted"] == 3
    assert report.figures["totals"]["missing"] == 5
    assert not report.late and report.actor_user == unit_officer
    html = response.content.decode()
    assert "đúng hạn" in html  # "on time" in the page's Vietnamese
    assert 'id="submit-report"' not in html
    again = client.post(
        reverse("rollout:unit_report", args=["XP"]),
        {"year": w.year.name, "round": "main", "confirm": "yes"},
        follow=True,
    )
    assert UnitReport.objects.filter(unit=w.unit_a).count() == 1
    assert "đã gửi báo cáo đợt" in again.content.decode()


def test_a_report_after_the_deadline_is_marked_late(
    rollout_world, unit_officer, staff_client
):
    w = rollout_world.world
    past = SchoolYear.objects.create(
        name=f"{w.year.first_year - 2}-{w.year.first_year - 1}"
    )

    response = staff_client(unit_officer).post(
        reverse("rollout:unit_report", args=["XP"]),
        {"year": past.name, "round": "supplementary", "confirm": "yes"},
        follow=True,
    )

    report = UnitReport.objects.get(unit=w.unit_a, school_year=past)
    assert report.late
    assert report.deadline == past.deadline("supplementary_report_date")
    assert report.submitted_at - report.deadline > dt.timedelta(days=300)
    assert "trễ hạn" in response.content.decode().lower()


def test_the_department_sees_but_does_not_send_a_units_report(
    rollout_world, department_officer, staff_client
):
    w = rollout_world.world
    client = staff_client(department_officer)

    assert 'id="submit-report"' not in _get(client, "unit", "XP").content.decode()
    client.post(
        reverse("rollout:unit_report", args=["XP"]),
        {"year": w.year.name, "round": "main", "confirm": "yes"},
    )
    assert not UnitReport.objects.exists()


def test_sending_the_report_asks_for_confirmation_first(
    rollout_world, unit_officer, staff_client
):
    w = rollout_world.world
    client = staff_client(unit_officer)
    period = {"year": w.year.name, "round": "main"}

    asked = client.post(reverse("rollout:unit_report", args=["XP"]), period)

    assert asked.status_code == 200
    assert not UnitReport.objects.exists()
    html = asked.content.decode()
    assert 'name="confirm" value="yes"' in html
    assert "Gửi báo cáo cho Sở?" in html
    assert ">Hủy</a>" in html
    assert f'href="/rollout/unit/XP/?year={w.year.name}&amp;round=main"' in html
    client.post(
        reverse("rollout:unit_report", args=["XP"]), {**period, "confirm": "no"}
    )
    assert not UnitReport.objects.exists()
    client.post(
        reverse("rollout:unit_report", args=["XP"]), {**period, "confirm": "yes"}
    )
    assert UnitReport.objects.filter(unit=w.unit_a).count() == 1


def test_only_a_post_submits_a_report(rollout_world, unit_officer, staff_client):
    response = staff_client(unit_officer).get(
        reverse("rollout:unit_report", args=["XP"])
    )
    assert response.status_code == 405
    assert not UnitReport.objects.exists()


def test_a_unit_officer_cannot_report_for_another_unit(
    rollout_world, unit_officer, staff_client
):
    w = rollout_world.world
    response = staff_client(unit_officer).post(
        reverse("rollout:unit_report", args=["TM"]),
        {"year": w.year.name, "round": "main"},
    )
    assert response.status_code == 404
    assert not UnitReport.objects.exists()
