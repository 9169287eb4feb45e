"""The public's journeys in headless Chromium: an organisation looks up a code and
verifies the soft copy it was given; a parent signs in and reads the transcript.

The district is signed, submitted and locked (as the portal's browser test
builds it); every page passes axe-core and is photographed for the guide.
"""

from __future__ import annotations

import pytest

from hocbaso.portal.citizen.models import Guardianship, Relation
from hocbaso.portal.citizen.tests.conftest import PARENT
from hocbaso.portal.tests.append_only import empty_append_only_tables
from hocbaso.portal.tests.registry.registry_support import fill
from hocbaso.registry.tests.district import build
from hocbaso.tests.journeys.browse import (
    PHONE,
    assert_no_sideways_scroll,
    check_accessibility,
    shoot,
    visit,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.once]


@pytest.fixture
def registry(settings, tmp_path, transactional_db):
    settings.DATA_DIR = tmp_path
    settings.HOCBASO_TRUST_STORE = tmp_path / "pki" / "trust"
    settings.HOCBASO_LEDGER_KEY = tmp_path / "ledger.key"
    yield fill(build(tmp_path))
    empty_append_only_tables()


def _soft_copy(page, tmp_path):
    with page.expect_download() as info:
        page.click("#download-button")
    soft = tmp_path / "hocba.pdf"
    info.value.save_as(soft)
    return soft


def test_an_organisation_looks_up_a_code_and_verifies_a_copy(page, registry, tmp_path):
    visit(page, "/", "organisation-lookup")
    page.fill("#id_code", registry.primary_transcript.lookup_code)
    page.fill("#id_organisation", "Trường THCS Nguyễn Du")
    page.fill("#id_purpose", "Xét tuyển lớp 6")
    with page.expect_navigation():
        page.click("#lookup-form button[type=submit]")
    assert "Có hiệu lực từ" in page.locator(".year .legal-status").first.inner_text()
    check_accessibility(page)
    shoot(page, "organisation-transcript")
    soft = _soft_copy(page, tmp_path)

    visit(page, "/xac-minh/", "organisation-verify")
    page.set_input_files("#id_file", str(soft))
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.locator("#verdict").inner_text() == "hợp lệ"
    check_accessibility(page)
    shoot(page, "organisation-verified")

    with page.expect_navigation():
        page.click("a.help-link")
    assert page.url.endswith("/guide/organisation/")
    assert page.locator(".guide img").count() >= 4
    check_accessibility(page)
    page.set_viewport_size(PHONE)
    assert_no_sideways_scroll(page)  # the screenshots shrink to the phone
    check_accessibility(page)


def test_a_parent_signs_in_and_reads_the_transcript(page, registry, oidc):
    student = registry.primary_transcript.student
    Guardianship.objects.create(
        student=student,
        guardian_personal_id=PARENT[0],
        guardian_name=PARENT[1],
        relation=Relation.MOTHER,
    )
    visit(page, "/me/login/", "parent-login")
    with page.expect_navigation():
        page.click("#citizen-login")
    page.fill("#id_username", PARENT[0])
    page.fill("#id_password", PARENT[2])
    with page.expect_navigation():
        page.click("button[type=submit]")
    page.click("button[name=allow]")
    page.wait_for_url("**/me/")
    assert student.full_name in page.locator("main").inner_text()
    check_accessibility(page)
    shoot(page, "parent-home")
    with page.expect_navigation():
        page.locator("section.transcript a[href$='/share/']").first.click()
    check_accessibility(page)
    shoot(page, "parent-share")
