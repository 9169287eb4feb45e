"""Reading a packet or a class package from a request, within the registry's limit.

The bytes are read from the stream, not ``request.body``: Django caps ``body`` at
DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB), far below a class package (64 MiB), and
anything longer than the limit is refused 413 before it is all read.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import UploadedFile

from hocbaso.registry.api.errors import ApiError
from hocbaso.registry.package import MAX_PACKAGE_BYTES

XML_TYPES = frozenset({"application/xml", "text/xml"})


def _too_large() -> ApiError:
    return ApiError(
        _("A submission has at most %(limit)s bytes.") % {"limit": MAX_PACKAGE_BYTES},
        code="TOO_LARGE",
        status=413,
    )


def _empty() -> ApiError:
    return ApiError(
        _("The body is empty: send the XML."), code="EMPTY_BODY", status=400
    )


def read_xml(request: HttpRequest) -> bytes:
    """The raw XML body. Raises ApiError (400, 415, 413)."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared <= 0:  # WSGI gives no body without a length
        raise _empty()
    if request.content_type not in XML_TYPES:
        raise ApiError(
            _("Send the XML with Content-Type: application/xml."),
            code="UNSUPPORTED_MEDIA_TYPE",
            status=415,
        )
    if declared > MAX_PACKAGE_BYTES:
        raise _too_large()
    data = request.read(MAX_PACKAGE_BYTES + 1)
    if len(data) > MAX_PACKAGE_BYTES:
        raise _too_large()
    if not data:
        raise _empty()
    return data


def read_upload(upload: UploadedFile) -> bytes:
    """The bytes of an uploaded file. Raises ApiError (413, 400)."""
    if upload.size is not None and upload.size > MAX_PACKAGE_BYTES:
        raise _too_large()
    data = upload.read(MAX_PACKAGE_BYTES + 1)
    if len(data) > MAX_PACKAGE_BYTES:
        raise _too_large()
    if not data:
        raise _empty()
    return data
