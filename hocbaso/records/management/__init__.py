"""The records' commands, and argparse's own words in the reader's language.

argparse writes its words ("usage:", "options", "show this help message and
exit", "the following arguments are required") through the standard library's
gettext, which knows no catalogue of ours: a command whose help reads in
Vietnamese would still start with "usage:". ``speak_the_project_language``
has argparse look its words up in the catalogue of the domain ``argparse`` in
the project's locale (``hocbaso/locale/vi/LC_MESSAGES/argparse.po``), in
Django's active language, so every command (``hocbaso …`` and ``manage.py``)
speaks one language. The same catalogue holds the help of the options Django
adds to every command (``--verbosity``, ``--settings``…), which Django does not
mark for translation; an option's help is looked up there when it is printed.
It runs once, when the records app is ready.
"""

from __future__ import annotations

import argparse
import functools
import gettext
from pathlib import Path

from django.conf import settings
from django.utils import translation

DOMAIN = "argparse"
LOCALE_DIR = Path(__file__).resolve().parents[2] / "locale"


@functools.cache
def _catalogue(language: str) -> gettext.NullTranslations:
    return gettext.translation(
        DOMAIN, localedir=LOCALE_DIR, languages=[language], fallback=True
    )


def _language() -> str:
    # None while a command runs under @no_translations: the project's language.
    return translation.get_language() or settings.LANGUAGE_CODE


def _gettext(message: str) -> str:
    return _catalogue(_language()).gettext(message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return _catalogue(_language()).ngettext(singular, plural, n)


def _help_string(formatter: argparse.HelpFormatter, action: argparse.Action) -> str:
    return _gettext(action.help) if action.help else ""


def speak_the_project_language() -> None:
    """argparse's words through the project's catalogue from now on."""
    argparse._ = _gettext  # type: ignore[attr-defined]
    argparse.ngettext = _ngettext  # type: ignore[attr-defined]
    argparse.HelpFormatter._get_help_string = _help_string  # type: ignore[method-assign]
