"""Who may call the API: school tokens, staff sessions, and everyone refused."""

import secrets

import pytest
from django.test import Client

from hocbaso.records.models import Round
from hocbaso.registry.api import tokens
from hocbaso.registry.models import ApiToken, Receipt
from hocbaso.registry.tests.api_support import (
    assert_error,
    department_officer,
    freeze,
    get,
    homeroom_teacher,
    issue,
    logged_in,
    post_json,
    post_xml,
)


@pytest.fixture
def now(district, db, monkeypatch):
    freeze(monkeypatch, district.open_at)


@pytest.fixture
def record(district):
    return district.records(district.primary, Round.MAIN)[1]


def _submit(client, district, record, token=None):
    path = f"/schools/{record.school.code}/submissions"
    return post_xml(client, path, district.packet(record), token)


def test_without_a_token_or_a_session_it_answers_401(district, client, now, record):
    response = _submit(client, district, record)

    assert_error(response, 401, "UNAUTHENTICATED")
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert not Receipt.objects.exists()


def test_a_revoked_token_is_refused_401(district, client, now, record):
    issued = tokens.issue_token(record.school, "cũ")
    tokens.revoke_token(issued.row.prefix)

    response = _submit(client, district, record, issued.token)

    assert_error(response, 401, "TOKEN_INVALID")
    assert not Receipt.objects.exists()


@pytest.mark.parametrize(
    "token", ["hbs_0000000000_wrong", "not-a-token", "hbs__", "hbs_0123456789_"]
)
def test_an_unknown_or_malformed_token_is_refused_401(
    district, client, now, record, token
):
    issue(record.school)
    assert_error(_submit(client, district, record, token), 401, "TOKEN_INVALID")


def test_a_token_with_a_wrong_secret_is_refused_401(district, client, now, record):
    good = issue(record.school)
    wrong = good[:-4] + ("AAAA" if not good.endswith("AAAA") else "BBBB")

    assert_error(_submit(client, district, record, wrong), 401, "TOKEN_INVALID")


def test_another_schools_token_cannot_submit_for_this_school_403(
    district, client, now, record
):
    theirs = issue(district.other_primary.school)

    assert_error(_submit(client, district, record, theirs), 403, "NOT_ALLOWED")
    assert not Receipt.objects.exists()


def test_another_schools_token_does_not_see_this_schools_receipt(
    district, client, now, record
):
    receipt = _submit(client, district, record, issue(record.school)).json()
    theirs = issue(district.other_primary.school)

    response = get(client, f"/receipts/{receipt['receipt_id']}", theirs)

    assert_error(response, 404, "NOT_FOUND")


def test_a_teacher_session_cannot_lock_the_round_403(district, now, record):
    teacher = logged_in(homeroom_teacher(district, record.school))

    response = post_json(
        teacher,
        f"/rounds/{district.year.name}/main/lock",
        {"school": record.school.code},
    )

    assert_error(response, 403, "NOT_ALLOWED")


def test_a_department_officer_never_submits_for_a_school_403(district, now, record):
    officer = logged_in(department_officer(district))

    assert_error(_submit(officer, district, record), 403, "NOT_ALLOWED")


def test_only_the_system_or_a_superuser_locks_the_whole_registry(district, now):
    officer = logged_in(department_officer(district))

    response = post_json(officer, f"/rounds/{district.year.name}/main/lock", {})

    assert_error(response, 403, "NOT_ALLOWED")


def test_a_session_post_needs_the_csrf_token_and_a_bearer_token_does_not(
    district, now, record
):
    officer = logged_in(department_officer(district), enforce_csrf_checks=True)
    path = f"/rounds/{district.year.name}/main/lock"
    body = {"school": record.school.code}

    refused = post_json(officer, path, body)
    csrf = secrets.token_hex(16)  # what Django's CSRF cookie holds: 32 characters
    officer.cookies["csrftoken"] = csrf
    accepted = officer.post(
        "/api/v1" + path,
        body,
        content_type="application/json",
        headers={"X-CSRFToken": csrf},
    )
    by_token = _submit(
        Client(enforce_csrf_checks=True), district, record, issue(record.school)
    )

    assert_error(refused, 403, "CSRF_FAILED")
    assert accepted.status_code == 200, accepted.content
    assert by_token.status_code == 202


def test_the_ledger_is_public(district, db, client):
    assert client.get("/api/v1/ledger/key").status_code == 200
    assert client.get("/api/v1/ledger/entries?start=0&end=0").status_code == 200


def test_a_token_acts_for_its_school_and_records_its_last_use(
    district, client, now, record
):
    token = issue(record.school)

    path = f"/rounds/{district.year.name}/main/missing"
    mine = get(client, path, token, school=record.school.code)
    everything = get(client, path, token)

    row = ApiToken.objects.get()
    assert mine.status_code == 200
    assert_error(everything, 403, "NOT_ALLOWED")  # the whole registry is not its own
    assert row.last_used_at is not None
    assert tokens.authenticate(token, row.last_used_at).school == record.school
