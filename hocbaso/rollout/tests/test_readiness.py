"""Readiness by URL: the school declares, the unit and the department follow."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import make_staff
from hocbaso.records.models import Role, SchoolYear
from hocbaso.rollout.models import (
    ReadinessDue,
    ReadinessItem,
    ReadinessReport,
    RolloutEvent,
)
from hocbaso.rollout.tests.test_query_count import _grow


def _url(name, code, year):
    return reverse(f"rollout:{name}", args=[code]) + f"?year={year.name}"


def _declare(client, world, **fields):
    data = {"year": world.year.name, "item": "infrastructure", **fields}
    return client.post(reverse("rollout:school_readiness", args=["TH-A"]), data)


def _yesterday() -> str:
    return (timezone.localdate() - dt.timedelta(days=1)).strftime("%d/%m/%Y")


def test_a_principal_declares_an_item_with_its_date_and_it_is_audited(
    world, principal, staff_client
):
    client = staff_client(principal)

    response = _declare(client, world, done="on", done_on=_yesterday(), note="Đủ")

    assert response.status_code == 302
    report = ReadinessReport.objects.get(school=world.school_a, item="infrastructure")
    assert report.done and report.done_on == timezone.localdate() - dt.timedelta(1)
    assert report.note == "Đủ" and report.updated_by == principal
    event = RolloutEvent.objects.get()
    assert event.action == "readiness:report" and event.actor_user == principal
    assert event.detail["before"] is None and event.detail["after"]["done"] is True


def test_a_clerk_declares_for_their_own_school_only(world, clerk, staff_client):
    client = staff_client(clerk)  # the clerk of school B
    data = {"year": world.year.name, "item": "regulation"}
    own = client.post(reverse("rollout:school_readiness", args=["TH-B"]), data)
    other = client.post(reverse("rollout:school_readiness", args=["TH-A"]), data)
    assert own.status_code == 302
    assert other.status_code == 404
    assert list(ReadinessReport.objects.values_list("school__code", flat=True)) == [
        "TH-B"
    ]


def test_a_teacher_neither_sees_nor_declares(world, homeroom_teacher, staff_client):
    client = staff_client(homeroom_teacher)
    page = client.get(reverse("rollout:school_readiness", args=["TH-A"]))
    posted = _declare(client, world, done="on", done_on=_yesterday())
    assert page.status_code == 404 and posted.status_code == 404
    assert not ReadinessReport.objects.exists() and not RolloutEvent.objects.exists()


def test_the_unit_officer_follows_but_does_not_declare(
    world, unit_officer, staff_client
):
    client = staff_client(unit_officer)
    assert client.get(_url("school_readiness", "TH-A", world.year)).status_code == 200
    assert _declare(client, world, done="on", done_on=_yesterday()).status_code == 403
    assert not ReadinessReport.objects.exists()


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"done": "on"}, "Hãy nhập ngày hoàn thành"),
        ({"done_on": "01/01/2026"}, "chưa đánh dấu hoàn thành"),
        ({"done": "on", "done_on": "31/12/2999"}, "trong tương lai"),
        ({"done": "on", "done_on": "01/01/0001"}, "sớm hơn năm học"),
        ({"done": "on", "done_on": "32/13/2026"}, "viết theo dạng dd/mm/yyyy"),
        ({"note": "Đủ\u202emáy"}, "U+202E"),
        ({"note": "x" * 501}, "501"),
        ({"item": "everything"}, "everything"),
    ],
)
def test_bad_input_is_refused_in_vietnamese_and_nothing_is_written(
    world, principal, staff_client, fields, words
):
    response = _declare(staff_client(principal), world, **fields)
    assert response.status_code == 400
    assert words in response.content.decode()
    assert not ReadinessReport.objects.exists() and not RolloutEvent.objects.exists()


def test_the_unit_sees_its_schools_with_overdue_items_highlighted(
    world, principal, unit_officer, staff_client
):
    _declare(staff_client(principal), world, done="on", done_on=_yesterday())
    ReadinessDue.objects.create(
        department=world.department,
        school_year=world.year,
        item=ReadinessItem.WORKING_GROUP,
        due_on=timezone.localdate() - dt.timedelta(days=2),
    )
    ReadinessDue.objects.create(
        department=world.department,
        school_year=world.year,
        item=ReadinessItem.INFRASTRUCTURE,
        due_on=timezone.localdate() - dt.timedelta(days=3),
    )
    client = staff_client(unit_officer)

    html = client.get(_url("unit_readiness", "XP", world.year)).content.decode()

    assert 'data-school="TH-A"' in html and 'data-school="THCS-A"' in html
    assert 'data-school="TH-B"' not in html  # another unit's school
    # Done a day after its due date: late; the working group: overdue.
    assert 'data-item="infrastructure" class="state-late"' in html
    assert 'data-item="working_group" class="state-overdue"' in html
    assert "Quá hạn" in html and "Hoàn thành muộn" in html


def test_an_officer_of_another_unit_is_refused(world, django_user_model, staff_client):
    other = make_staff(
        django_user_model,
        "cb_tm",
        "Cán bộ TM",
        Role.UNIT_OFFICER,
        world.year,
        unit=world.unit_b,
    )
    client = staff_client(other)
    assert client.get(_url("unit_readiness", "XP", world.year)).status_code == 404
    assert client.get(_url("school_readiness", "TH-A", world.year)).status_code == 404
    assert client.get(_url("unit_readiness", "TM", world.year)).status_code == 200


def test_certificates_are_shown_declared_and_counted_from_the_records(
    rollout_world, principal, staff_client
):
    w = rollout_world.world
    client = staff_client(principal)
    _declare(client, w, item="certificates", done="on", done_on=_yesterday())

    html = client.get(_url("school_readiness", "TH-A", w.year)).content.decode()

    # The world's 3 signing staff (2 with a valid certificate) and the seal,
    # plus the principal persona, who has none.
    assert "Theo dữ liệu: 2/4 cán bộ, giáo viên ký số" in html
    assert "chữ ký số của trường đã đăng ký" in html
    assert "dữ liệu chứng thư số chưa đủ" in html  # declared done, 1 missing


def test_the_department_sees_every_units_summary_and_sets_a_due_date(
    world, principal, clerk, department_officer, staff_client
):
    _declare(staff_client(principal), world, done="on", done_on=_yesterday())
    client = staff_client(department_officer)
    url = reverse("rollout:department_readiness", args=["01"])

    html = client.get(url, {"year": world.year.name}).content.decode()
    assert 'data-unit="XP"' in html and 'data-unit="TM"' in html

    due = timezone.localdate().strftime("%d/%m/%Y")
    posted = client.post(
        url, {"year": world.year.name, "item": "data_complete", "due_on": due}
    )
    assert posted.status_code == 302
    assert ReadinessDue.objects.get().due_on == timezone.localdate()
    assert RolloutEvent.objects.filter(action="readiness:due").count() == 1
    refused = client.post(
        url, {"year": world.year.name, "item": "data_complete", "due_on": "01/01/1990"}
    )
    assert (
        refused.status_code == 400 and "không thuộc năm học" in refused.content.decode()
    )


def test_the_unit_readiness_page_costs_the_same_queries_as_it_grows(
    rollout_world, unit_officer, staff_client
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = staff_client(unit_officer)
    url = _url("unit_readiness", "XP", rollout_world.world.year)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    before = count()
    _grow(rollout_world.world, 4)
    after = count()
    assert after == before and after <= 15


def test_a_school_year_whose_calendar_has_run_out_is_not_declared_again(
    world, principal, staff_client
):
    old = SchoolYear.objects.create(name="2019-2020")
    response = staff_client(principal).post(
        reverse("rollout:school_readiness", args=["TH-A"]),
        {"year": old.name, "item": "regulation"},
    )
    assert response.status_code == 400
    assert "Năm học 2019-2020 đã kết thúc" in response.content.decode()
    assert not ReadinessReport.objects.exists()
