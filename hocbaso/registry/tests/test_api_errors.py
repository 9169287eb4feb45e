"""Every failure answers the one envelope {"error", "code"} with the right status."""

import pytest

from hocbaso.records.models import Round
from hocbaso.registry.tests.api_support import (
    API,
    api_english_in,
    assert_error,
    bearer,
    freeze,
    get,
    issue,
    post_json,
    post_xml,
)
from hocbaso.registry.tests.helpers import tamper

LOOKUP_CODE = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"


@pytest.fixture
def school(district, db, monkeypatch):
    freeze(monkeypatch, district.open_at)
    return district.primary.school


@pytest.fixture
def token(school):
    return issue(school)


def test_a_body_that_is_not_xml_is_refused_415(client, school, token):
    response = client.post(
        f"{API}/schools/{school.code}/submissions",
        {"packet": "x"},
        content_type="application/json",
        headers=bearer(token),
    )

    assert_error(response, 415, "UNSUPPORTED_MEDIA_TYPE")


def test_an_empty_body_is_refused_400(client, school, token):
    response = post_xml(client, f"/schools/{school.code}/submissions", b"", token)

    assert_error(response, 400, "EMPTY_BODY")


def test_a_body_over_the_limit_is_refused_413(client, school, token, monkeypatch):
    monkeypatch.setattr("hocbaso.registry.api.bodies.MAX_PACKAGE_BYTES", 100)

    response = post_xml(
        client, f"/schools/{school.code}/submissions", b"<a/>" * 50, token
    )

    assert_error(response, 413, "TOO_LARGE")


def test_xml_that_is_no_packet_gets_a_refused_receipt_with_its_code(
    client, school, token
):
    response = post_xml(
        client, f"/schools/{school.code}/submissions", b"<not-closed>", token
    )

    assert response.status_code == 202
    receipt = response.json()
    assert receipt["status"] == "refused" and receipt["records"] == []
    assert [e["code"] for e in receipt["errors"]] == ["MALFORMED_XML"]


def test_a_tampered_packet_is_rejected_with_every_reason(
    client, district, school, token
):
    record = district.records(district.primary, Round.MAIN)[1]
    path = f"/schools/{school.code}/submissions"

    receipt = post_xml(client, path, tamper(district.packet(record)), token).json()

    (result,) = receipt["records"]
    assert result["outcome"] == "rejected" and result["submission_id"] is None
    assert "SIGNATURE_INVALID" in {p["code"] for p in result["problems"]}


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/rounds/2025-2026/winter/missing", "round_name"),
        ("/rounds/last-year/main/missing", "school_year"),
        ("/ledger/proofs/inclusion?index=x&size=1", "index"),
        ("/ledger/proofs/inclusion?size=1", "index"),
    ],
)
def test_invalid_parameters_are_refused_422_naming_the_field(
    client, token, path, field
):
    body = assert_error(get(client, path, token), 422, "VALIDATION_ERROR")

    assert field in body["error"]


def test_a_lock_naming_two_scopes_is_refused_422(client, district, token, school):
    response = post_json(
        client,
        f"/rounds/{district.year.name}/main/lock",
        {"school": school.code, "unit": "X"},
        token,
    )

    assert_error(response, 422, "VALIDATION_ERROR")


def test_a_revocation_without_a_reason_is_refused_422(client, token, school):
    path = f"/schools/{school.code}/submissions/sub-aaaaaaaaaaaaaaaa/revoke"

    body = assert_error(post_json(client, path, {}, token), 422, "VALIDATION_ERROR")

    assert "reason" in body["error"]


def test_a_replacement_without_a_reason_is_refused_422(client, token, school):
    response = client.post(
        f"{API}/schools/{school.code}/replacements",
        {"packet": b"<x/>"},
        headers=bearer(token),
    )

    assert_error(response, 422, "VALIDATION_ERROR")


def test_malformed_json_is_refused_400(client, token, school):
    response = client.post(
        f"{API}/schools/{school.code}/transfers",
        b"{not json",
        content_type="application/json",
        headers=bearer(token),
    )

    assert_error(response, 400, "BAD_REQUEST")


def test_an_unknown_receipt_is_404(client, token):
    body = assert_error(
        get(client, "/receipts/rcp-aaaaaaaaaaaaaaaa", token), 404, "NOT_FOUND"
    )

    assert "rcp-aaaaaaaaaaaaaaaa" in body["error"]


def test_a_lookup_code_is_never_echoed(client, district, token):
    as_id = get(client, f"/submissions/{LOOKUP_CODE}", token)
    lock = f"/rounds/{district.year.name}/main/lock"
    as_school = post_json(client, lock, {"school": LOOKUP_CODE}, token)
    plain = post_json(client, lock, {"school": "NOPE"}, token)

    assert_error(as_id, 422, "VALIDATION_ERROR")
    assert_error(as_school, 404, "NOT_FOUND")
    assert "NOPE" in assert_error(plain, 404, "NOT_FOUND")["error"]
    for response in (as_id, as_school):
        assert LOOKUP_CODE not in response.content.decode()


@pytest.mark.parametrize("debug", [False, True])
def test_an_unexpected_failure_is_500_without_a_traceback(
    client, token, monkeypatch, settings, debug
):
    settings.DEBUG = debug

    def broken(*args, **kwargs):
        raise RuntimeError("secret detail /srv/hocbaso")

    monkeypatch.setattr("hocbaso.registry.actions.receipt_status", broken)

    response = get(client, "/receipts/rcp-aaaaaaaaaaaaaaaa", token)

    body = assert_error(response, 500, "INTERNAL_ERROR")
    assert "secret detail" not in response.content.decode()
    assert "RuntimeError" not in body["error"]


def test_the_error_follows_the_requests_language(client, district, db):
    path = f"{API}/ledger/checkpoint"
    english = client.get(path, headers={"Accept-Language": "en"})
    vietnamese = client.get(path)  # Vietnamese is the default

    assert assert_error(english, 404, "LEDGER_EMPTY")["error"].startswith(
        "The ledger is empty"
    )
    assert assert_error(vietnamese, 404, "LEDGER_EMPTY")["error"].startswith(
        "Sổ cái còn trống"
    )
    assert "Sổ cái".encode() in vietnamese.content


def test_a_wrong_method_is_405_with_the_allowed_ones(client, db):
    response = client.delete(f"{API}/ledger/key")

    assert_error(response, 405, "METHOD_NOT_ALLOWED")
    assert response["Allow"] == "GET"


def test_an_unknown_address_under_the_api_is_a_json_404(client, db):
    assert_error(client.get(f"{API}/nothing/here"), 404, "NOT_FOUND")
    assert_error(client.get(f"{API}/ledger/key/"), 404, "NOT_FOUND")


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/rounds/2025-2026/winter/lock", {}),
        ("/rounds/2025-2026/main/lock", {"school": "A", "unit": "B"}),
        ("/rounds/2025-2026/main/lock", {"at": "2025-05-01T10:00"}),
        ("/rounds/2025-2026/main/lock", {"school": ["not", "a", "code"]}),
    ],
)
def test_a_validation_error_asked_in_vietnamese_has_no_english(
    client, token, path, body
):
    response = client.post(
        API + path,
        body,
        content_type="application/json",
        headers={**bearer(token), "Accept-Language": "vi"},
    )

    message = assert_error(response, 422, "VALIDATION_ERROR")["error"]
    assert response["Content-Language"] == "vi"
    assert not api_english_in(message), message
