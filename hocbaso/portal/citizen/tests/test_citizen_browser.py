"""A parent logs in through the provider's login page in headless Chromium."""

from __future__ import annotations

import pytest

from hocbaso.portal.audit import record_access
from hocbaso.portal.citizen.models import Guardianship, Relation
from hocbaso.portal.citizen.tests.conftest import PARENT
from hocbaso.portal.models import AccessAction, ActorKind

# Page behaviour in the browser: run once, in the SQLite half of `make test`
# (hocbaso/portal/tests/test_portal_browser.py proves the live server on
# PostgreSQL).
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.once]


def test_a_parent_logs_in_and_sees_the_children_and_who_looked(page, oidc, world):
    for child, relation in ((world.a, Relation.FATHER), (world.a2, Relation.FATHER)):
        Guardianship.objects.create(
            student=child.student,
            guardian_personal_id=PARENT[0],
            guardian_name=PARENT[1],
            relation=relation,
        )
    record_access(
        None,
        action=AccessAction.VIEW,
        transcript=world.a.transcript,
        actor_kind=ActorKind.ANONYMOUS,
        organisation="Trường THCS Xuân Phương",
        purpose="Tuyển sinh lớp 6",
    )

    page.goto("/me/")
    assert page.url.endswith("/me/login/")
    with page.expect_navigation():
        page.click("#citizen-login")
    # The provider's own login page, on another port.
    assert page.url.startswith(oidc.base + "/accounts/login/")
    page.fill("#id_username", PARENT[0])
    page.fill("#id_password", PARENT[2])
    with page.expect_navigation():
        page.click("button[type=submit]")
    page.click("button[name=allow]")  # consent to share the identity
    page.wait_for_url("**/me/")

    cards = page.locator("section.transcript")
    assert cards.count() == 2
    text = page.locator("main").inner_text()
    assert world.a.student.full_name in text and world.a2.student.full_name in text
    assert world.b.student.full_name not in text
    rows = page.locator("#access-list tr.access-event")
    assert rows.count() == 1
    row = rows.first.inner_text()
    assert "Trường THCS Xuân Phương" in row and "Tuyển sinh lớp 6" in row
    assert "Học bạ của tôi" in page.locator("h1").inner_text()
