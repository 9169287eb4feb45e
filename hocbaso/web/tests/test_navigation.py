"""The menu shows each page family to the roles that work there."""

from __future__ import annotations

import re

import pytest

from conftest import PASSWORD


def _menu(client) -> set[str]:
    page = client.get("/").content.decode()
    nav = re.search(r'<nav class="site-nav".*?</nav>', page, re.S).group(0)
    return set(re.findall(r'href="([^"]+)"', nav))


@pytest.mark.parametrize(
    ("persona", "shown", "hidden"),
    [
        (
            "homeroom_teacher",
            {"/school/", "/import/"},
            {"/rollout/", "/exchange/", "/so/nhat-ky/"},
        ),
        ("subject_teacher", {"/school/"}, {"/import/", "/rollout/"}),
        ("principal", {"/school/", "/import/", "/rollout/"}, {"/exchange/"}),
        ("unit_officer", {"/rollout/"}, {"/school/", "/import/", "/exchange/"}),
        (
            "department_officer",
            {"/rollout/", "/exchange/", "/so/nhat-ky/"},
            {"/school/", "/import/"},
        ),
    ],
)
def test_each_role_sees_its_own_pages(request, staff_client, persona, shown, hidden):
    menu = _menu(staff_client(request.getfixturevalue(persona)))
    assert shown <= menu
    assert not hidden & menu


def test_visitors_see_lookup_and_verification_only(client, db):
    menu = _menu(client)
    assert menu == {"/", "/xac-minh/"}


def test_staff_land_on_their_work_page_after_logging_in(client, db, principal):
    answer = client.post(
        "/login/", {"username": principal.get_username(), "password": PASSWORD}
    )
    assert answer["Location"] == "/work/"
    assert client.get("/work/")["Location"] == "/school/"
