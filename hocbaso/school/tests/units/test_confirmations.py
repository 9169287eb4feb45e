"""Finalising the drafts asks again on a page of its own (no script needed), as
revoking a submission does (test_decision_pages.py)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from hocbaso.records.models import RecordStatus, YearlyRecord

pytestmark = pytest.mark.django_db


def _client(user, language="vi"):
    client = Client()
    client.cookies["django_language"] = language
    client.force_login(user)
    return client


def _drafts(school_class):
    return YearlyRecord.objects.filter(
        school_class=school_class, status=RecordStatus.DRAFT
    )


def test_finalising_asks_for_confirmation_first(district):
    cls = district.primary
    drafts = _drafts(cls).count()
    assert drafts
    client = _client(district.homeroom(cls))
    url = reverse("school:finalise", args=[cls.pk])
    asked = client.post(url)
    html = asked.content.decode()
    assert asked.status_code == 200
    assert 'name="confirm" value="yes"' in html
    assert f"Chốt {drafts} học bạ nháp của lớp {cls.name}?" in html
    assert _drafts(cls).count() == drafts  # nothing before the confirmation
    client.post(url, {"confirm": "yes"})
    assert _drafts(cls).count() < drafts


def test_the_class_page_button_leads_to_the_confirmation(district):
    cls = district.primary
    page = _client(district.homeroom(cls)).get(reverse("school:class", args=[cls.pk]))
    html = page.content.decode()
    form = html[html.index(reverse("school:finalise", args=[cls.pk])) :]
    assert 'name="confirm"' not in form[: form.index("</form>")]


def test_someone_without_a_role_in_the_class_gets_no_confirmation(district):
    cls = district.primary
    teacher = district.subject_teachers(district.secondary)[0]
    client = _client(teacher)
    response = client.post(reverse("school:finalise", args=[cls.pk]))
    assert response.status_code in (403, 404)
