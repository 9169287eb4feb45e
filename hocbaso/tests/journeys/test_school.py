"""Staff journeys in headless Chromium, in Vietnamese, photographed for the guide.

A clerk imports a class's workbook; on the seeded district of the school pages
(``hocbaso.school.tests.district``) the homeroom teacher reviews the mark book and
signs the class with the demo key, the principal signs, seals and submits and
sees who has signed what, the unit officer reads the dashboard and the results,
the department officer opens the deadlines and locks. Every page passes axe-core.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from hocbaso.imports import filling as helpers
from hocbaso.imports.tests.conftest import fill_primary_year
from hocbaso.portal.tests.append_only import empty_append_only_tables
from hocbaso.records.models import Appointment, RecordStatus, Role, YearlyRecord
from hocbaso.registry.models import Submission
from hocbaso.school import clock
from hocbaso.school.tests.district import build
from hocbaso.tests.journeys.browse import check_accessibility, shoot, visit

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.once]
SEED_PASSWORD = "demo password for tests"


@pytest.fixture
def district(transactional_db, tmp_path, settings):
    built = build(tmp_path / "district")
    settings.DATA_DIR = built.root
    settings.HOCBASO_TRUST_STORE = built.trust_dir
    settings.HOCBASO_LEDGER_KEY = tmp_path / "ledger.key"
    settings.HOCBASO_DEMO_SIGNING = True
    clock.freeze(built.now)
    yield built
    clock.freeze(None)
    empty_append_only_tables()


def _officer(role: str, year, **where):
    appointment = Appointment.objects.filter(role=role, school_year=year, **where)
    return appointment.select_related("person__user").first().person.user


def test_a_clerk_imports_a_class(page, browser_login, clerk, world, tmp_path):
    browser_login(clerk)
    visit(page, "/import/", "clerk-import")
    with page.expect_download() as download:
        page.click(f"a[href='/import/templates/class/{world.class_b.pk}/']")
    book = helpers.load(Path(download.value.path()).read_bytes())
    fill_primary_year(book, "HSB000001", score=8)
    path = tmp_path / "lop.xlsx"
    path.write_bytes(helpers.save(book))
    page.set_input_files("#id_file", str(path))
    with page.expect_navigation():
        page.click("form.import-form button[type=submit]")
    assert "Đã nhập xong" in page.locator("#done-title").inner_text()
    assert YearlyRecord.objects.get(pk=world.b.record.pk).results
    check_accessibility(page)
    shoot(page, "clerk-imported")


def test_the_school_signs_and_submits_and_the_officers_follow(
    page, browser_login, district
):
    cls = district.primary
    browser_login(district.homeroom(cls), password=SEED_PASSWORD)
    visit(page, "/school/", "homeroom-home")
    visit(page, f"/school/class/{cls.pk}/markbook/", "homeroom-markbook")
    visit(page, f"/school/class/{cls.pk}/", "homeroom-class")
    page.click("#sign-demo")
    page.wait_for_selector("tr.batch-item.state-signed")
    assert page.locator("#batch-error").inner_text() == ""
    shoot(page, "homeroom-signed", at="#signing-panel")

    page.context.clear_cookies()
    browser_login(district.leader(cls), password=SEED_PASSWORD)
    school_page = f"/school/year/{district.year.pk}/school/{cls.school.pk}/"
    visit(page, school_page, "principal-school")
    page.check(f"#choose-{cls.pk}")
    page.click("#sign-demo")
    page.wait_for_selector("tr.batch-item.state-submitted")
    assert page.locator("#batch-error").inner_text() == ""
    shoot(page, "principal-submitted", at="#signing-panel")
    records = district.records(cls)
    assert set(records.values_list("status", flat=True)) == {RecordStatus.SUBMITTED}
    accepted = Submission.objects.filter(
        record__school_class=cls, state=Submission.State.ACCEPTED
    )
    assert accepted.count() == records.count()
    visit(page, f"{school_page}signers/", "principal-signers")

    page.context.clear_cookies()
    unit = cls.school.unit_on(district.year.main_lock_date)
    officer = _officer(Role.UNIT_OFFICER, district.year, unit=unit)
    browser_login(officer, SEED_PASSWORD)
    query = f"?year={district.year.name}&round=main"
    visit(page, f"/rollout/unit/{unit.code}/{query}", "unit-dashboard")
    visit(page, f"/rollout/unit/{unit.code}/results/{query}", "unit-results")

    page.context.clear_cookies()
    browser_login(_officer(Role.DEPARTMENT_OFFICER, district.year), SEED_PASSWORD)
    visit(page, "/rollout/", "department-rollout")
    visit(page, "/season/", "department-deadlines")
