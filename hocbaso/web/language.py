"""The site's language: Vietnamese unless the reader chose another.

Django's ``LocaleMiddleware`` follows the browser's ``Accept-Language``, so
a browser set to English would get an English site nobody chose. Here the
language is the one stored in the language cookie by the switch in the
page header (Django's ``set_language`` view), else ``LANGUAGE_CODE``.

The JSON API (``/api/``) is read by programs, which ask for the language of
its sentences with ``Accept-Language`` (docs/api.md): there it is followed.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.deprecation import MiddlewareMixin

API_PREFIX = "/api/"


def chosen_language(request: HttpRequest) -> str:
    """The language the reader chose with the switch, else the site's own."""
    if request.path.startswith(API_PREFIX):
        return translation.get_language_from_request(request)
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if chosen in dict(settings.LANGUAGES):
        return chosen
    return settings.LANGUAGE_CODE


class ChosenLanguageMiddleware(MiddlewareMixin):
    """In place of ``LocaleMiddleware``: the same, without ``Accept-Language``.

    The site uses no language prefix in its URLs, so there is nothing of
    ``LocaleMiddleware``'s redirects to keep.
    """

    def process_request(self, request: HttpRequest) -> None:
        translation.activate(chosen_language(request))
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        # A page depends on the language cookie, not on Accept-Language.
        api = request.path.startswith(API_PREFIX)
        patch_vary_headers(response, ("Accept-Language" if api else "Cookie",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
