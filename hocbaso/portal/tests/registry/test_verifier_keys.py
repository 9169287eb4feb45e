"""Organisations that check many transcripts use a key issued by the department:
their own allowance and quota, audited as the organisation, stored hashed."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from hocbaso.portal import keys
from hocbaso.portal.models import AccessEvent, VerifierKey

pytestmark = pytest.mark.django_db

LOOKUP = "/api/v1/portal/lookup"
OFFICE = "203.0.113.7"


@pytest.fixture(autouse=True)
def _small_limits(settings):
    settings.HOCBASO_LOOKUP_FAILURE_LIMIT = 2


def _lookup(client, code, key=None, **body):
    extra = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
    return client.post(
        LOOKUP,
        json.dumps({"code": code, **body}),
        content_type="application/json",
        REMOTE_ADDR=OFFICE,
        **extra,
    )


def _issue(**options) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "verifier-key",
        "issue",
        "--organisation",
        "Trường THPT Chu Văn An",
        *[f"--{k.replace('_', '-')}={v}" for k, v in options.items()],
        stdout=out,
        stderr=err,
    )
    return out.getvalue().strip()


def test_a_key_has_its_own_allowance_and_is_audited_as_its_organisation(
    registry, client
):
    key = _issue(failure_allowance=5)
    row = VerifierKey.objects.get()
    assert key.startswith(f"hbv_{row.prefix}_") and key not in row.secret_sha256
    assert row.secret_sha256 == keys.hash_key(key)
    code = registry.primary_transcript.lookup_code
    for n in range(4):  # beyond the address's allowance of 2, within the key's 5
        assert _lookup(client, f"{n:032x}", key).status_code == 404
    found = _lookup(client, code, key, organisation="someone else")
    assert found.status_code == 200
    event = AccessEvent.objects.get(action="api")
    assert (event.organisation, event.actor_label) == (
        "Trường THPT Chu Văn An",
        "Trường THPT Chu Văn An",
    )
    assert event.client == f"key:{row.prefix}" and event.detail["key"] == row.prefix
    # The same office without its key is still within its own allowance.
    assert _lookup(client, code).status_code == 200


def test_a_key_past_its_daily_quota_is_refused(registry, client):
    key = _issue(daily_quota=2)
    code = registry.primary_transcript.lookup_code
    assert _lookup(client, code, key).status_code == 200
    assert _lookup(client, "0" * 32, key).status_code == 404
    refused = _lookup(client, code, key)
    assert refused.status_code == 429 and refused.json()["code"] == "QUOTA_EXCEEDED"
    assert "2 lượt" in refused.json()["error"]


def test_a_wrong_or_revoked_key_is_refused_and_counts_as_a_failure(registry, client):
    key = _issue()
    prefix = VerifierKey.objects.get().prefix
    code = registry.primary_transcript.lookup_code
    wrong = _lookup(client, code, key[:-1] + ("A" if key[-1] != "A" else "B"))
    assert wrong.status_code == 401 and wrong.json()["code"] == "INVALID_API_KEY"
    call_command("verifier-key", "revoke", prefix, stdout=io.StringIO())
    assert _lookup(client, code, key).status_code == 401
    # two failures of the address: its wait has begun, key or no key
    assert _lookup(client, code).status_code == 429
    assert _lookup(client, code, key).status_code == 429
