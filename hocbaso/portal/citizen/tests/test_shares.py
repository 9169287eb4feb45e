"""Scope of a citizen's pages and the share-code lifecycle, page and API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from hocbaso.portal.citizen import consent, sharing
from hocbaso.portal.citizen.models import (
    CitizenAccount,
    ConsentPurpose,
    Guardianship,
    Relation,
    ShareCode,
    ShareUse,
)
from hocbaso.portal.citizen.tests.conftest import OTHER_PARENT, PARENT
from hocbaso.portal.models import AccessAction, AccessEvent, ActorKind

pytestmark = pytest.mark.django_db


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
    consent.decide(account, world.a.student, ConsentPurpose.SHARING, given=True)
    return account


@pytest.fixture
def parent_client(client, parent):
    client.force_login(parent.user)
    return client


@pytest.fixture
def other_parent(django_user_model, world):
    user = django_user_model.objects.create_user("citizen-other")
    account = CitizenAccount.objects.create(
        user=user, personal_id=OTHER_PARENT[0], full_name=OTHER_PARENT[1]
    )
    Guardianship.objects.create(
        student=world.b.student,
        guardian_personal_id=OTHER_PARENT[0],
        guardian_name=OTHER_PARENT[1],
        relation=Relation.MOTHER,
    )
    consent.decide(account, world.b.student, ConsentPurpose.SHARING, given=True)
    return account


def _make(parent, world, days=30, recipient="THCS Xuân Phương"):
    return sharing.make_share(
        parent,
        world.a.transcript,
        [world.a.record],
        timezone.now() + dt.timedelta(days=days),
        recipient=recipient,
    )


def _read(client, code, **extra):
    data = {"code": code, "organisation": "THCS Xuân Phương", "purpose": "Tuyển sinh"}
    data.update(extra)
    return client.post("/me/share/", data)


def _api(client, code, **extra):
    data = {"code": code, "organisation": "THCS Xuân Phương", "purpose": "Tuyển sinh"}
    data.update(extra)
    return client.post("/api/v1/shares/read", data, content_type="application/json")


# --- scope -----------------------------------------------------------------------


def test_a_student_sees_their_own_transcript(client, django_user_model, world):
    user = django_user_model.objects.create_user("citizen-student")
    CitizenAccount.objects.create(user=user, personal_id=world.a2.student.personal_id)
    client.force_login(user)
    text = client.get("/me/").content.decode()
    assert world.a2.student.full_name in text
    assert world.a.student.full_name not in text


def test_a_parent_never_sees_another_childs_transcript(
    parent_client, other_parent, world
):
    text = parent_client.get("/me/").content.decode()
    assert world.a.student.full_name in text
    assert world.b.student.full_name not in text
    other = world.b.transcript.pk
    assert parent_client.get(f"/me/transcripts/{other}/share/").status_code == 404
    assert parent_client.get(f"/me/transcripts/{other}/soft-copy/").status_code == 404
    with pytest.raises(sharing.ShareError):
        sharing.make_share(
            CitizenAccount.objects.get(personal_id=PARENT[0]),
            world.b.transcript,
            [world.b.record],
            timezone.now() + dt.timedelta(days=1),
        )
    # Someone else's share code is not even visible, let alone revocable.
    theirs = sharing.make_share(
        other_parent,
        world.b.transcript,
        [world.b.record],
        timezone.now() + dt.timedelta(days=1),
    )
    assert parent_client.get(f"/me/shares/{theirs.share.pk}/").status_code == 404
    assert (
        parent_client.post(f"/me/shares/{theirs.share.pk}/revoke/").status_code == 404
    )
    theirs.share.refresh_from_db()
    assert theirs.share.revoked_at is None


def test_the_registry_api_refuses_a_citizen_session(parent_client, world):
    response = parent_client.get("/api/v1/schools/TH-B/missing-records?year=x")
    assert response.status_code in (401, 403, 404)
    assert world.b.student.full_name not in response.content.decode()


def test_staff_have_no_citizen_pages(staff_client, principal):
    response = staff_client(principal).get("/me/")
    assert response.status_code == 403


def test_anonymous_visitors_are_sent_to_the_citizen_login(client):
    assert client.get("/me/")["Location"] == "/me/login/"


# --- the access list ---------------------------------------------------------------


def test_the_access_list_shows_every_access_newest_first_and_paged(
    parent_client, world
):
    from hocbaso.portal.audit import record_access

    base = timezone.now() - dt.timedelta(days=2)
    for i in range(23):
        record_access(
            None,
            action=AccessAction.VIEW,
            transcript=world.a.transcript,
            actor_kind=ActorKind.ANONYMOUS,
            organisation=f"Tổ chức {i:02d}",
            purpose="Kiểm tra",
            at=base + dt.timedelta(minutes=i),
        )
    record_access(
        None,
        action=AccessAction.VIEW,
        transcript=world.b.transcript,
        organisation="Không được thấy",
    )
    first = parent_client.get("/me/").content.decode()
    assert "Tổ chức 22" in first and "Tổ chức 03" in first
    assert "Tổ chức 02" not in first
    assert first.index("Tổ chức 22") < first.index("Tổ chức 21")
    assert "Không được thấy" not in first
    second = parent_client.get("/me/?page=2").content.decode()
    assert "Tổ chức 02" in second and "Tổ chức 00" in second
    # Vietnam time: the event at 00:30 UTC shows as 07:30.
    record_access(
        None,
        action=AccessAction.DOWNLOAD,
        transcript=world.a.transcript,
        organisation="Giờ Việt Nam",
        at=dt.datetime(2030, 3, 1, 0, 30, tzinfo=dt.UTC),
    )
    text = parent_client.get("/me/").content.decode()
    assert "01/03/2030 07:30" in text


# --- share codes ------------------------------------------------------------------


def test_a_share_code_is_shown_once_and_stored_hashed(parent_client, world):
    response = parent_client.post(
        f"/me/transcripts/{world.a.transcript.pk}/share/",
        {"records": [world.a.record.pk], "days": 14, "recipient": "THCS A"},
    )
    assert response.status_code == 302
    share = ShareCode.objects.get()
    page = parent_client.get(response["Location"]).content.decode()
    code = page.split('id="share-code">')[1].split("<")[0].strip()
    assert sharing.normalise(code) and share.digest == sharing.digest(
        sharing.normalise(code)
    )
    assert code not in str(ShareCode.objects.values().get())
    again = parent_client.get(response["Location"]).content.decode()
    assert code not in again
    assert share.expires_at - share.created_at == dt.timedelta(days=14)
    assert AccessEvent.objects.filter(action=AccessAction.SHARE).count() == 1


def test_share_limits_are_enforced(parent, world):
    with pytest.raises(sharing.ShareError, match="at most 90 days"):
        _make(parent, world, days=91)
    with pytest.raises(sharing.ShareError, match="future"):
        _make(parent, world, days=-1)
    with pytest.raises(sharing.ShareError, match="at least one"):
        sharing.make_share(
            parent, world.a.transcript, [], timezone.now() + dt.timedelta(days=1)
        )
    with pytest.raises(sharing.ShareError, match="another transcript"):
        sharing.make_share(
            parent,
            world.a.transcript,
            [world.b.record],
            timezone.now() + dt.timedelta(days=1),
        )
    assert not ShareCode.objects.exists()


def test_reading_with_a_share_code_is_audited_and_the_parent_sees_it(
    client, parent, world
):
    made = _make(parent, world)
    response = _read(client, made.code.lower().replace("-", " "))
    assert response.status_code == 200
    text = response.content.decode()
    assert world.a.student.full_name in text
    assert world.a.transcript.lookup_code not in text
    event = AccessEvent.objects.get(actor_kind=ActorKind.SHARE_CODE)
    assert event.transcript == world.a.transcript
    assert event.organisation == "THCS Xuân Phương" and event.purpose == "Tuyển sinh"
    assert ShareUse.objects.get().event == event
    assert made.code not in str(event.detail)

    client.force_login(parent.user)
    listing = client.get("/me/").content.decode()
    assert "THCS Xuân Phương" in listing and "Tuyển sinh" in listing
    detail = client.get(f"/me/shares/{made.share.pk}/").content.decode()
    assert 'class="share-use"' in detail


def test_the_api_reads_only_what_the_code_covers(client, parent, world):
    made = _make(parent, world)
    response = _api(client, made.code)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["student_name"] == world.a.student.full_name
    assert [r["school_year"] for r in body["records"]] == [
        world.a.record.school_year.name
    ]
    assert body["records"][0]["status"] == "absent"
    assert world.a.transcript.lookup_code not in response.content.decode()
    assert world.b.student.full_name not in response.content.decode()
    event = AccessEvent.objects.get(actor_kind=ActorKind.SHARE_CODE)
    assert event.action == AccessAction.API


def test_revoked_and_expired_codes_get_a_clear_message(client, parent, world):
    made = _make(parent, world)
    sharing.revoke_share(parent, made.share)
    response = _read(client, made.code)
    assert response.status_code == 410
    assert "thu hồi" in response.content.decode()
    api = _api(client, made.code)
    assert api.status_code == 410 and api.json()["code"] == "SHARE_REVOKED"

    late = _make(parent, world, days=1)
    translation.activate("en")
    with pytest.raises(sharing.ShareExpiredError, match="expired on"):
        sharing.read_share(
            None,
            late.code,
            organisation="X",
            purpose="Y",
            via="page",
            now=timezone.now() + dt.timedelta(days=2),
        )
    assert not ShareUse.objects.exists()


def test_the_reader_must_say_who_and_why(client, parent, world):
    made = _make(parent, world)
    api = _api(client, made.code, organisation=" ")
    assert api.status_code == 400 and api.json()["code"] == "SHARE_INVALID"
    assert not ShareUse.objects.exists()


def test_guessing_codes_is_throttled_and_visible(client, parent, world):
    made = _make(parent, world)
    for _ in range(sharing.FAILURE_LIMIT):
        assert _api(client, sharing.new_code()).status_code == 404
    refused = _api(client, made.code)  # even the right code, for a while
    assert refused.status_code == 429 and refused.json()["code"] == "SHARE_THROTTLED"
    page = _read(client, made.code)
    assert page.status_code == 429
    failures = AccessEvent.objects.filter(action=AccessAction.LOOKUP_FAILED)
    assert failures.count() == sharing.FAILURE_LIMIT
    assert all(e.transcript_id is None and e.client for e in failures)
    # Another client is not affected.
    other = client.__class__(REMOTE_ADDR="10.0.0.9")
    assert _api(other, made.code).status_code == 200


def test_a_soft_copy_of_a_transcript_the_registry_lacks_says_so(parent_client, world):
    response = parent_client.get(
        f"/me/transcripts/{world.a.transcript.pk}/soft-copy/", follow=True
    )
    assert response.redirect_chain[-1][0] == "/me/"
    messages = [str(m) for m in response.context["messages"]]
    assert len(messages) == 1 and messages[0]
    assert not AccessEvent.objects.filter(action=AccessAction.DOWNLOAD).exists()
