"""Helpers of the API tests: tokens, clients, frozen time, the district's staff."""

from __future__ import annotations

import re

from django.test import Client

from hocbaso.records.models import Appointment, Role
from hocbaso.registry.api import tokens
from hocbaso.tests.test_vietnamese_pages import english_in

API = "/api/v1"


def freeze(monkeypatch, moment) -> None:
    """Every action called through the API reads ``moment`` as now."""
    monkeypatch.setattr("hocbaso.registry.clock.system_clock", lambda: moment)


def issue(school, name: str = "phần mềm quản lý trường") -> str:
    return tokens.issue_token(school, name).token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def post_xml(client: Client, path: str, data: bytes, token: str | None = None):
    headers = bearer(token) if token else {}
    return client.post(
        API + path, data, content_type="application/xml", headers=headers
    )


def post_json(client: Client, path: str, body: dict, token: str | None = None):
    headers = bearer(token) if token else {}
    return client.post(
        API + path, body, content_type="application/json", headers=headers
    )


def get(client: Client, path: str, token: str | None = None, **query):
    headers = bearer(token) if token else {}
    return client.get(API + path, query, headers=headers)


def logged_in(user, **options) -> Client:
    client = Client(**options)
    client.force_login(user)
    return client


def staff(district, role: str, **where):
    appointment = Appointment.objects.filter(
        role=role, school_year=district.year, **where
    ).select_related("person__user")
    return appointment.first().person.user


def department_officer(district):
    return staff(district, Role.DEPARTMENT_OFFICER)


def homeroom_teacher(district, school):
    return staff(district, Role.HOMEROOM_TEACHER, school=school)


# Words of pydantic's and the HTTP layer's English the page detector does not list.
_API_ENGLISH = frozenset("error value body request input field or and at least".split())
# A field's name in the API, quoted ('school_year'), is not a word of the sentence.
_QUOTED_FIELD = re.compile(r"'[\w.\[\]]+'")


def api_english_in(text: str) -> set[str]:
    """English of an API error: the pages' detector and the HTTP layer's words."""
    text = _QUOTED_FIELD.sub("", text)
    words = {w for w in re.findall(r"[A-Za-z]+", text) if w.lower() in _API_ENGLISH}
    return english_in(text) | words


def assert_error(response, status: int, code: str) -> dict:
    """The response is the error envelope, exactly, with that status and code."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error", "code"} and body["code"] == code
    assert body["error"] and "Traceback" not in body["error"]
    if response.get("Content-Language") == "vi":
        assert not api_english_in(body["error"]), body["error"]
    return body
