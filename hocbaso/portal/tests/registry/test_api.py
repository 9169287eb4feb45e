"""The portal in the JSON API: lookup, verify, printout; throttled; documented."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hocbaso.portal.models import AccessEvent
from hocbaso.registry.models import Blob, Submission
from hocbaso.registry.tests.helpers import tamper

pytestmark = pytest.mark.django_db

LOOKUP = "/api/v1/portal/lookup"
VERIFY = "/api/v1/portal/verify"
PRINTOUT = "/api/v1/portal/verify-printout"


def _json(client, url, body, **extra):
    return client.post(url, json.dumps(body), content_type="application/json", **extra)


def test_lookup_by_code_in_the_body(registry, client):
    code = registry.primary_transcript.lookup_code
    response = _json(client, LOOKUP, {"code": code, "organisation": "Sở LĐTBXH"})
    assert response.status_code == 200
    body = response.json()
    (record,) = body["records"]
    assert record["status"] == "effective" and record["effective_at"]
    assert record["ledger"]["verified"] is True
    assert {s["role"] for s in record["signatures"]} >= {"leader", "seal"}
    assert body["earlier"][0]["replaced_by"] == record["submission_id"]
    assert code not in response.content.decode()
    event = AccessEvent.objects.get(action="api")
    assert (event.actor_kind, event.organisation) == ("api", "Sở LĐTBXH")


def test_a_wrong_code_is_404_and_guessing_is_throttled(registry, client, settings):
    settings.HOCBASO_LOOKUP_FAILURE_LIMIT = 2
    for n in range(2):
        wrong = _json(client, LOOKUP, {"code": f"{n:032x}"})
        assert wrong.status_code == 404 and wrong.json()["code"] == "NOT_FOUND"
    code = registry.primary_transcript.lookup_code
    refused = _json(client, LOOKUP, {"code": code})
    assert refused.status_code == 429
    assert refused.json()["code"] == "LOOKUP_THROTTLED"


def test_verify_an_uploaded_packet(registry, client):
    sub = Submission.objects.get(record=registry.effective, state="accepted")
    packet = bytes(Blob.objects.get(pk=sub.blob_id).data)
    ok = client.post(VERIFY, {"file": SimpleUploadedFile("p.xml", packet)})
    assert ok.status_code == 200 and ok.json()["status"] == "valid"
    bad = client.post(VERIFY, {"file": SimpleUploadedFile("p.xml", tamper(packet))})
    body = bad.json()
    assert body["status"] == "invalid"
    assert body["packets"][0]["differences"][0]["field"] == "student.full_name"
    junk = client.post(VERIFY, {"file": SimpleUploadedFile("x.bin", b"\x00\x01")})
    assert junk.status_code == 400 and junk.json()["code"] == "UPLOAD_REFUSED"


def test_verify_a_printout(registry, client):
    code = registry.primary_transcript.lookup_code
    response = _json(client, PRINTOUT, {"code": code, "digest": "0" * 16})
    assert response.status_code == 200
    assert response.json()["status"] == "invalid"


def test_the_openapi_document_lists_the_portal(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {LOOKUP, VERIFY, PRINTOUT} <= set(paths)
    assert "requestBody" in paths[LOOKUP]["post"]
