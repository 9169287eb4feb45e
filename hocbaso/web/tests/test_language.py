"""The site is Vietnamese whatever the browser says, unless the reader chooses."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db

ENGLISH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}


def test_a_browser_set_to_english_gets_the_vietnamese_site():
    page = Client(**ENGLISH_BROWSER).get("/")
    assert page.status_code == 200
    assert page["Content-Language"] == "vi"
    assert '<html lang="vi">' in page.content.decode()
    assert "Accept-Language" not in page.get("Vary", "")


def test_choosing_english_with_the_switch_gives_the_english_site():
    client = Client(**ENGLISH_BROWSER)
    chosen = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert chosen.status_code == 302 and chosen["Location"] == "/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = client.get("/")
    assert page["Content-Language"] == "en"
    assert '<html lang="en">' in page.content.decode()


def test_choosing_vietnamese_again_returns_to_vietnamese():
    client = Client(**ENGLISH_BROWSER)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    client.post("/i18n/setlang/", {"language": "vi", "next": "/"})
    assert client.get("/")["Content-Language"] == "vi"


def test_a_language_cookie_the_site_does_not_offer_is_ignored():
    client = Client(**ENGLISH_BROWSER)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert client.get("/")["Content-Language"] == "vi"


def test_the_switch_does_not_redirect_off_the_site():
    client = Client()
    answer = client.post(
        "/i18n/setlang/", {"language": "en", "next": "https://evil.example/"}
    )
    assert answer.status_code == 302 and answer["Location"] == "/"


def test_every_page_carries_the_switch_usable_without_script():
    page = Client(**ENGLISH_BROWSER).get("/").content.decode()
    assert 'action="/i18n/setlang/"' in page
    assert '<button type="submit" class="link">Chọn</button>' in page


def test_the_json_api_follows_the_programs_accept_language():
    answer = Client(**ENGLISH_BROWSER).get("/api/v1/ledger/checkpoint")
    assert answer["Content-Language"] == "en"
