"""The API's one error shape: ``{"error": "<sentence>", "code": "<STABLE_CODE>"}``.

Every failure is translated here, once, at the boundary: the registry's errors with
their status, ninja's validation and authentication errors, a ledger range the log
does not have, and anything unexpected (logged, answered 500 without a traceback).
Sentences follow the request's language; a lookup code is never echoed (it is a
credential, domain.md §9), so anything shaped like one is masked.
"""

from __future__ import annotations

import logging
import re
from functools import partial

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import URLPattern, re_path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from hocbaso.ledger import StorageError, TreeSizeError
from hocbaso.registry.errors import RegistryError

logger = logging.getLogger(__name__)

_LOOKUP_CODE = re.compile(
    r"\b[0-9a-f]{32}\b|\b[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}\b", re.IGNORECASE
)


class ApiError(RegistryError):
    """A refusal of the HTTP layer itself (body too large, wrong media type…)."""

    def __init__(self, message: str, *, code: str, status: int) -> None:
        super().__init__(message, code=code)
        self.status = status


class TokenInvalidError(AuthenticationError):
    """A bearer token was sent and is unknown, malformed or revoked."""


def error_response(
    api: NinjaAPI, request: HttpRequest, status: int, code: str, message: str
) -> HttpResponse:
    body = {"error": _LOOKUP_CODE.sub("…", message), "code": code}
    response = api.create_response(request, body, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="hocbaso"'
    return response


def _registry_error(request, exc: RegistryError, api):
    if exc.status >= 500:  # e.g. the ledger key: its message names a server path
        return _unexpected(request, exc, api)
    return error_response(api, request, exc.status, exc.code, str(exc))


def _ledger_range(request, exc, api):
    message = _("The ledger has no such entry, index or tree size.")
    return error_response(api, request, 400, "LEDGER_RANGE", message)


def _authentication(request, exc, api):
    if isinstance(exc, TokenInvalidError):
        message = _("The API token is not valid or has been revoked.")
        return error_response(api, request, 401, "TOKEN_INVALID", message)
    message = _(
        "Authentication required: send 'Authorization: Bearer <token>' or log in."
    )
    return error_response(api, request, 401, "UNAUTHENTICATED", message)


def _http_error(request, exc: HttpError, api):
    if exc.status_code == 403 and "csrf" in str(exc).lower():
        message = _("The CSRF check failed: send the CSRF token with a session.")
        return error_response(api, request, 403, "CSRF_FAILED", message)
    if exc.status_code == 400:
        message = _("The request body cannot be read; send valid JSON.")
        return error_response(api, request, 400, "BAD_REQUEST", message)
    message = _("The request was refused.")
    return error_response(api, request, exc.status_code, "REFUSED", message)


def _not_found(request, exc, api):
    message = _("There is no such address in the API; see its documentation.")
    return error_response(api, request, 404, "NOT_FOUND", message)


def _too_large(request, exc, api):
    message = _("The request is too large.")
    return error_response(api, request, 413, "TOO_LARGE", message)


def _too_many_fields(request, exc, api):
    message = _("The request has too many fields.")
    return error_response(api, request, 400, "BAD_REQUEST", message)


def _validation(request, exc: ValidationError, api):
    problems = "; ".join(describe(error) for error in exc.errors)
    message = _("The request is not valid: %(problems)s.") % {"problems": problems}
    return error_response(api, request, 422, "VALIDATION_ERROR", message)


def describe(error: dict) -> str:
    """One pydantic error as "where what", without the value that was sent.

    pydantic's own ``msg`` is English and may echo the value, so it is never
    shown: a kind this list does not know reads as "is not valid".
    """
    cause = (error.get("ctx") or {}).get("error")
    if error.get("type") == "value_error" and isinstance(cause, Exception):
        # a schema's own validator: its sentence, translated, names the fields
        return str(cause)
    return f"{_where(error.get('loc', ()))} {_what(error)}"


def _where(loc) -> str:
    parts = [str(part) for part in loc[1:]]
    if loc and loc[0] == "body" and len(parts) > 1:
        parts = parts[1:]  # the view's parameter name says nothing to a client
    if not parts:
        return _("the request body")
    # quoted: the field's name in the API, not a word of the sentence
    return "'" + ".".join(parts) + "'"


def _what(error: dict) -> str:
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    if kind == "missing":
        return _("is required")
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return _("must be a whole number")
    if kind in {"greater_than_equal", "greater_than"}:
        return _("must be at least %(limit)s") % {"limit": ctx.get("ge", ctx.get("gt"))}
    if kind in {"string_pattern_mismatch", "string_too_long", "string_too_short"}:
        return _("has the wrong form or length")
    if kind == "literal_error":
        return _("must be %(expected)s") % {"expected": _one_of(ctx.get("expected"))}
    if kind == "timezone_aware":
        return _("needs a time offset, such as +07:00")
    return _("is not valid")


def _one_of(expected: object) -> str:
    """pydantic's ``'a', 'b' or 'c'`` with the last word in the reader's language."""
    head, sep, last = str(expected or "").rpartition(" or ")
    return f"{head} {_('or')} {last}" if sep else last


def _unexpected(request, exc, api):
    logger.exception("API error on %s %s", request.method, request.path, exc_info=exc)
    message = _("Something went wrong on our side; the error was logged.")
    return error_response(api, request, 500, "INTERNAL_ERROR", message)


HANDLERS = [
    (RegistryError, _registry_error),
    (TreeSizeError, _ledger_range),
    (StorageError, _ledger_range),
    (AuthenticationError, _authentication),
    (HttpError, _http_error),
    (Http404, _not_found),
    (RequestDataTooBig, _too_large),
    (TooManyFieldsSent, _too_many_fields),
    (ValidationError, _validation),
    (Exception, _unexpected),
]


def install(api: NinjaAPI) -> None:
    """Replace ninja's default handlers (which answer {"detail": …} or a traceback)."""
    for exc_class, handler in HANDLERS:
        api.add_exception_handler(exc_class, partial(handler, api=api))


def with_json_405(api: NinjaAPI, pattern: URLPattern) -> URLPattern:
    """The pattern, answering a wrong method with the envelope, not ninja's text."""
    view = pattern.callback

    @csrf_exempt
    def answer(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if not isinstance(response, HttpResponseNotAllowed):
            return response
        message = _("This address does not take %(method)s.") % {
            "method": request.method
        }
        shaped = error_response(api, request, 405, "METHOD_NOT_ALLOWED", message)
        shaped["Allow"] = response["Allow"]
        return shaped

    return URLPattern(pattern.pattern, answer, pattern.default_args, pattern.name)


def not_found_pattern(api: NinjaAPI) -> URLPattern:
    """The last pattern: any other address under the API is a 404 envelope."""

    @csrf_exempt
    def not_found(request, *args, **kwargs):
        return _not_found(request, None, api)

    return re_path(r"", not_found)
