"""The public ledger answers any web page (CORS) and lets a CDN cache it; the rest
of the API does neither.
"""

import pytest

from hocbaso.records.models import Round
from hocbaso.registry import actions
from hocbaso.registry.models import SchoolRoundLock
from hocbaso.registry.tests.api_support import API, get, issue
from hocbaso.registry.tests.helpers import submit

SITE = {"Origin": "https://truong.example.vn"}
IMMUTABLE = "public, max-age=31536000, immutable"


@pytest.fixture
def two_checkpoints(district, db, clock, primary_clerk):
    for record in district.records(district.primary, Round.MAIN)[:2]:
        submit(district, record, primary_clerk, clock)


def _public_addresses() -> list[tuple[str, dict, str]]:
    return [
        ("/ledger/checkpoint", {}, "public, max-age=5"),
        ("/ledger/key", {}, "public, max-age=3600"),
        ("/ledger/checkpoints/1", {}, IMMUTABLE),
        ("/ledger/entries", {"start": 0, "end": 2}, IMMUTABLE),
        ("/ledger/proofs/inclusion", {"index": 0, "size": 2}, IMMUTABLE),
        ("/ledger/proofs/consistency", {"size1": 1, "size2": 2}, IMMUTABLE),
    ]


def test_every_public_ledger_answer_has_cors_and_its_cache_policy(
    two_checkpoints, client
):
    for path, query, policy in _public_addresses():
        response = client.get(API + path, query, headers=SITE)
        assert response.status_code == 200, path
        assert response["Access-Control-Allow-Origin"] == "*", path
        assert "Access-Control-Allow-Credentials" not in response, path
        assert response["Cache-Control"] == policy, path


def test_a_lock_list_is_immutable_too(two_checkpoints, client, district, system):
    actions.lock_round(
        district.year, "main", scope=district.primary.school, actor=system
    )
    index = SchoolRoundLock.objects.get().ledger_index
    response = client.get(f"{API}/ledger/locks/{index}", headers=SITE)
    assert response.status_code == 200
    assert response["Cache-Control"] == IMMUTABLE
    assert response["Access-Control-Allow-Origin"] == "*"


def test_a_preflight_allows_reading_only(two_checkpoints, client):
    response = client.options(
        API + "/ledger/entries",
        headers={**SITE, "Access-Control-Request-Method": "GET"},
    )
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert "Access-Control-Allow-Credentials" not in response


def test_head_answers_the_headers_without_the_body(two_checkpoints, client):
    response = client.head(API + "/ledger/checkpoint", headers=SITE)
    assert response.status_code == 200 and response.content == b""
    assert response["ETag"] and response["Access-Control-Allow-Origin"] == "*"


def test_the_latest_checkpoint_is_not_sent_again_while_it_is_the_same(
    two_checkpoints, client, district, clock, primary_clerk
):
    first = client.get(API + "/ledger/checkpoint")
    etag = first["ETag"]
    again = client.get(API + "/ledger/checkpoint", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag and again["Cache-Control"] == "public, max-age=5"

    submit(
        district,
        district.records(district.primary, Round.MAIN)[2],
        primary_clerk,
        clock,
    )

    grown = client.get(API + "/ledger/checkpoint", headers={"If-None-Match": etag})
    assert grown.status_code == 200 and grown["ETag"] != etag


def test_an_error_of_the_public_ledger_is_not_cached(two_checkpoints, client):
    response = get(client, "/ledger/entries", start=0, end=50)
    assert response.status_code == 400
    assert response["Cache-Control"] == "no-store"
    assert response["Access-Control-Allow-Origin"] == "*"
    missing = get(client, "/ledger/checkpoints/99")
    assert missing.status_code == 404 and missing["Cache-Control"] == "no-store"


def test_the_authenticated_api_gets_no_cors(two_checkpoints, client, district):
    token = issue(district.primary.school)
    receipt = client.get(
        API + "/receipts/rcp-aaaaaaaaaaaaaaaa",
        headers={**SITE, "Authorization": f"Bearer {token}"},
    )
    assert receipt.status_code == 404
    preflight = client.options(
        f"{API}/schools/{district.primary.school.code}/submissions",
        headers={**SITE, "Access-Control-Request-Method": "POST"},
    )
    for response in (receipt, preflight):
        assert "Access-Control-Allow-Origin" not in response
        assert "Access-Control-Allow-Methods" not in response
    assert preflight.status_code == 405
