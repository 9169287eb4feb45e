"""Signing batches through the pages' JSON, the page's part played by the test.

The test signs the digests it is handed with the demo key files, as the local agent
would with a token; the server checks everything it is given.
"""

from __future__ import annotations

import base64
import json

import pytest
from cryptography.hazmat.primitives import serialization
from django.test import Client
from django.urls import reverse

from hocbaso.records import actions
from hocbaso.records.models import RecordStatus, SignatureStep
from hocbaso.records.signers import signers_of
from hocbaso.registry.models import Submission
from hocbaso.school.models import BatchItem, SigningBatch

pytestmark = pytest.mark.django_db


def _pem(signer):
    return [
        c.public_bytes(serialization.Encoding.PEM).decode()
        for c in signer.certificate_chain
    ]


class Page:
    """The page's side of a batch: create, ask for work, hand it to the 'agent'."""

    def __init__(self, client, keys: dict):
        self.client, self.keys = client, keys  # keys: "personal"/"seal" → signer
        client.cookies["django_language"] = "en"  # messages matched in English

    def post(self, url, body, status=200):
        response = self.client.post(
            url, json.dumps(body), content_type="application/json"
        )
        assert response.status_code == status, response.content
        return response.json()

    def create(self, kind, classes, mode="agent", reason="", status=200):
        return self.post(
            reverse("school:batch_create"),
            {
                "kind": kind,
                "mode": mode,
                "classes": [c.pk for c in classes],
                "reason": reason,
            },
            status,
        )

    def url(self, batch, name):
        return reverse(f"school:batch_{name}", args=[batch])

    def run(self, batch, *, stop_after=None, tamper=None):
        """Drive the batch to its end (or stop after n agent calls)."""
        calls = 0
        while True:
            answer = self.post(self.url(batch, "next"), {})
            while "work" in answer:
                if stop_after is not None and calls >= stop_after:
                    return answer
                work, calls = answer["work"], calls + 1
                signer = self.keys[work["key"]]
                if work["round"] == "certificate":
                    answer = self.post(
                        self.url(batch, "certificate"),
                        {"item": work["item"], "chain": _pem(signer)},
                    )
                    continue
                values = [
                    base64.b64encode(
                        (tamper or signer).sign_digest(base64.b64decode(d))
                    ).decode()
                    for d in work["digests"]
                ]
                answer = self.post(
                    self.url(batch, "signatures"),
                    {
                        "item": work["item"],
                        "round": work["round"],
                        "signatures": values,
                    },
                )
            status = answer["status"]
            if (
                status["status"] != "open"
                or status["done"] + status["failed"] >= status["total"]
            ):
                return status


def _client(user):
    """A client of its own: two people in one test each keep their session."""
    client = Client()
    client.force_login(user)
    return client


def _homeroom_page(district, staff_client, school_class):
    person = signers_of(school_class).homeroom
    return Page(
        _client(person.user), {"personal": district.keys.signer_for_person(person)}
    ), person


def _leader_page(district, staff_client, school_class):
    person = signers_of(school_class).leader
    return Page(
        _client(person.user),
        {
            "personal": district.keys.signer_for_person(person),
            "seal": district.keys.signer_for_school(school_class.school),
        },
    ), person


def test_homeroom_batch_with_the_agent_signs_the_class(district, staff_client):
    cls = district.primary
    page, _person = _homeroom_page(district, staff_client, cls)
    created = page.create("homeroom", [cls])
    status = page.run(created["batch"])
    assert status["status"] == "done"
    assert status["records"] == 3
    assert set(district.records(cls).values_list("status", flat=True)) == {
        RecordStatus.SIGNING
    }
    polled = page.client.get(reverse("school:batch", args=[created["batch"]])).json()
    assert polled["done"] == polled["total"] == 1


