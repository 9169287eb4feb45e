"""The import page in headless Chromium: download, upload with errors, fix, import."""

from __future__ import annotations

from pathlib import Path

import pytest

from hocbaso.imports import filling as helpers
from hocbaso.imports.tests.conftest import fill_primary_year
from hocbaso.records.models import YearlyRecord

# Page behaviour in the browser: run once, in the SQLite half of `make test`
# (hocbaso/portal/tests/test_portal_browser.py proves the live server on
# PostgreSQL).
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.once]


def _upload(page, path: Path) -> None:
    page.set_input_files("#id_file", str(path))
    page.click("form.import-form button[type=submit]")
    page.wait_for_load_state()


def test_a_clerk_sees_every_error_then_imports_the_fixed_file(
    page, browser_login, principal, world, tmp_path
):
    browser_login(principal)
    page.goto("/import/")
    with page.expect_download() as download:
        page.click(f"a[href='/import/templates/class/{world.class_a.pk}/']")
    book = helpers.load(Path(download.value.path()).read_bytes())
    fill_primary_year(book, "HSA000001", score=8)
    toan = helpers.sheet_of(book, "subject", "TOAN")
    helpers.set_student(toan, "HSA000001", {"hk2_score": 11})
    dd = helpers.sheet_of(book, "subject", "DD")
    helpers.set_student(dd, "HSA000001", {"hk2_level": "Z"})
    record = helpers.sheet_of(book, "record")
    helpers.set_student(record, "HSA000001", {"q_YN": None})
    helpers.set_student(record, "HSA000001", {"c_TT": "giỏi"})
    path = tmp_path / "lop4a1.xlsx"
    path.write_bytes(helpers.save(book))

    _upload(page, path)
    rows = page.locator("#problems tbody tr")
    assert rows.count() == 3
    listed = rows.all_inner_texts()
    assert any(toan.title in r and "4" in r and "11" in r for r in listed)
    assert any(dd.title in r and "Z" in r for r in listed)
    assert any(record.title in r and "giỏi" in r for r in listed)
    assert "chưa nhập gì" in page.locator("#problems-title").inner_text()
    assert not YearlyRecord.objects.get(pk=world.a.record.pk).results

    # Fix every row listed and upload the same file again.
    helpers.set_student(toan, "HSA000001", {"hk2_score": 8})
    helpers.set_student(dd, "HSA000001", {"hk2_level": "T"})
    helpers.set_student(record, "HSA000001", {"c_TT": "T", "q_YN": "T"})
    path.write_bytes(helpers.save(book))
    _upload(page, path)
    assert page.locator("#counts").is_visible()
    assert "Đã nhập xong" in page.locator("#done-title").inner_text()
    assert YearlyRecord.objects.get(pk=world.a.record.pk).result_code == "HTT"

    _upload(page, path)
    assert "Không có gì thay đổi" in page.locator(".import-done").inner_text()
