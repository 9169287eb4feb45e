"""A school page writes one access event per view, naming every pupil shown, and
the family of each pupil shown finds it in their access list (/me/)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from hocbaso.portal.audit import events_about
from hocbaso.portal.citizen.models import CitizenAccount, Guardianship, Relation
from hocbaso.portal.models import AccessEvent
from hocbaso.records.models import YearlyRecord

pytestmark = pytest.mark.django_db


def _staff(user):
    client = Client()
    client.cookies["django_language"] = "vi"
    client.force_login(user)
    return client


def _parent_of(student, personal_id: str) -> Client:
    user = get_user_model().objects.create_user(f"parent-{personal_id}")
    CitizenAccount.objects.create(
        user=user, personal_id=personal_id, full_name="Phụ huynh"
    )
    Guardianship.objects.create(
        student=student,
        guardian_personal_id=personal_id,
        guardian_name="Phụ huynh",
        relation=Relation.MOTHER,
    )
    client = Client()
    client.cookies["django_language"] = "vi"
    client.force_login(user)
    return client


def _view_class(district, school_class) -> AccessEvent:
    before = AccessEvent.objects.count()
    page = _staff(district.homeroom(school_class)).get(
        reverse("school:class", args=[school_class.pk])
    )
    assert page.status_code == 200
    assert AccessEvent.objects.count() == before + 1  # one row for the page view
    return AccessEvent.objects.latest("pk")


def test_the_class_page_writes_one_event_naming_every_pupil(district):
    cls = district.primary
    event = _view_class(district, cls)
    transcripts = set(
        YearlyRecord.objects.filter(school_class=cls).values_list(
            "transcript_id", flat=True
        )
    )
    assert len(transcripts) > 1
    assert event.transcript is None and event.school == cls.school
    assert event.detail["class"] == cls.pk
    assert {int(k) for k in event.detail["shown"]} == transcripts
    for transcript in transcripts:  # every pupil's trail holds the access
        assert event in events_about([transcript])


def test_the_family_of_a_pupil_shown_reads_one_line(district):
    cls = district.primary
    pupils = list(
        YearlyRecord.objects.filter(school_class=cls).select_related(
            "transcript__student"
        )[:2]
    )
    child, classmate = (r.transcript.student for r in pupils)
    family = _parent_of(child, "001180000001")
    event = _view_class(district, cls)
    page = family.get(reverse("citizen:home"))
    listed = [e for e in page.context["events"] if e.pk == event.pk]
    assert len(listed) == 1
    assert listed[0].pupils == [child.full_name]  # not the classmates
    html = page.content.decode()
    row = html[html.index('<tr role="row" class="access-event">') :]
    row = row[: row.index("</tr>")]
    assert child.full_name in row and classmate.full_name not in row
    assert cls.school.name in row


def test_the_family_of_a_pupil_not_shown_does_not_see_it(district):
    outsider = (
        YearlyRecord.objects.filter(school_class=district.other_primary)
        .first()
        .transcript.student
    )
    family = _parent_of(outsider, "001180000002")
    event = _view_class(district, district.primary)
    page = family.get(reverse("citizen:home"))
    assert event.pk not in [e.pk for e in page.context["events"]]


def test_the_mark_book_and_subject_pages_write_one_event_each(district):
    cls = district.secondary
    teacher = district.subject_teachers(cls)[0]
    client = _staff(teacher)
    for url in (
        reverse("school:markbook", args=[cls.pk]),
        reverse("school:subjects", args=[cls.pk]),
    ):
        before = AccessEvent.objects.count()
        assert client.get(url).status_code == 200
        assert AccessEvent.objects.count() == before + 1, url


def test_the_familys_download_of_all_data_holds_the_class_page_view(district):
    from hocbaso.portal import purposes
    from hocbaso.portal.citizen import subject_access

    cls = district.primary
    child = YearlyRecord.objects.filter(school_class=cls).first().transcript.student
    _parent_of(child, "001180000003")
    _view_class(district, cls)
    account = CitizenAccount.objects.get(personal_id="001180000003")
    trail = subject_access.export(account, child.pk)["access_trail"]
    views = [e for e in trail if e["purpose"] == purposes.CLASS_REVIEW]
    assert len(views) == 1 and views[0]["organisation"] == cls.school.name
