"""Failed staff logins are throttled per account and per client (throttle.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client

from conftest import PASSWORD
from hocbaso.web import throttle
from hocbaso.web.models import LoginFailures

LOGIN_PAGES = ["/login/", "/admin/login/"]


def _try(client, url, username, password="wrong"):  # noqa: S107
    return client.post(url, {"username": username, "password": password})


@pytest.mark.parametrize("url", LOGIN_PAGES)
def test_after_five_failures_even_the_right_password_is_refused(
    db, client, department_officer, url
):
    for _ in range(throttle.ACCOUNT_LIMIT):
        assert _try(client, url, "cv_so").status_code == 200

    response = _try(client, url, "cv_so", PASSWORD)

    assert response.status_code == 200
    assert SESSION_KEY not in client.session
    assert "Đăng nhập sai quá nhiều lần" in response.content.decode()


def test_the_username_is_counted_whatever_its_case(db, client, department_officer):
    for _ in range(throttle.ACCOUNT_LIMIT):
        _try(client, "/login/", "CV_SO")
    _try(client, "/login/", "cv_so", PASSWORD)
    assert SESSION_KEY not in client.session


def test_the_block_ends_after_a_while(db, client, department_officer):
    for _ in range(throttle.ACCOUNT_LIMIT):
        _try(client, "/login/", "cv_so")
    LoginFailures.objects.update(
        blocked_until=dt.datetime(2000, 1, 1, tzinfo=dt.UTC),
        window_start=dt.datetime(2000, 1, 1, tzinfo=dt.UTC),
    )

    _try(client, "/login/", "cv_so", PASSWORD)

    assert SESSION_KEY in client.session


def test_a_success_clears_the_accounts_count(db, client, department_officer):
    for _ in range(throttle.ACCOUNT_LIMIT - 1):
        _try(client, "/login/", "cv_so")
    _try(client, "/login/", "cv_so", PASSWORD)
    client.logout()
    _try(client, "/login/", "cv_so")
    _try(client, "/login/", "cv_so", PASSWORD)
    assert SESSION_KEY in client.session


def test_one_client_guessing_many_accounts_is_refused_but_others_are_not(
    db, department_officer
):
    guesser = Client(REMOTE_ADDR="203.0.113.7")
    for n in range(throttle.CLIENT_LIMIT):
        _try(guesser, "/login/", f"guess{n}")

    _try(guesser, "/login/", "cv_so", PASSWORD)
    assert SESSION_KEY not in guesser.session

    honest = Client(REMOTE_ADDR="198.51.100.2")
    _try(honest, "/login/", "cv_so", PASSWORD)
    assert SESSION_KEY in honest.session


def test_no_username_or_address_is_kept_in_clear(db, client, department_officer):
    _try(client, "/login/", "cv_so")
    keys = list(LoginFailures.objects.values_list("key", flat=True))
    assert keys and not any("cv_so" in key or "127.0.0.1" in key for key in keys)
