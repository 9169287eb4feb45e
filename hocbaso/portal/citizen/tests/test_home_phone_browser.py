"""The parent's table of years on a phone: each year a compact card that keeps
the table's meaning for screen readers, and the page never scrolls sideways."""

from __future__ import annotations

import pytest

from hocbaso.portal.audit import record_access
from hocbaso.portal.citizen.models import Guardianship, Relation
from hocbaso.portal.citizen.tests.conftest import (
    LONG_ORGANISATION,
    LONG_PURPOSE,
    PARENT,
    browser_login,
)
from hocbaso.portal.models import AccessAction, ActorKind
from hocbaso.records.models import SchoolClass, SchoolYear, YearlyRecord
from hocbaso.tests.journeys.browse import (
    DESKTOP,
    PHONE,
    assert_no_sideways_scroll,
    check_accessibility,
)

# Page behaviour in the browser: once, in the SQLite half (test_citizen_browser.py).
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.once]


def _earlier_year(world):
    """A year before this one at the same school: two rows in the child's table."""
    year = SchoolYear.objects.create(
        name=f"{world.year.first_year - 1}-{world.year.first_year}"
    )
    lower = SchoolClass.objects.create(
        school=world.school_a, school_year=year, grade=3, name="3A1"
    )
    YearlyRecord.objects.create(
        transcript=world.a.transcript,
        school_year=year,
        grade=3,
        school=world.school_a,
        school_class=lower,
    )


def test_on_a_phone_each_year_is_a_compact_card(page, oidc, world):
    world.school_a.name = "Trường Tiểu học Xuân Phương, phường Xuân Phương"
    world.school_a.save()
    _earlier_year(world)
    Guardianship.objects.create(
        student=world.a.student,
        guardian_personal_id=PARENT[0],
        guardian_name=PARENT[1],
        relation=Relation.MOTHER,
    )
    browser_login(page)
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        assert_no_sideways_scroll(page)
        check_accessibility(page)
    # Still a table to a screen reader: the header is out of sight, not removed.
    assert page.get_by_role("columnheader", name="Năm học").count() == 1
    rows = page.locator("section.transcript table.years tbody tr")
    assert rows.count() == 2
    for row in rows.all():
        line = row.locator("td").first.bounding_box()["height"]  # the year: a line
        cells = [cell.bounding_box() for cell in row.locator("td").all()]
        assert all(c["x"] + c["width"] <= PHONE["width"] for c in cells)  # in sight
        assert max(c["height"] for c in cells) <= 2 * line + 1  # a name: two lines
        assert row.bounding_box()["height"] <= 7 * line  # five lines and the gaps


def _accesses(world) -> None:
    """Two accesses to the child's transcript: one whose organisation and purpose
    fill several lines and hold a word longer than a phone is wide (a code
    holder types them), one by staff with neither."""
    record_access(
        None,
        action=AccessAction.VIEW,
        transcript=world.a.transcript,
        actor_kind=ActorKind.ANONYMOUS,
        organisation=LONG_ORGANISATION,
        purpose=LONG_PURPOSE,
    )
    record_access(
        None,
        action=AccessAction.PRINT,
        transcript=world.a.transcript,
        actor_kind=ActorKind.STAFF,
        actor_label="gv_a",
    )


def test_on_a_phone_each_access_is_a_card_that_fits(page, oidc, world):
    _accesses(world)
    Guardianship.objects.create(
        student=world.a.student,
        guardian_personal_id=PARENT[0],
        guardian_name=PARENT[1],
        relation=Relation.MOTHER,
    )
    browser_login(page)
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        assert_no_sideways_scroll(page)
        check_accessibility(page)
        card = page.locator("#access-list").bounding_box()
        edge = page.locator("#access-list table").bounding_box()
        assert edge["x"] + edge["width"] <= card["x"] + card["width"]  # in its card
    table = page.locator("#access-list table")
    # Nothing to scroll inside the list either: the table is as wide as its box.
    assert table.evaluate("t => t.scrollWidth - t.clientWidth") <= 0
    headers = page.locator("#access-list").get_by_role("columnheader")
    assert headers.count() == 6  # out of sight, still there for screen readers
    rows = (
        page.locator("#access-list").get_by_role("row").filter(has=page.locator("td"))
    )
    assert rows.count() == 2
    for row in rows.all():
        box = row.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        for cell in row.locator("td").all():
            edge = cell.evaluate("c => c.getBoundingClientRect().right")
            assert edge <= box["x"] + box["width"], cell.inner_text()
    # A label before each value that needs one, none before an empty cell.
    labels = {
        row.locator("td").nth(2).inner_text(): [
            c.get_attribute("data-label") for c in row.locator("td[data-label]").all()
        ]
        for row in rows.all()
    }
    assert labels == {"đã xem": ["Ai", "Cơ quan, đơn vị", "Mục đích"], "đã in": ["Ai"]}