def test_interrupted_batch_resumes_without_signing_twice(district, staff_client):
    cls = district.primary
    page, person = _homeroom_page(district, staff_client, cls)
    batch = page.create("homeroom", [cls])["batch"]
    page.run(batch, stop_after=1)  # the certificate given, the digests never signed
    item = BatchItem.objects.get(batch__public_id=batch)
    assert item.state == BatchItem.State.PREPARED
    assert not SignatureStep.objects.filter(record__school_class=cls).exists()
    status = page.run(batch)  # resumed
    assert status["status"] == "done"
    steps = SignatureStep.objects.filter(record__school_class=cls, person=person)
    assert steps.count() == 3
    # A new batch over the same class finds nothing left to sign.
    again = page.run(page.create("homeroom", [cls])["batch"])
    assert again["status"] == "done" and again["records"] == 0
    assert steps.count() == 3


def test_a_signature_from_another_key_fails_the_class_and_signs_nothing(
    district, staff_client
):
    cls = district.primary
    page, _person = _homeroom_page(district, staff_client, cls)
    forger = district.keys.signer_for_person(signers_of(cls).leader)
    status = page.run(page.create("homeroom", [cls])["batch"], tamper=forger)
    assert status["failed"] == 1
    assert "does not verify" in status["items"][0]["error"]
    assert not SignatureStep.objects.filter(record__school_class=cls).exists()


def test_a_teacher_of_another_class_is_refused(district, staff_client):
    cls = district.primary
    other = signers_of(district.other_primary).homeroom
    page = Page(
        staff_client(other.user), {"personal": district.keys.signer_for_person(other)}
    )
    page.create("homeroom", [cls], status=400)  # outside their scope
    assert not SigningBatch.objects.exists()


def test_the_wrong_role_fails_the_item_with_the_reason(district, staff_client):
    cls = district.primary
    page, _person = _leader_page(district, staff_client, cls)
    status = page.run(page.create("homeroom", [cls])["batch"])
    assert status["failed"] == 1
    assert "not the homeroom teacher" in status["items"][0]["error"]


def test_the_principal_signs_seals_and_submits_with_the_agent(district, staff_client):
    cls = district.primary
    actions.sign_as_homeroom_teacher(
        signers_of(cls).homeroom.user,
        cls,
        district.keys.signer_for_person(signers_of(cls).homeroom),
        signing_time=district.now,
    )
    page, _person = _leader_page(district, staff_client, cls)
    status = page.run(page.create("issue", [cls])["batch"])
    assert status["status"] == "done", status
    assert status["accepted"] == 3
    assert set(district.records(cls).values_list("status", flat=True)) == {
        RecordStatus.SUBMITTED
    }
    assert (
        Submission.objects.filter(
            record__school_class=cls, state=Submission.State.ACCEPTED
        ).count()
        == 3
    )
    school = page.client.get(
        reverse("school:school", args=[district.year.pk, cls.school.pk])
    )
    assert school.status_code == 200
    row = [
        c
        for cs in dict(school.context["grades"]).values()
        for c in cs
        if c.school_class == cls
    ]
    assert row[0].counts["accepted"] == 3


def test_demo_keys_sign_only_where_the_deployment_allows(
    district, staff_client, settings
):
    cls = district.primary
    page, _person = _homeroom_page(district, staff_client, cls)
    settings.HOCBASO_DEMO_SIGNING = False
    refused = page.create("homeroom", [cls], mode="demo", status=400)
    assert "demo keys" in refused["error"]
    settings.HOCBASO_DEMO_SIGNING = True
    status = page.run(page.create("homeroom", [cls], mode="demo")["batch"])
    assert status["status"] == "done" and status["records"] == 3


