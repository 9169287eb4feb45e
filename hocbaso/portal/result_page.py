"""The lookup's result page, rendered once per version of what it shows.

Every visitor who looks up the same transcript sees the same page: the layout,
the transcript as the registry holds it, the download button. Only four values
are the request's own: the CSRF token and the download form's fields (the code as
typed, organisation, purpose). The page is rendered with a random mark in place
of each and cut at the marks; the pieces are kept in the cache under what the
rest depends on (the holding's version: the transcript's latest ledger entry and
the latest checkpoint, docs/portal.md; the managing school's name; the language;
the path), and each lookup joins them with its values, HTML-escaped as the
template escapes them. The layout (navigation, language switch, forms) cost more
to render than the lookup's queries.

What is kept holds no lookup code: it is filled in per request, and keys use
the holding's version. Only visitors without a session or a message cookie
share a page; a signed-in user's header, or a message waiting to be shown, is
rendered for that request as always. ``tests/registry/test_result_page.py``
checks that a kept page, filled in, is the page the template renders.
"""

from __future__ import annotations

import hashlib
import re
import secrets

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import (
    CSRF_ALLOWED_CHARS,
    CSRF_SECRET_LENGTH,
    get_token,
)
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.html import escape

from hocbaso.registry.holdings import HOLDINGS_CACHE

# As long as the holdings they show (registry.holdings).
_TTL = 3600


def result_page(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    """The response showing ``context["view"]``, from the kept page if any."""
    view = context["view"]
    if not view.version or not _is_shared(request):
        return render(request, template, context)
    cache = caches[HOLDINGS_CACHE]
    key = _key(request, view)
    kept = cache.get(key)
    if kept is None:
        kept = _render_marked(request, template, context)
        cache.set(key, kept, _TTL)
    values = {"csrf": form_token(request), **(context.get("download") or {})}
    response = HttpResponse(_filled(kept, values))
    # what rendering with the session's user adds, so both answers look alike
    patch_vary_headers(response, ("Cookie",))
    return response


def form_token(request: HttpRequest) -> str:
    """What ``get_token`` returns: the CSRF secret under a fresh random mask, so
    no two responses carry the same token (BREACH), in Django's format (mask,
    then each secret character shifted by the mask's). The mask is drawn from
    one read of the system's random source; ``get_token`` reads it once for each
    of the mask's 32 characters (``secrets.choice``), a twentieth of a kept
    page's lookup. Without a secret in the request, ``get_token`` makes one."""
    secret = request.META.get("CSRF_COOKIE")
    if (
        not secret
        or len(secret) != CSRF_SECRET_LENGTH
        or not set(secret) <= _INDEX.keys()
    ):
        return get_token(request)
    # as get_token does: the cookie is sent again, its expiry renewed
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    mask = _random_indexes(CSRF_SECRET_LENGTH)
    size = len(_ALPHABET)
    cipher = (
        _ALPHABET[(_INDEX[c] + m) % size] for c, m in zip(secret, mask, strict=True)
    )
    return "".join(_ALPHABET[m] for m in mask) + "".join(cipher)


_ALPHABET = CSRF_ALLOWED_CHARS
_INDEX = {char: at for at, char in enumerate(_ALPHABET)}
# bytes at or above this are drawn again, so each character is equally likely
_UNBIASED = 256 - 256 % len(_ALPHABET)


def _random_indexes(count: int) -> list[int]:
    """``count`` uniform indexes into the alphabet, from the system's source."""
    indexes: list[int] = []
    while len(indexes) < count:
        drawn = secrets.token_bytes(count + 8)
        indexes += [b % len(_ALPHABET) for b in drawn if b < _UNBIASED]
    return indexes[:count]


def _is_shared(request: HttpRequest) -> bool:
    """Whether the page is the one every anonymous visitor of this path sees."""
    cookies = request.COOKIES
    return not (
        cookies.get(settings.SESSION_COOKIE_NAME)
        or cookies.get(CookieStorage.cookie_name)
        or request.META.get("QUERY_STRING")
    )


def _key(request: HttpRequest, view) -> str:
    school = view.transcript.school.name if view.transcript is not None else ""
    parts = (view.version, school, translation.get_language(), request.path)
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    # "parts": what is kept is the page cut at its marks (an earlier release
    # kept the page whole under "result-page", which a shared cache may hold)
    return f"portal:result-parts:{digest}"


def _render_marked(
    request: HttpRequest, template: str, context: dict
) -> tuple[str, ...]:
    """The page cut at each of the request's own values: text, a value's name,
    text… The page is rendered with ``<mark>:<name>:`` for each value and cut
    there once; the mark is random, so no transcript's text can hold one."""
    mark = secrets.token_hex(16)
    marked = {**context, "csrf_token": f"{mark}:csrf:"}
    if context.get("download") is not None:
        marked["download"] = {name: f"{mark}:{name}:" for name in context["download"]}
    page = render_to_string(template, marked, request)
    return tuple(re.split(re.escape(mark) + r":(\w+):", page))


def _filled(parts: tuple[str, ...], values: dict[str, str]) -> str:
    """The kept page with the request's values, HTML-escaped, in their places: a
    join, as the marks were found when the page was kept (a value that looks like
    a mark is not read again)."""
    pieces = list(parts)
    for at in range(1, len(pieces), 2):
        pieces[at] = escape(values[pieces[at]])
    return "".join(pieces)
