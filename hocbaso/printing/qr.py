"""The check URL printed as a QR code on every page, and the rules it must follow.

The lookup code is a credential (domain.md §9): it must never reach a URL that servers
log. A URL's fragment (after "#") stays in the browser, so the check URL carries the
code there: https://portal.example/tra-cuu/#<code>; the portal's page reads it from
location.hash and posts it.
"""

from __future__ import annotations

import io
import re
from urllib.parse import urlsplit

import segno

from hocbaso.printing.errors import CheckUrlError

# M recovers about 15% of the symbol: enough for a printed page that gets folded or
# stamped, and keeps a URL of ~80 characters at version 5 (37 modules).
QR_ERROR_LEVEL = "m"
# The data mask is fixed rather than chosen per symbol: scoring all eight masks
# (ISO/IEC 18004 §7.8.3) was most of the QR's cost (~4 of ~5 ms a printout), and a
# reader decodes any of them (the mask is in the format information). Mask 2 is the
# one the scoring picks for most check URLs (a base URL, "#", 32 hex digits); the
# tests decode symbols made with it for many codes and bases.
QR_MASK = 2
_CODE = re.compile(r"^[0-9a-f]{32}$")


def check_url_for(base_url: str, lookup_code: str) -> str:
    """The check URL of a transcript: base_url with the lookup code as its fragment.

    Raises CheckUrlError when base_url is not http(s) or already has a fragment.
    """
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise CheckUrlError(f"the check URL must be http or https: {base_url!r}")
    if parts.fragment or base_url.endswith("#"):
        raise CheckUrlError("the check page's base URL must not have a fragment")
    return f"{base_url}#{lookup_code}"


def ensure_code_not_logged(check_url: str, lookup_code: str) -> None:
    """Refuse a check URL that would put the lookup code in a server's logs.

    The code may appear only in the fragment; in the path or query, in either of its
    written forms (32 hex digits, or the UUID with hyphens), it is refused.
    """
    parts = urlsplit(check_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise CheckUrlError(f"the check URL must be http or https: {check_url!r}")
    logged = (parts.netloc + parts.path + "?" + parts.query).casefold()
    if lookup_code.casefold() in logged.replace("-", ""):
        raise CheckUrlError(
            "the lookup code must go in the check URL's fragment (after #), "
            "never in its path or query, which servers log"
        )


def check_site(check_url: str) -> str:
    """The check URL without its fragment, as printed for people to type."""
    return check_url.split("#", 1)[0]


def qr_svg(payload: str) -> str:
    """The payload as an SVG QR code (black modules, quiet zone of 2 modules)."""
    code = segno.make_qr(payload, error=QR_ERROR_LEVEL, mask=QR_MASK)
    out = io.BytesIO()
    code.save(out, kind="svg", xmldecl=False, svgns=True, border=2, dark="#000")
    return out.getvalue().decode("ascii")


def is_lookup_code(value: str) -> bool:
    """Whether value is a lookup code as people write it: 32 lowercase hex digits."""
    return bool(_CODE.match(value))
