"""Admission to grade 6 reads the primary transcript with the parent's share code:
the receiving school's form is filled from the signed record, the reading is
audited and listed to the parent."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from hocbaso.portal.citizen import consent
from hocbaso.portal.citizen.models import (
    CitizenAccount,
    ConsentPurpose,
    Guardianship,
    Relation,
    ShareUse,
)
from hocbaso.portal.citizen.sharing import make_share
from hocbaso.portal.models import AccessEvent
from hocbaso.records.models import Appointment, Round, SchoolYear
from hocbaso.registry.models import Submission


@pytest.fixture
def share(district, locked, django_user_model):
    record = district.records(district.primary, Round.MAIN)[-1]
    assert Submission.objects.filter(record=record, locked_at__isnull=False).exists()
    student = record.transcript.student
    account = CitizenAccount.objects.create(
        user=django_user_model.objects.create_user("parent"),
        personal_id="001085099999",
    )
    Guardianship.objects.create(
        student=student,
        guardian_personal_id=account.personal_id,
        guardian_name="Phụ huynh",
        relation=Relation.MOTHER,
    )
    consent.decide(account, student, ConsentPurpose.SHARING, given=True)
    made = make_share(
        account,
        record.transcript,
        [record],
        timezone.now() + dt.timedelta(days=7),
        recipient="THCS",
    )
    return {"code": made.code, "share": made.share, "student": student}


def _principal(school):
    appointment = Appointment.objects.filter(
        school=school,
        role="principal",
        school_year__in=SchoolYear.objects.active(timezone.localdate()),
    ).select_related("person__user")
    return appointment.first().person.user


def test_the_form_is_filled_from_the_signed_record_and_the_reading_audited(
    district, share
):
    school = district.secondary.school
    client = Client()
    client.force_login(_principal(school))
    page = client.post(
        "/exchange/procedures/",
        {"share_code": share["code"], "procedure": "grade6", "holder": ""},
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert f'name="full_name" value="{share["student"].full_name}"' in html
    assert f'name="student_code" value="{share["student"].student_code}"' in html
    event = AccessEvent.objects.get(actor_kind="share_code")
    assert event.organisation == school.name
    assert event.purpose == "Tuyển sinh lớp 6"
    assert ShareUse.objects.filter(share=share["share"], event=event).exists()


def test_a_wrong_share_code_fills_nothing(district, share):
    client = Client()
    client.force_login(_principal(district.secondary.school))
    page = client.post(
        "/exchange/procedures/",
        {"share_code": "AAAAA-BBBBB-CCCCC-DDDDD", "procedure": "transfer"},
    )
    assert page.status_code == 200
    assert 'name="full_name"' not in page.content.decode()
    assert not ShareUse.objects.exists()


def test_the_page_is_refused_to_someone_without_a_school(
    district, share, django_user_model
):
    client = Client()
    client.force_login(django_user_model.objects.create_user("nobody"))
    assert client.get("/exchange/procedures/").status_code == 403
