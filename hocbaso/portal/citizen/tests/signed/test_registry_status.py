"""A family's pages over a registry holding signed records: each year's legal
status, the signed soft copy, and a share code read as the school signed it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from hocbaso.portal.citizen import consent, sharing
from hocbaso.portal.citizen.models import (
    CitizenAccount,
    ConsentPurpose,
    Guardianship,
    Relation,
)
from hocbaso.portal.citizen.tests.conftest import PARENT
from hocbaso.portal.models import AccessAction, AccessEvent, ActorKind
from hocbaso.registry.models import Submission

pytestmark = pytest.mark.django_db


@pytest.fixture
def family(signed_registry, client, django_user_model):
    """A parent of the primary student (effective records) and of the secondary
    one (a pending record and a revoked one)."""
    user = django_user_model.objects.create_user("citizen-registry-parent")
    account = CitizenAccount.objects.create(
        user=user, personal_id=PARENT[0], full_name=PARENT[1]
    )
    students = {
        signed_registry.effective.transcript.student,
        signed_registry.pending.transcript.student,
        signed_registry.revoked.transcript.student,
    }
    for student in students:
        Guardianship.objects.create(
            student=student,
            guardian_personal_id=PARENT[0],
            guardian_name=PARENT[1],
            relation=Relation.MOTHER,
        )
        consent.decide(account, student, ConsentPurpose.SHARING, given=True)
    client.force_login(user)
    return account


def _row(text: str, record) -> str:
    """The table row of one yearly record on /me/."""
    name = record.transcript.student.full_name
    section = text[text.index(name) :]
    return section[section.index(f">{record.school_year.name}</td>") :][:600]


def test_each_year_shows_its_status_in_the_registry(client, family, signed_registry):
    text = client.get("/me/").content.decode()
    locked = timezone.localtime(signed_registry.locked_at)
    effective = _row(text, signed_registry.effective)
    assert f"có hiệu lực từ {locked:%d/%m/%Y}" in effective
    assert 'class="status effective"' in effective
    assert "chưa khóa" in text  # the pending secondary record
    assert "nhà trường đã thu hồi" in text  # the revoked one


def test_the_signed_soft_copy_downloads_and_is_audited(client, family, signed_registry):
    transcript = signed_registry.primary_transcript
    response = client.get(f"/me/transcripts/{transcript.pk}/soft-copy/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert b"/ByteRange" in response.content  # signed
    event = AccessEvent.objects.get(action=AccessAction.DOWNLOAD)
    assert event.transcript == transcript
    assert event.actor_kind == ActorKind.CITIZEN


def test_a_share_code_reads_the_record_as_signed(client, family, signed_registry):
    record = signed_registry.effective
    made = sharing.make_share(
        family,
        record.transcript,
        [record],
        timezone.now() + dt.timedelta(days=7),
    )
    client.logout()
    response = client.post(
        "/api/v1/shares/read",
        {"code": made.code, "organisation": "THCS A", "purpose": "Chuyển trường"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    [item] = body["records"]
    current = Submission.objects.get(record=record, state="accepted")
    assert item["status"] == "effective"
    assert item["effective_since"] is not None
    assert item["packet_sha256"] == current.blob_id
    assert item["ledger_index"] == current.ledger_index
    data = item["record"]
    assert data["student"]["full_name"] == record.transcript.student.full_name
    assert data["school_year"] == record.school_year.name
    assert data["results"]["subjects"]
    assert "lookup_code" not in data
    assert record.transcript.lookup_code not in response.content.decode()
    # Staff members' personal ids are theirs, not the student's data.
    assert "personal_id" not in data["homeroom_teacher"]

    page = client.post(
        "/me/share/",
        {"code": made.code, "organisation": "THCS A", "purpose": "Chuyển trường"},
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert data["results"]["subjects"][0]["name"] in html
    assert current.blob_id in html
