"""The shared layout in a real headless Chromium: login, navigation, language."""

from __future__ import annotations

import pytest

# Page behaviour in the browser: run once, in the SQLite half of `make test`
# (hocbaso/portal/tests/test_portal_browser.py proves the live server on
# PostgreSQL).
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.once]


def test_staff_log_in_and_see_their_menu_in_vietnamese(page, browser_login, principal):
    browser_login(principal)
    assert page.locator(".site-user .who").is_visible()
    nav = page.locator(".site-nav").inner_text()
    assert "Bổ nhiệm" in nav  # a principal appoints the school's teachers
    assert page.locator("html").get_attribute("lang") == "vi"


def test_a_wrong_password_says_so_in_vietnamese(page, browser_login, principal):
    browser_login(principal, password="wrong")
    alert = page.locator("[role=alert]").inner_text()
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in alert


def test_the_language_switch_turns_the_page_english(page, browser_login, principal):
    browser_login(principal)
    with page.expect_navigation():
        page.select_option("#language-select", "en")
    assert "Appointments" in page.locator(".site-nav").inner_text()
