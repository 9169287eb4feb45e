"""Words for the verifier's reader, without Django: the project's compiled Vietnamese
catalogues read with the standard library's gettext.

The catalogues are those the portal's pages use, in the order Django searches them
(settings.LOCALE_PATHS, then the apps in INSTALLED_APPS order), so a reason reads
here exactly as on the verify page; the verifier's own sentences come last.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent
CATALOGUES = (
    PACKAGE / "locale",
    PACKAGE / "records" / "locale",
    PACKAGE / "portal" / "locale",
    PACKAGE / "verifier" / "locale",
)
LANGUAGES = ("vi", "en")


def translator(language: str) -> Callable[[str], str]:
    """gettext for language ("en": the msgids themselves); a missing catalogue is
    skipped, so an untranslated sentence still reads, in English."""
    if language == "en":
        return _identity
    chain: gettext.NullTranslations = gettext.NullTranslations()
    for directory in reversed(CATALOGUES):
        found = gettext.translation(
            "django", directory, languages=[language], fallback=True
        )
        found.add_fallback(chain)
        chain = found
    return chain.gettext


def _identity(message: str) -> str:
    return message
