"""The public ledger's HTTP manners: CORS for any web page, caching for a CDN.

Only the ledger's own addresses (``routes_ledger.CACHING``) get them: the rest of
the API authenticates, and a browser on another site must never be allowed to read
it (no ``Access-Control-Allow-Origin`` there, and never credentials anywhere).

- CORS (WHATWG Fetch): ``Access-Control-Allow-Origin: *`` on every answer,
  including errors; a preflight ``OPTIONS`` is answered 204 for GET and HEAD only;
  no ``Access-Control-Allow-Credentials``, so a browser sends no cookie.
- Caching (RFC 9111): what can never change (an entry, a proof for a given tree
  size, a stored checkpoint, a lock's list) is ``immutable`` for a year; the latest
  checkpoint for a few seconds, with an ``ETag`` so a client asks again cheaply
  (304, RFC 9110 §13.1.2). The verifier key for an hour, with an ETag: its name is
  the log's origin, which a deployment may change (docs/ledger.md). A tile says
  itself: a full one is immutable, a partial one kept a minute. Errors are
  ``no-store``: an entry past the end of the log today exists tomorrow.
"""

from __future__ import annotations

import hashlib

from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.urls import URLPattern
from django.views.decorators.csrf import csrf_exempt

IMMUTABLE = "public, max-age=31536000, immutable"
LATEST = "public, max-age=5"
RENAMEABLE = "public, max-age=3600"
BY_VIEW = "by-view"  # the view sets Cache-Control itself (tiles: full or partial)
METHODS = "GET, HEAD, OPTIONS"
_PREFLIGHT_MAX_AGE = "86400"


def public_pattern(pattern: URLPattern, caching: dict[str, str]) -> URLPattern:
    """The pattern with CORS and caching if it is a public ledger address."""
    policy = caching.get(pattern.name or "")
    if policy is None or not str(pattern.pattern).startswith("ledger/"):
        return pattern
    view = pattern.callback

    @csrf_exempt
    def answer(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method == "OPTIONS":
            return _cors(_preflight())
        head = request.method == "HEAD"
        if head:  # answered as GET without the body (RFC 9110 §9.3.2)
            request.method = "GET"
        response = _cached(request, view(request, *args, **kwargs), policy)
        if head:
            response.content = b""
        return _cors(response)

    return URLPattern(pattern.pattern, answer, pattern.default_args, pattern.name)


def _preflight() -> HttpResponse:
    response = HttpResponse(status=204)
    response["Access-Control-Allow-Methods"] = METHODS
    response["Access-Control-Allow-Headers"] = "If-None-Match, Accept-Language"
    response["Access-Control-Max-Age"] = _PREFLIGHT_MAX_AGE
    return response


def _cors(response: HttpResponse) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = "ETag"
    return response


def _cached(request: HttpRequest, response: HttpResponse, policy: str):
    if response.status_code != 200:
        response["Cache-Control"] = "no-store"
        return response
    if policy == BY_VIEW:
        policy = response.get("Cache-Control") or LATEST
    response["Cache-Control"] = policy
    if policy == IMMUTABLE:
        return response
    etag = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
    asked = _etags(request.headers.get("If-None-Match", ""))
    if etag in asked or "*" in asked:
        response = HttpResponseNotModified()
        response["Cache-Control"] = policy
    response["ETag"] = etag
    return response


def _etags(header: str) -> set[str]:
    # Weak comparison (RFC 9110 §13.1.2): W/"x" matches "x".
    return {t.strip().removeprefix("W/") for t in header.split(",") if t.strip()}
