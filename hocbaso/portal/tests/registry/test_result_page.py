"""The lookup's result page kept per version (hocbaso.portal.result_page): filled
in, it is the page the template renders; it keeps no lookup code; what a visitor
typed is escaped; a signed-in user and each language get their own page."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core.cache import caches
from django.test import Client

from hocbaso.registry import holdings

pytestmark = pytest.mark.django_db

TYPED = {"organisation": 'Trường "A" <b>&</b>', "purpose": "Tuyển sinh lớp 6"}


@pytest.fixture(autouse=True)
def _empty_cache():
    caches[holdings.HOLDINGS_CACHE].clear()
    yield
    caches[holdings.HOLDINGS_CACHE].clear()


def _lookup(client, code, **typed):
    return client.post("/", {"code": code, **typed}, REMOTE_ADDR="203.0.113.11")


def _without_tokens(response) -> str:
    html = response.content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_a_kept_page_filled_in_is_the_page_the_template_renders(registry):
    code = registry.primary_transcript.lookup_code
    _lookup(Client(), code, organisation="another", purpose="another")
    kept = _lookup(Client(), code, **TYPED)
    rendered_client = Client()  # a session cookie: the page is rendered for it
    rendered_client.cookies[settings.SESSION_COOKIE_NAME] = "no-such-session"
    rendered = _lookup(rendered_client, code, **TYPED)
    assert kept.templates == [] and rendered.templates
    assert _without_tokens(kept) == _without_tokens(rendered)
    assert kept["Vary"] == rendered["Vary"]
    token = re.search(r'csrfmiddlewaretoken" value="([^"]+)"', kept.content.decode())
    assert len(token.group(1)) == 64  # a masked token of this request, not a mark


def test_what_a_visitor_typed_is_escaped_in_the_kept_page(registry):
    code = registry.primary_transcript.lookup_code
    _lookup(Client(), code)
    html = _lookup(Client(), code, **TYPED).content.decode()
    assert 'value="Trường &quot;A&quot; &lt;b&gt;&amp;&lt;/b&gt;"' in html
    assert "<b>&</b>" not in html
    assert f'name="code" value="{code}"' in html


def test_a_kept_page_is_cut_where_each_lookup_fills_in_its_values(registry):
    code = registry.primary_transcript.lookup_code
    _lookup(Client(), code)
    cache = caches[holdings.HOLDINGS_CACHE]
    (key,) = [k for k in cache._cache if "portal:result-parts:" in k]
    parts = cache.get(key.split(":", 2)[2])  # LocMemCache keys: ":1:<key>"
    # text, a value's name, text…: filled in by a join, no search of the page
    assert set(parts[1::2]) == {"csrf", "code", "organisation", "purpose"}
    assert "legal-status" in "".join(parts[::2])


def test_the_kept_pages_hold_no_lookup_code(registry):
    codes = [registry.primary_transcript.lookup_code]
    codes.append(registry.secondary_transcript.lookup_code)
    for code in codes:
        for _ in range(2):
            assert _lookup(Client(), code).status_code == 200
    kept = caches[holdings.HOLDINGS_CACHE]._cache  # LocMemCache: key → pickle
    pages = {k: v for k, v in kept.items() if "portal:result-parts:" in k}
    assert len(pages) == 2
    for key, value in pages.items():
        for code in codes:
            assert code not in key and code.encode() not in value


def test_a_signed_in_user_gets_a_page_of_their_own(registry):
    code = registry.primary_transcript.lookup_code
    _lookup(Client(), code)
    staff = Client()
    staff.force_login(registry.district.user(registry.primary_transcript.school))
    assert "/logout/" in _lookup(staff, code).content.decode()
    assert "/logout/" not in _lookup(Client(), code).content.decode()


def test_each_language_has_a_page_of_its_own(registry):
    code = registry.primary_transcript.lookup_code
    assert "Có hiệu lực từ" in _lookup(Client(), code).content.decode()
    english = Client()
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = _lookup(english, code).content.decode()
    assert "Effective since" in html and "Có hiệu lực từ" not in html
    assert "Có hiệu lực từ" in _lookup(Client(), code).content.decode()


# --- the kept page's CSRF token ------------------------------------------------------


def _token(response) -> str:
    html = response.content.decode()
    return re.search(r'csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_a_kept_pages_token_is_the_secret_under_a_fresh_mask_each_time(registry):
    from django.middleware.csrf import _unmask_cipher_token

    code = registry.primary_transcript.lookup_code
    browser = Client(enforce_csrf_checks=True)
    form = browser.get("/")
    secret = browser.cookies[settings.CSRF_COOKIE_NAME].value
    token = _token(form)
    tokens = []
    for _ in range(3):  # the first renders the page, the others fill it in
        answer = browser.post(
            "/", {"code": code, "csrfmiddlewaretoken": token}, REMOTE_ADDR="1.2.3.4"
        )
        assert answer.status_code == 200  # the token of the page before passed
        assert answer.cookies[settings.CSRF_COOKIE_NAME].value == secret  # renewed
        token = _token(answer)
        tokens.append(token)
    assert answer.templates == []  # a kept page
    assert len(set(tokens)) == 3 and all(len(t) == 64 for t in tokens)
    assert {_unmask_cipher_token(t) for t in tokens} == {secret}


def test_visitors_sharing_a_kept_page_each_get_a_token_of_their_own(registry):
    from django.middleware.csrf import _unmask_cipher_token

    code = registry.primary_transcript.lookup_code
    visitors = [Client(enforce_csrf_checks=True) for _ in range(3)]
    secrets_, tokens = [], []
    for browser in visitors:  # the first renders the page, the others share it
        token = _token(browser.get("/"))
        secrets_.append(browser.cookies[settings.CSRF_COOKIE_NAME].value)
        answer = browser.post("/", {"code": code, "csrfmiddlewaretoken": token})
        tokens.append(_token(answer))
        assert answer.status_code == 200
    assert answer.templates == []  # the last was a kept page
    assert len(set(secrets_)) == 3
    assert [_unmask_cipher_token(t) for t in tokens] == secrets_


def test_a_kept_page_reads_the_random_source_once_for_its_mask(registry):
    from unittest import mock

    from django.utils import crypto

    from hocbaso.portal import result_page

    code = registry.primary_transcript.lookup_code
    browser = Client()
    browser.get("/")  # the CSRF cookie, as a visitor has it when posting
    _lookup(browser, code)
    with (
        mock.patch.object(crypto.secrets, "choice", wraps=crypto.secrets.choice) as c,
        mock.patch.object(
            result_page.secrets, "token_bytes", wraps=result_page.secrets.token_bytes
        ) as read,
    ):
        assert _lookup(browser, code).templates == []
    assert c.call_count == 0 and 1 <= read.call_count <= 2


def test_every_character_of_the_mask_is_drawn(registry):
    from django.middleware.csrf import CSRF_ALLOWED_CHARS
    from django.test import RequestFactory

    from hocbaso.portal.result_page import form_token

    request = RequestFactory().post("/")
    request.META["CSRF_COOKIE"] = "A" * 32
    masks = [form_token(request)[:32] for _ in range(400)]
    assert set("".join(masks)) == set(CSRF_ALLOWED_CHARS)
    assert len(set(masks)) == 400
    # without a secret in the request, Django's get_token makes one
    fresh = RequestFactory().post("/")
    assert len(form_token(fresh)) == 64 and len(fresh.META["CSRF_COOKIE"]) == 32
