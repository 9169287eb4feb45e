"""The school pages as each role sees them, and who is turned away."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from hocbaso.portal.models import AccessEvent
from hocbaso.records.models import RecordStatus, YearlyRecord
from hocbaso.records.signers import signers_of

pytestmark = pytest.mark.django_db


def _client(user, language="en"):
    client = Client()
    client.cookies["django_language"] = language  # the language switch's cookie
    client.force_login(user)
    return client


def test_the_home_page_lists_a_teachers_class(district):
    cls = district.primary
    page = _client(district.homeroom(cls)).get(reverse("school:home"))
    assert page.status_code == 200
    assert reverse("school:class", args=[cls.pk]) in page.content.decode()


def test_the_home_page_is_vietnamese_by_default(district):
    page = _client(district.homeroom(district.primary), language="vi").get(
        reverse("school:home")
    )
    assert "Lớp tôi chủ nhiệm" in page.content.decode()


def test_my_class_shows_results_problems_and_is_audited(district):
    cls = district.primary
    draft = YearlyRecord.objects.filter(
        school_class=cls, status=RecordStatus.DRAFT
    ).first()
    draft.assessments.filter(term="hk2").first().delete()
    before = AccessEvent.objects.count()
    page = _client(district.homeroom(cls)).get(reverse("school:class", args=[cls.pk]))
    assert page.status_code == 200
    rows = {r.record.pk: r for r in page.context["rows"]}
    assert rows[draft.pk].problems  # the missing term II row is named
    assert page.context["ready"] == 3
    assert all(r.summary() for r in rows.values() if r.record.results)
    assert AccessEvent.objects.count() - before == 1  # one for the page
    shown = AccessEvent.objects.latest("pk").detail["shown"]
    assert shown.keys() == {str(r.record.transcript_id) for r in rows.values()}
    assert 'id="sign-agent"' in page.content.decode()


def test_finalising_with_missing_scores_lists_them_and_changes_nothing(district):
    cls = district.primary
    draft = YearlyRecord.objects.filter(
        school_class=cls, status=RecordStatus.DRAFT
    ).first()
    draft.assessments.filter(term="hk2").first().delete()
    client = _client(district.homeroom(cls))
    page = client.post(
        reverse("school:finalise", args=[cls.pk]), {"confirm": "yes"}, follow=True
    )
    text = page.content.decode()
    assert "cannot be finalised" in text
    assert YearlyRecord.objects.filter(
        school_class=cls, status=RecordStatus.DRAFT
    ).exists()


def test_a_teacher_of_another_school_does_not_see_the_class(district):
    outsider = district.homeroom(district.other_primary)
    client = _client(outsider)
    assert (
        client.get(reverse("school:class", args=[district.primary.pk])).status_code
        == 404
    )
    record = district.records(district.primary).first()
    assert client.get(reverse("school:record", args=[record.pk])).status_code == 404


def test_subject_teachers_see_their_subjects_at_lower_secondary_only(district):
    cls = district.secondary
    teacher = district.subject_teachers(cls)[0]
    client = _client(teacher)
    page = client.get(reverse("school:subjects", args=[cls.pk]))
    assert page.status_code == 200
    assert page.context["codes"]
    assert client.get(
        reverse("school:subjects", args=[district.primary.pk])
    ).status_code in (
        403,
        404,
    )


def test_only_the_schools_leaders_see_the_school_page(district):
    cls = district.primary
    url = reverse("school:school", args=[district.year.pk, cls.school.pk])
    assert _client(district.homeroom(cls)).get(url).status_code == 403
    page = _client(district.leader(cls)).get(url)
    assert page.status_code == 200
    grades = dict(page.context["grades"])
    assert cls.pk in [c.school_class.pk for c in grades[cls.grade]]
    assert 'id="sign-agent"' in page.content.decode()


def test_a_subject_teacher_cannot_correct_a_record(district):
    cls = district.secondary
    teacher = district.subject_teachers(cls)[0]
    record = district.records(cls).first()
    url = reverse("school:record", args=[record.pk])
    client = _client(teacher)
    assert client.get(url).status_code == 200
    assert client.post(url, {"preview": "1"}).status_code == 403


def test_the_demo_key_button_follows_the_setting(district, settings):
    cls = district.primary
    client = _client(district.homeroom(cls))
    settings.HOCBASO_DEMO_SIGNING = False
    assert (
        'id="sign-demo"'
        not in client.get(reverse("school:class", args=[cls.pk])).content.decode()
    )
    settings.HOCBASO_DEMO_SIGNING = True
    assert (
        'id="sign-demo"'
        in client.get(reverse("school:class", args=[cls.pk])).content.decode()
    )


def test_the_batch_json_refuses_bad_input(district):
    cls = district.primary
    client = _client(district.homeroom(cls))
    url = reverse("school:batch_create")
    bad = client.post(url, "not json", content_type="application/json")
    assert bad.status_code == 400
    bad = client.post(
        url,
        {"kind": "homeroom", "mode": "agent", "classes": "all"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "list of class ids" in bad.json()["error"]
    bad = client.post(
        url,
        {"kind": "other", "mode": "agent", "classes": [cls.pk]},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert client.get(reverse("school:batch", args=["nosuchbatch"])).status_code == 404


def test_another_users_batch_is_not_found(district):
    cls = district.primary
    owner = _client(district.homeroom(cls))
    created = owner.post(
        reverse("school:batch_create"),
        {"kind": "homeroom", "mode": "agent", "classes": [cls.pk]},
        content_type="application/json",
    ).json()
    other = _client(district.leader(cls))
    assert (
        other.get(reverse("school:batch", args=[created["batch"]])).status_code == 404
    )
    assert (
        other.post(reverse("school:batch_next", args=[created["batch"]])).status_code
        == 404
    )


def test_signers_of_the_class_are_named(district):
    assert signers_of(district.primary).homeroom is not None
