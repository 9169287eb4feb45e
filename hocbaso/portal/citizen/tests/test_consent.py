"""Consent to the optional processing (docs/privacy.md): given or withdrawn per
child and purpose, with time, notice version and who; without it no share code
is made, and withdrawing revokes the open ones; the page shows the notice and
the history in Vietnamese."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from hocbaso.portal.citizen import consent, sharing
from hocbaso.portal.citizen.models import (
    CitizenAccount,
    Consent,
    ConsentPurpose,
    Guardianship,
    Relation,
    ShareCode,
)
from hocbaso.portal.citizen.tests.conftest import OTHER_PARENT, PARENT

pytestmark = pytest.mark.django_db
SHARING = ConsentPurpose.SHARING


@pytest.fixture
def parent(django_user_model, world):
    user = django_user_model.objects.create_user("citizen-parent")
    account = CitizenAccount.objects.create(
        user=user, personal_id=PARENT[0], full_name=PARENT[1]
    )
    Guardianship.objects.create(
        student=world.a.student,
        guardian_personal_id=PARENT[0],
        guardian_name=PARENT[1],
        relation=Relation.FATHER,
    )
    return account


@pytest.fixture
def parent_client(client, parent):
    client.force_login(parent.user)
    return client


def _make(parent, world):
    return sharing.make_share(
        parent,
        world.a.transcript,
        [world.a.record],
        timezone.now() + dt.timedelta(days=7),
    )


def _decide(client, world, decision, purpose=SHARING, student=None):
    return client.post(
        "/me/consent/",
        {
            "student": (student or world.a.student).pk,
            "purpose": purpose,
            "decision": decision,
        },
    )


def test_no_share_code_without_consent(parent, parent_client, world):
    with pytest.raises(sharing.ShareNoConsentError):
        _make(parent, world)
    form = parent_client.get(f"/me/transcripts/{world.a.transcript.pk}/share/")
    assert 'id="no-consent"' in form.content.decode()
    with translation.override("vi"):
        page = parent_client.post(
            f"/me/transcripts/{world.a.transcript.pk}/share/",
            {"records": [world.a.record.pk], "days": 7},
        )
    assert page.status_code == 200
    assert "cần sự đồng ý" in page.content.decode()
    assert not ShareCode.objects.exists()


def test_consent_given_then_withdrawn_revokes_the_open_codes(
    parent, parent_client, world
):
    assert _decide(parent_client, world, "give").status_code == 302
    made = _make(parent, world)
    assert _decide(parent_client, world, "withdraw").status_code == 302
    made.share.refresh_from_db()
    assert made.share.revoked_at is not None
    with pytest.raises(sharing.ShareRevokedError):
        sharing.read_share(None, made.code, organisation="A", purpose="B", via="page")
    with pytest.raises(sharing.ShareNoConsentError):
        _make(parent, world)
    rows = list(Consent.objects.order_by("at", "pk"))
    assert [(r.given, r.account_id, r.notice_version) for r in rows] == [
        (True, parent.pk, consent.NOTICE_VERSION),
        (False, parent.pk, consent.NOTICE_VERSION),
    ]


def test_the_page_shows_the_notice_the_states_and_the_history(
    parent, parent_client, world
):
    _decide(parent_client, world, "give", purpose=ConsentPurpose.NOTIFICATIONS)
    with translation.override("vi"):
        text = parent_client.get("/me/").content.decode()
    assert "Quyền riêng tư và sự đồng ý" in text
    assert "Nghị định 13/2023/NĐ-CP" in text
    assert "theo quy định của pháp luật" in text  # the mandatory processing goes on
    assert f"phiên bản {consent.NOTICE_VERSION}" in text
    assert "Lịch sử đồng ý" in text and "đã đồng ý" in text
    assert "Rút lại sự đồng ý" in text and "Đồng ý" in text


def test_nobody_decides_for_a_child_not_theirs(
    parent_client, world, django_user_model, client
):
    response = _decide(parent_client, world, "give", student=world.b.student)
    assert response.status_code == 404
    assert not Consent.objects.exists()
    stranger = CitizenAccount.objects.create(
        user=django_user_model.objects.create_user("citizen-other"),
        personal_id=OTHER_PARENT[0],
    )
    with pytest.raises(consent.ConsentError):
        consent.decide(stranger, world.a.student, SHARING, given=True)
    bogus = _decide(parent_client, world, "give", purpose="marketing")
    assert bogus.status_code == 302 and not Consent.objects.exists()


def test_staff_and_anonymous_visitors_have_no_consent_page(client, world, principal):
    assert _decide(client, world, "give").status_code == 302  # to the login
    client.force_login(principal)
    assert _decide(client, world, "give").status_code == 403
    assert not Consent.objects.exists()


def test_a_child_does_not_consent_alone_but_may_withdraw(
    parent, world, django_user_model
):
    student = world.a.student
    own = CitizenAccount.objects.create(
        user=django_user_model.objects.create_user("citizen-pupil"),
        personal_id=student.personal_id,
    )
    with pytest.raises(consent.ConsentError, match="under 16"):
        consent.decide(own, student, SHARING, given=True)
    consent.decide(parent, student, SHARING, given=True)
    consent.decide(own, student, SHARING, given=False)
    assert not consent.in_force(student, SHARING)
