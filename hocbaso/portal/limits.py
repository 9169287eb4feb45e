"""Uploads to the verify page and API are refused by size before they are read.

Django reads a multipart body as soon as anything touches ``request.POST`` (the
CSRF middleware does, before the view), streaming the files to disk whatever
their size: a 400 MB body was read to the end before the view refused it. This
middleware sits before the CSRF middleware and, for the verification addresses:

- refuses a declared Content-Length above the limit (HTTP 413) without reading;
- installs an upload handler that stops the read as soon as the file's bytes
  pass the largest copy, before the rest is streamed to a temporary file
  (Django never reads past the declared length: the handler is the second
  bound, for what the form's allowance lets through).

The limit is the largest copy of a transcript (verification.MAX_UPLOAD_BYTES)
plus the form's own fields.
"""

from __future__ import annotations

from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse

from hocbaso.portal import verification

# Bytes of a multipart body besides the file itself (boundaries, other fields).
FORM_OVERHEAD = 64 * 1024


def too_large_message(size: int) -> str:
    try:
        verification.check_size(max(size, verification.MAX_UPLOAD_BYTES + 1))
    except verification.UploadError as exc:
        return str(exc)
    return ""  # pragma: no cover - check_size refuses anything over the limit


def body_limit() -> int:
    return verification.MAX_UPLOAD_BYTES + FORM_OVERHEAD


class LimitedUploadHandler(FileUploadHandler):
    """Counts the bytes of every file in the body and stops past the largest copy."""

    def __init__(self, request=None, limit: int | None = None) -> None:
        super().__init__(request)
        self.limit = verification.MAX_UPLOAD_BYTES if limit is None else limit
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            # Django keeps what was parsed so far: the flag makes the view and
            # the middleware answer 413 instead of "no file given"
            self.request.upload_refused = self.received
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None


def _declared_length(request: HttpRequest) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


def is_refused(request: HttpRequest) -> bool:
    """Whether the upload handler stopped reading this request's body."""
    return bool(getattr(request, "upload_refused", 0))


def refusal(request: HttpRequest, api: bool = False) -> HttpResponse:
    size = getattr(request, "upload_refused", 0) or _declared_length(request)
    message = too_large_message(size)
    if api:
        body = {"error": message, "code": "UPLOAD_REFUSED"}
        return JsonResponse(body, status=413, json_dumps_params={"ensure_ascii": False})
    from hocbaso.portal.forms import VerifyForm

    context = {"form": VerifyForm(), "error": message}
    return render(request, "portal/verify.html", context, status=413)


class UploadLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self._paths: dict[str, bool] | None = None

    def paths(self) -> dict[str, bool]:
        """The verification addresses, each with whether it answers JSON."""
        if self._paths is None:
            self._paths = {
                reverse("portal:verify"): False,
                "/api/v1/portal/verify": True,
            }
        return self._paths

    def __call__(self, request: HttpRequest):
        api = self.paths().get(request.path_info)
        if api is None or request.method != "POST":
            return self.get_response(request)
        if _declared_length(request) > body_limit():
            return refusal(request, api)
        request.upload_handlers.insert(0, LimitedUploadHandler(request))
        response = self.get_response(request)
        return refusal(request, api) if is_refused(request) else response
