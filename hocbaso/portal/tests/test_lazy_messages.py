"""Messages through hocbaso.web.lazy_messages: a request that neither reads nor
adds a message makes no storage and stores nothing; one that does works as with
Django's own middleware (a message added, kept in a cookie, shown next time)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils.functional import empty

from hocbaso.web.lazy_messages import LazyMessageMiddleware, is_untouched

COOKIE = CookieStorage.cookie_name


def _through(view, cookies: dict[str, str] | None = None):
    request = RequestFactory().get("/")
    request.COOKIES.update(cookies or {})
    request.session = {}  # what SessionMiddleware sets (the fallback storage)
    response = LazyMessageMiddleware(lambda r: view(r))(request)
    return request, response


def _nothing(request):
    return HttpResponse("")


def _adds(request):
    messages.success(request, "Đã lưu.")
    return HttpResponse("")


def _shows(request):
    return HttpResponse(" | ".join(str(m) for m in messages.get_messages(request)))


def test_a_request_that_touches_no_message_makes_no_storage():
    request, response = _through(_nothing)
    assert request._messages._wrapped is empty and is_untouched(request)
    assert COOKIE not in response.cookies


def test_a_message_added_is_kept_and_shown_on_the_next_page():
    request, added = _through(_adds)
    assert not is_untouched(request)
    kept = added.cookies[COOKIE].value
    assert kept
    # a page that shows nothing leaves the waiting message where it is
    _, untouched = _through(_nothing, {COOKIE: kept})
    assert COOKIE not in untouched.cookies
    _, shown = _through(_shows, {COOKIE: kept})
    assert shown.content.decode() == "Đã lưu."
    assert shown.cookies[COOKIE].value == ""  # read: the cookie is cleared
