"""API tokens: issued once, stored only as a hash, revoked by an administrator."""

import hashlib
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection

from hocbaso.registry.api import tokens
from hocbaso.registry.models import ApiToken
from hocbaso.registry.tests.api_support import issue, logged_in


@pytest.fixture
def school(district, db):
    return district.primary.school


def _every_stored_value() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM registry_apitoken")
        return [str(value) for row in cursor.fetchall() for value in row]


def test_the_database_holds_the_tokens_hash_never_the_token(school):
    token = issue(school)
    secret = token.split("_", 2)[2]

    stored = _every_stored_value()

    assert not any(secret in value or token in value for value in stored)
    row = ApiToken.objects.get()
    assert row.secret_sha256 == hashlib.sha256(token.encode()).hexdigest()
    assert token.startswith(f"hbs_{row.prefix}_") and len(secret) >= 43


def test_the_command_issues_a_token_shown_once_lists_and_revokes_it(school, client):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "api-token",
        "issue",
        "--school",
        school.code,
        "--name",
        "SMAS",
        stdout=out,
        stderr=err,
    )
    token = out.getvalue().strip()
    listed = io.StringIO()
    call_command("api-token", "list", stdout=listed)
    prefix = ApiToken.objects.get().prefix

    call_command("api-token", "revoke", prefix, stdout=io.StringIO())

    assert token.startswith(f"hbs_{prefix}_") and prefix in err.getvalue()
    assert prefix in listed.getvalue() and token not in listed.getvalue()
    assert "SMAS" in listed.getvalue()
    assert ApiToken.objects.get().revoked_label == "command:api-token"
    assert tokens.authenticate(token, ApiToken.objects.get().created_at) is None


def test_the_command_refuses_an_unknown_school_or_prefix_in_one_line(school):
    with pytest.raises(CommandError, match="NOT_FOUND"):
        call_command("api-token", "issue", "--school", "NOPE", "--name", "x")
    with pytest.raises(CommandError, match="NOT_FOUND"):
        call_command("api-token", "revoke", "0000000000")


def test_an_administrator_issues_a_token_in_the_admin_and_sees_it_once(school):
    admin = get_user_model().objects.create_superuser("quan-tri", password="x")
    browser = logged_in(admin)

    form = browser.get("/admin/registry/apitoken/issue/")
    page = browser.post(
        "/admin/registry/apitoken/issue/",
        {"school": school.code, "name": "Phần mềm SMAS"},
    )

    row = ApiToken.objects.get()
    token = page.context["issued"].token
    assert form.status_code == 200 and b'name="school"' in form.content
    assert page.status_code == 200 and token.encode() in page.content
    assert tokens.authenticate(token, row.created_at) == row
    assert row.created_by == admin and row.name == "Phần mềm SMAS"
    listing = browser.get("/admin/registry/apitoken/")
    assert row.prefix.encode() in listing.content
    assert token.encode() not in listing.content
    assert (
        token.encode()
        not in browser.get(f"/admin/registry/apitoken/{row.pk}/change/").content
    )


def test_the_issue_page_names_an_unknown_school(school):
    admin = get_user_model().objects.create_superuser("quan-tri", password="x")

    page = logged_in(admin).post(
        "/admin/registry/apitoken/issue/", {"school": "NOPE", "name": "x"}
    )

    assert page.status_code == 200 and b"NOPE" in page.content
    assert not ApiToken.objects.exists()


def test_an_administrator_revokes_tokens_with_the_admin_action(school):
    admin = get_user_model().objects.create_superuser("quan-tri", password="x")
    token = issue(school)

    logged_in(admin).post(
        "/admin/registry/apitoken/",
        {"action": "revoke_tokens", "_selected_action": [ApiToken.objects.get().pk]},
    )

    row = ApiToken.objects.get()
    assert row.revoked_at is not None and row.revoked_by == admin
    assert tokens.authenticate(token, row.revoked_at) is None


def test_staff_who_are_not_administrators_cannot_reach_the_tokens(school, district):
    clerk = district.user(school)
    clerk.is_staff = True
    clerk.save()

    browser = logged_in(clerk)

    # The admin is the department administrators': the clerk is sent to their work.
    for url in ("/admin/registry/apitoken/", "/admin/registry/apitoken/issue/"):
        response = browser.get(url)
        assert response.status_code == 302
        assert not response["Location"].startswith("/admin/")
