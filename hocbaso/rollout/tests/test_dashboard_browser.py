"""The unit's dashboard in headless Chromium follows a school's submission.

A tiny seeded district with a few records of last school year really signed
(``hocbaso.registry.tests.district``); the unit officer opens the dashboard of
that year's main round, a school submits its packets through
``hocbaso.registry.actions`` (with the clock set before the lock deadline), and
after a reload the figures have changed.
"""

from __future__ import annotations

import pytest

from hocbaso.portal.tests.append_only import empty_append_only_tables
from hocbaso.records.models import Round
from hocbaso.registry import actions
from hocbaso.registry.actors import Actor
from hocbaso.registry.clock import fixed_clock
from hocbaso.registry.tests.district import build

# Page behaviour in the browser: run once, in the SQLite half of `make test`
# (hocbaso/portal/tests/test_portal_browser.py proves the live server on
# PostgreSQL).
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.once]

SEED_PASSWORD = "demo password for tests"  # the password district.build seeds


@pytest.fixture
def registry_rows_removed(transactional_db):
    """Empty the append-only tables before SQLite's flush (see append_only)."""
    yield
    empty_append_only_tables()


@pytest.fixture
def district(registry_rows_removed, tmp_path, settings):
    settings.HOCBASO_LEDGER_KEY = tmp_path / "ledger.key"
    built = build(tmp_path / "district")
    settings.DATA_DIR = built.root
    settings.HOCBASO_TRUST_STORE = built.trust_dir
    return built


def _totals(page) -> dict[str, int]:
    cells = page.locator("#totals-row td[data-field]")
    return {
        cells.nth(i).get_attribute("data-field"): int(cells.nth(i).inner_text())
        for i in range(cells.count())
    }


def _school_row(page, code: str) -> dict[str, int]:
    cells = page.locator(f'#figures-table tr[data-key="{code}"] td[data-field]')
    return {
        cells.nth(i).get_attribute("data-field"): int(cells.nth(i).inner_text())
        for i in range(cells.count())
    }


def test_the_units_dashboard_shows_a_schools_submission(district, page, browser_login):
    school = district.primary.school
    unit = school.unit_on(district.year.main_lock_date)
    officer = district.unit_officer(unit)
    records = district.records(district.primary, Round.MAIN)
    browser_login(officer, password=SEED_PASSWORD)

    page.goto(f"/rollout/unit/{unit.code}/?year={district.year.name}&round=main")
    before, row_before = _totals(page), _school_row(page, school.code)
    assert page.locator("h1").inner_text() == unit.name
    assert row_before["sealed"] >= len(records) and row_before["accepted"] == 0
    chart = page.locator("svg.chart[role=img]").first
    assert chart.is_visible() and chart.get_attribute("aria-labelledby")

    clerk = Actor.of_user(district.user(school))
    for record in records:
        receipt = actions.submit(
            district.packet(record),
            school=school,
            actor=clerk,
            clock=fixed_clock(district.open_at),
        )
        assert receipt.records[0].outcome == "accepted", receipt
    page.reload()

    after, row_after = _totals(page), _school_row(page, school.code)
    assert after["accepted"] == before["accepted"] + len(records)
    assert after["submitted"] == before["submitted"] + len(records)
    assert after["missing"] == before["missing"] - len(records)
    assert row_after["accepted"] == len(records)
    assert row_after["in_round"] == row_before["in_round"]
    page.click(f'#figures-table tr[data-key="{school.code}"] a')
    page.click(f'#figures-table tr[data-key="{district.primary.pk}"] a')
    accepted = page.locator('#students-table tr[data-registry="accepted"]')
    assert accepted.count() == len(records)