def test_a_locked_round_cannot_be_corrected_or_sent_again(
    district, staff_client, settings
):
    from hocbaso.registry import actions as registry
    from hocbaso.registry.actors import Actor
    from hocbaso.school import clock

    settings.HOCBASO_DEMO_SIGNING = True
    cls = district.primary
    homeroom, _p = _homeroom_page(district, staff_client, cls)
    homeroom.run(homeroom.create("homeroom", [cls], mode="demo")["batch"])
    leader, _p = _leader_page(district, staff_client, cls)
    status = leader.run(leader.create("issue", [cls], mode="demo")["batch"])
    assert status["accepted"] == 3
    registry.lock_round(
        district.year,
        "main",
        scope=cls.school,
        actor=Actor.system("tests"),
        clock=clock.registry_clock(),
    )
    record = district.records(cls).first()
    response = homeroom.client.post(
        reverse("school:record", args=[record.pk]),
        {"preview": "1", "homeroom_comment": "Sửa sau khi khóa."},
        follow=True,
    )
    assert "can no longer be corrected" in response.content.decode() or (
        "không còn" in response.content.decode()
    )
    record.refresh_from_db()
    assert record.status == RecordStatus.SUBMITTED


def test_a_correction_shows_the_change_and_is_sent_as_a_replacement(
    district, staff_client, settings
):
    settings.HOCBASO_DEMO_SIGNING = True
    cls = district.primary
    homeroom, _p = _homeroom_page(district, staff_client, cls)
    homeroom.run(homeroom.create("homeroom", [cls], mode="demo")["batch"])
    leader, _p = _leader_page(district, staff_client, cls)
    leader.run(leader.create("issue", [cls], mode="demo")["batch"])
    record = district.records(cls).order_by("pk").first()
    before = Submission.objects.get(record=record, state="accepted")
    row = record.assessments.filter(term="hk2").exclude(data__has_key="exempt").first()
    key = "score" if "score" in row.data else "level"
    new = (
        str(10 if row.data["score"] != 10 else 9)
        if key == "score"
        else ("T" if row.data["level"] != "T" else "H")
    )
    url = reverse("school:record", args=[record.pk])
    preview = homeroom.client.post(url, {"preview": "1", f"row-{row.pk}-{key}": new})
    assert preview.status_code == 200
    changes = preview.context["preview"].data_changes
    assert any(c.key.endswith(key) and c.after == new for c in changes)
    record.refresh_from_db()
    assert record.status == RecordStatus.SUBMITTED  # a preview changes nothing
    saved = homeroom.client.post(url, {"save": "1", f"row-{row.pk}-{key}": new})
    assert saved.status_code == 302
    record.refresh_from_db()
    assert record.status == RecordStatus.DRAFT
    homeroom.client.post(reverse("school:finalise", args=[cls.pk]), {"confirm": "yes"})
    record.refresh_from_db()
    assert record.status == RecordStatus.FINALISED
    resigned = homeroom.run(homeroom.create("homeroom", [cls], mode="demo")["batch"])
    assert resigned["status"] == "done", resigned["items"][0]["error"]
    without_reason = leader.run(leader.create("issue", [cls], mode="demo")["batch"])
    assert "give a reason" in without_reason["items"][0]["error"]
    # Sent again by a batch that carries the reason: the class is issued already.
    status = leader.run(
        leader.create("issue", [cls], mode="demo", reason="Sửa điểm nhập sai")["batch"]
    )
    assert status["status"] == "done", status["items"][0]["error"]
    before.refresh_from_db()
    assert before.state == Submission.State.SUPERSEDED
    current = Submission.objects.get(record=record, state="accepted")
    assert current.reason == "Sửa điểm nhập sai"


def test_subject_teachers_confirm_then_the_homeroom_teacher_signs(
    district, staff_client
):
    cls = district.secondary
    homeroom, _person = _homeroom_page(district, staff_client, cls)
    early = homeroom.run(homeroom.create("homeroom", [cls])["batch"])
    assert early["failed"] == 1
    assert "subject teachers sign before" in early["items"][0]["error"]
    teachers = {p.pk: p for p in signers_of(cls).subject_teachers.values()}
    for teacher in teachers.values():
        page = Page(
            _client(teacher.user),
            {"personal": district.keys.signer_for_person(teacher)},
        )
        status = page.run(page.create("subject", [cls])["batch"])
        assert status["status"] == "done", status["items"][0]["error"]
        assert status["records"] == district.records(cls).count()
    status = homeroom.run(homeroom.create("homeroom", [cls])["batch"])
    assert status["status"] == "done", status["items"][0]["error"]
