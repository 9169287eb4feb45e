"""A family's request to correct a locked record reaches the school's correction
page (docs/privacy.md, "Correction"): the school requests the correction by the
procedure, which answers the family with its id, or declines with a reason the
family reads; nobody else answers, and bad input changes nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from hocbaso.portal.citizen.models import (
    CitizenAccount,
    Guardianship,
    ParentRequest,
    Relation,
)
from hocbaso.registry.models import Correction
from hocbaso.school.tests.units import test_locked_records
from hocbaso.school.tests.units.test_correction_pages import _client, _request
from hocbaso.school.tests.units.test_locked_records import sent

pytestmark = pytest.mark.django_db
locked_class = test_locked_records.locked_class
PARENT_ID = "001085012345"
WRONG = "Ngày sinh ghi 03/05/2014, giấy khai sinh ghi 05/03/2014."


@pytest.fixture
def family(district, locked_class, django_user_model):
    record = sent(locked_class[0]).order_by("pk").first()
    user = django_user_model.objects.create_user("citizen-family")
    CitizenAccount.objects.create(
        user=user, personal_id=PARENT_ID, full_name="Nguyễn Văn Hùng"
    )
    Guardianship.objects.create(
        student=record.transcript.student,
        guardian_personal_id=PARENT_ID,
        guardian_name="Nguyễn Văn Hùng",
        relation=Relation.FATHER,
    )
    client = _client(user)
    return record, client


def _ask(client, record, reason=WRONG):
    return client.post(f"/me/records/{record.pk}/correction/", {"reason": reason})


def test_the_school_requests_the_correction_and_the_family_is_answered(
    district, locked_class, family
):
    record, parent = family
    assert _ask(parent, record).status_code == 302
    principal = _client(district.leader(locked_class[0]))
    page = principal.get(reverse("school:correction_request", args=[record.pk]))
    assert WRONG in page.content.decode()
    assert _request(principal, record).status_code == 302
    correction = Correction.objects.get(record=record)
    asked = ParentRequest.objects.get()
    assert asked.state == "forwarded" and asked.correction_id == correction.public_id
    home = parent.get("/me/").content.decode()
    assert correction.public_id in home and "Nhà trường đã đề nghị điều chỉnh" in home


def test_a_request_during_a_correction_is_declined_with_a_reason_the_family_reads(
    district, locked_class, family
):
    record, parent = family
    principal = _client(district.leader(locked_class[0]))
    _request(principal, record)
    correction = Correction.objects.get(record=record)
    _ask(parent, record, reason="Sai dân tộc.")
    page = principal.get(reverse("school:correction", args=[correction.public_id]))
    assert "Sai dân tộc." in page.content.decode()
    asked = ParentRequest.objects.get()
    url = reverse("school:correction_family_decline", args=[record.pk, asked.pk])
    assert principal.post(url, {"answer": "  "}).status_code == 302
    assert ParentRequest.objects.get().state == "open"  # no reason: nothing
    answer = "Dân tộc trong học bạ đúng theo giấy khai sinh."
    principal.post(url, {"answer": answer})
    asked.refresh_from_db()
    assert (asked.state, asked.answer) == ("declined", answer)
    assert answer in parent.get("/me/").content.decode()
    again = principal.post(url, {"answer": "lần nữa"})
    assert again.status_code == 302 and ParentRequest.objects.get().answer == answer


def test_only_the_schools_leaders_answer(district, locked_class, family):
    record, parent = family
    _ask(parent, record)
    asked = ParentRequest.objects.get()
    url = reverse("school:correction_family_decline", args=[record.pk, asked.pk])
    homeroom = _client(district.homeroom(locked_class[0]))
    assert homeroom.post(url, {"answer": "không"}).status_code in (403, 404)
    assert parent.post(url, {"answer": "không"}).status_code in (302, 403, 404)
    assert Client().post(url, {"answer": "không"}).status_code == 302  # login
    assert ParentRequest.objects.get().state == "open"


def test_the_family_asks_only_about_its_own_locked_records(
    district, locked_class, family
):
    record, parent = family
    assert _ask(parent, record, reason="").status_code == 200  # the form again
    others = sent(locked_class[0]).exclude(transcript=record.transcript)
    assert _ask(parent, others.first()).status_code == 404
    page = _ask(parent, record, reason="x" * 2001)
    assert page.status_code == 200
    assert not ParentRequest.objects.exists()
