"""The data subject's access request (docs/privacy.md): a parent downloads
everything held about their child as JSON; the download is audited; nobody reads
another child's data that way, and another guardian's personal id is not in it."""

from __future__ import annotations

import json

import pytest

from hocbaso.portal.citizen import consent
from hocbaso.portal.citizen.models import (
    CitizenAccount,
    ConsentPurpose,
    Guardianship,
    Relation,
)
from hocbaso.portal.citizen.tests.conftest import OTHER_PARENT, PARENT
from hocbaso.portal.models import AccessAction, AccessEvent, ActorKind
from hocbaso.registry.models import Submission

pytestmark = pytest.mark.django_db


@pytest.fixture
def parent(signed_registry, client, django_user_model):
    student = signed_registry.effective.transcript.student
    user = django_user_model.objects.create_user("citizen-data-parent")
    account = CitizenAccount.objects.create(
        user=user, personal_id=PARENT[0], full_name=PARENT[1]
    )
    for pid, name, relation in (
        (PARENT[0], PARENT[1], Relation.FATHER),
        (OTHER_PARENT[0], OTHER_PARENT[1], Relation.MOTHER),
    ):
        Guardianship.objects.create(
            student=student,
            guardian_personal_id=pid,
            guardian_name=name,
            relation=relation,
        )
    consent.decide(account, student, ConsentPurpose.SHARING, given=True)
    client.force_login(user)
    return account


def test_everything_held_about_the_child_downloads_as_json(
    client, parent, signed_registry
):
    record = signed_registry.effective
    student = record.transcript.student
    response = client.get(f"/me/students/{student.pk}/data/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["student"]["full_name"] == student.full_name
    assert data["student"]["personal_id"] == student.personal_id
    (transcript,) = data["transcripts"]
    assert transcript["lookup_code"] == record.transcript.lookup_code
    held = next(r for r in transcript["records"] if r["packet_sha256"])
    submission = Submission.objects.get(record=record, state="accepted")
    assert held["packet_sha256"] == submission.blob_id
    assert held["signed"]["student"]["full_name"] == student.full_name
    assert [c["given"] for c in data["consents"]] == [True]
    ids = {g["name"]: g["personal_id"] for g in data["guardians"]}
    assert ids == {PARENT[1]: PARENT[0], OTHER_PARENT[1]: None}
    assert OTHER_PARENT[0] not in response.content.decode()
    event = AccessEvent.objects.get(action=AccessAction.EXPORT)
    assert event.transcript == record.transcript
    assert event.actor_kind == ActorKind.CITIZEN
    again = json.loads(client.get(f"/me/students/{student.pk}/data/").content)
    assert [e["action"] for e in again["access_trail"]] == ["export"]


def test_another_childs_data_is_not_downloaded(client, parent, signed_registry):
    other = signed_registry.pending.transcript.student
    assert client.get(f"/me/students/{other.pk}/data/").status_code == 404
    assert client.get("/me/students/999999/data/").status_code == 404
    assert not AccessEvent.objects.filter(action=AccessAction.EXPORT).exists()
    client.logout()
    own = signed_registry.effective.transcript.student
    assert client.get(f"/me/students/{own.pk}/data/").status_code == 302
