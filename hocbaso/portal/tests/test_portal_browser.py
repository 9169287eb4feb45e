"""The portal in a real headless Chromium: look up a code (from the QR code's URL
fragment), see the transcript and its status, download the signed soft copy, check
it on the verify page, check a doctored copy, a wrong code, and a teacher of
another school refused."""

from __future__ import annotations

import pytest
from django.urls import reverse

from hocbaso.portal.models import AccessEvent
from hocbaso.portal.tests.registry.registry_support import fill
from hocbaso.registry.tests.district import build

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def committed_registry(settings, tmp_path):
    """The signed district, submitted and locked, committed so that the live
    server's thread sees it (the transactional test flushes it afterwards)."""
    settings.DATA_DIR = tmp_path
    settings.HOCBASO_TRUST_STORE = tmp_path / "pki" / "trust"
    settings.HOCBASO_LEDGER_KEY = tmp_path / "ledger.key"
    return fill(build(tmp_path))


def test_look_up_download_and_verify_the_soft_copy(page, committed_registry, tmp_path):
    code = committed_registry.primary_transcript.lookup_code
    # The QR code opens the page with the code in the fragment only.
    page.goto("/#" + code)
    assert page.input_value("#id_code") == code
    assert "#" not in page.url  # the script cleared the fragment
    page.fill("#id_organisation", "Trường THCS Nguyễn Du")
    page.fill("#id_purpose", "Xét tuyển lớp 6")
    with page.expect_navigation():
        page.click("#lookup-form button[type=submit]")
    status = page.locator(".year .legal-status").first.inner_text()
    assert "Có hiệu lực từ" in status
    assert page.locator(".signature-list td").count() >= 8
    assert "đã xác minh" in page.locator(".ledger-status").first.inner_text()
    assert page.locator("#earlier .current-link").count() == 1
    assert code not in page.url

    with page.expect_download() as info:
        page.click("#download-button")
    soft = tmp_path / "hocba.pdf"
    info.value.save_as(soft)
    assert soft.read_bytes().startswith(b"%PDF-")

    page.goto(reverse("portal:verify"))
    page.set_input_files("#id_file", str(soft))
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.locator("#verdict").inner_text() == "hợp lệ"

    data = soft.read_bytes()
    at = data.index(b"stream", len(data) // 3) + 20
    doctored = tmp_path / "doctored.pdf"
    doctored.write_bytes(data[:at] + bytes([data[at] ^ 1]) + data[at + 1 :])
    page.set_input_files("#id_file", str(doctored))
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.locator("#verdict").inner_text() == "không hợp lệ"
    failed = page.locator(".checks li.fail").all_inner_texts()
    assert any(
        line.startswith("toàn vẹn") and "tệp đã bị thay đổi sau khi ký" in line
        for line in failed
    ), failed

    actions = set(AccessEvent.objects.values_list("action", flat=True))
    assert {"view", "download", "verify"} <= actions
    view = AccessEvent.objects.get(action="view")
    assert view.organisation == "Trường THCS Nguyễn Du"


def test_a_wrong_code_finds_nothing(page, db):
    page.goto("/")
    page.fill("#id_code", "f" * 32)
    with page.expect_navigation():
        page.click("#lookup-form button[type=submit]")
    assert "Không tìm thấy học bạ" in page.locator("#lookup-error").inner_text()
    assert AccessEvent.objects.filter(action="lookup_failed").count() == 1


def test_a_teacher_of_another_school_is_refused(
    page, browser_login, world, homeroom_teacher
):
    browser_login(homeroom_teacher)
    page.goto(reverse("portal:staff-transcript", args=[world.b.transcript.pk]))
    assert "Bạn không được xem học bạ này" in page.locator("[role=alert]").inner_text()
    page.goto(reverse("portal:staff-transcript", args=[world.a.transcript.pk]))
    assert world.a.student.full_name in page.locator("h1").inner_text()
