"""Reading one spreadsheet cell into a typed value, or a sentence saying why not.

Spreadsheets bring numbers as floats, dates as datetimes, text with stray
spaces and Vietnamese letters composed or not: every reader takes whatever
openpyxl gives and returns the value the records keep. A reader raises
``CellError`` with a translated sentence; the caller adds the sheet, row and
column.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from hocbaso.portal.forms import REFUSED_CATEGORIES, text_problem
from hocbaso.records.identifiers import validate_name
from hocbaso.records.models import Sex

_ONE_DECIMAL = Decimal("0.1")
# A cell's own line breaks and tabs (Alt+Enter, pasted text) are layout, not content;
# every other control or invisible character is refused (portal.forms.text_problem).
_BREAKS = str.maketrans({"\t": " ", "\r": " ", "\n": " "})
_DATE_TEXT = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_NUMBER_TEXT = re.compile(r"^[0-9]+(?:[.,][0-9]+)?$")
_TRUE = {"x", "có", "co", "1", "true", "yes"}
_FALSE = {"", "0", "không", "khong", "false", "no"}
_SEXES = {
    "1": Sex.MALE,
    "nam": Sex.MALE,
    "2": Sex.FEMALE,
    "nữ": Sex.FEMALE,
    "nu": Sex.FEMALE,
    "0": Sex.UNKNOWN,
    "không rõ": Sex.UNKNOWN,
}


class CellError(ValueError):
    """A cell's value cannot be read; ``args[0]`` is the translated sentence."""


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value: object, max_length: int = 300) -> str:
    """Text in NFC with single spaces; a whole number typed as a number stays whole."""
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime | dt.date):
        raise CellError(_("a date where text was expected"))
    out = " ".join(unicodedata.normalize("NFC", str(value)).split())
    if len(out) > max_length:
        raise CellError(
            _("at most %(n)s characters, %(given)s given")
            % {"n": max_length, "given": len(out)}
        )
    return out


def name(value: object, max_length: int = 200) -> str:
    """A person's name: text() without invisible or control characters."""
    out = text(value, max_length)
    for problem in validate_name(out):
        raise CellError(_(problem.message) % problem.params)
    return out


def code(value: object, max_length: int = 20) -> str:
    """A code such as a student code or a class name: text without inner spaces."""
    out = text(value, max_length)
    if " " in out:
        raise CellError(_("a code has no spaces"))
    return out


def personal_id(value: object) -> str:
    """The 12-digit personal id; a number cell that lost its leading zeros is padded.

    Excel turns 001085012345 typed into a number cell into 1085012345; the id
    has a fixed length, so padding restores it exactly.
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        if isinstance(value, float) and not value.is_integer():
            raise CellError(_("must be exactly 12 digits"))
        return str(int(value)).zfill(12)
    return text(value, 40)


def date(value: object) -> dt.date:
    """A date cell, or text written 14/03/2015 (day first) or 2015-03-14."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = text(value, 40)
    match = _DATE_TEXT.match(raw)
    try:
        if match:
            day, month, year = (int(g) for g in match.groups())
            return dt.date(year, month, day)
        match = _ISO_DATE.match(raw)
        if match:
            return dt.date(*(int(g) for g in match.groups()))
    except ValueError:
        pass
    raise CellError(_("not a date; write it as dd/mm/yyyy"))


def sex(value: object) -> int:
    raw = text(value, 20).lower()
    if raw.endswith(".0"):
        raw = raw[:-2]
    if raw in _SEXES:
        return int(_SEXES[raw])
    raise CellError(_("must be Nam, Nữ or Không rõ"))


def choice(value: object, allowed: tuple[str, ...]) -> str:
    """One of ``allowed`` (case-insensitive: "đ" is "Đ")."""
    raw = text(value, 20).upper()
    if raw in allowed:
        return raw
    raise CellError(_("must be one of %(codes)s") % {"codes": ", ".join(allowed)})


def flag(value: object) -> bool:
    """A tick: x (or có, 1) for yes; blank (or không, 0) for no."""
    if isinstance(value, bool):
        return value
    raw = text(value, 20).lower()
    if raw.endswith(".0"):
        raw = raw[:-2]
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise CellError(_("write x for yes, or leave it blank"))


def _decimal(value: object) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        # Through str(): 7.3 stays 7.3, never the binary 7.29999…
        return Decimal(str(value))
    raw = text(value, 20)
    if not _NUMBER_TEXT.match(raw):
        return None
    try:
        return Decimal(raw.replace(",", "."))
    except InvalidOperation:
        return None


def score(value: object) -> str:
    """A lower-secondary score, 0 to 10 with at most one decimal (Circular 22, Art. 7).

    Returned as the interchange text ("8", "7.5"): a decimal comma is read too.
    """
    number = _decimal(value)
    if number is None or not Decimal(0) <= number <= Decimal(10):
        raise CellError(_("a score is a number from 0 to 10"))
    if number != number.quantize(_ONE_DECIMAL):
        raise CellError(_("a score has at most one decimal"))
    if number == number.to_integral_value():
        return str(int(number))
    return str(number.quantize(_ONE_DECIMAL))


_STORED_NUMBER = re.compile(r"^[0-9]+(?:\.[0-9]+)?$")


def same_marks(stored: object, read: object) -> bool:
    """Whether stored marks equal those a sheet read, number for number.

    Marks stored by another way in ("8.0", 8.0 from the API or a generator) equal
    the sheet's "8": counting them as changes would rewrite every row of an
    untouched template and refuse it on a signed record. Only plain numbers
    compare by value (a stored "8,0" or " 8" is not the interchange's 8).
    """
    if isinstance(stored, dict) and isinstance(read, dict):
        return stored.keys() == read.keys() and all(
            same_marks(stored[k], read[k]) for k in read
        )
    if isinstance(stored, list) and isinstance(read, list):
        return len(stored) == len(read) and all(map(same_marks, stored, read))
    if stored == read:
        return True
    a, b = _stored_number(stored), _stored_number(read)
    return a is not None and a == b


def _stored_number(value: object) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    if isinstance(value, str) and not _STORED_NUMBER.match(value):
        return None
    return Decimal(str(value))


def whole(value: object, low: int, high: int | None = None) -> int:
    """A whole number from ``low`` (to ``high``); 9.0 counts as 9."""
    number = _decimal(value)
    if (
        number is None
        or number != number.to_integral_value()
        or number < low
        or (high is not None and number > high)
    ):
        if high is None:
            raise CellError(_("a whole number from %(low)s") % {"low": low})
        raise CellError(
            _("a whole number from %(low)s to %(high)s") % {"low": low, "high": high}
        )
    return int(number)


def measure(value: object, low: int, high: int) -> Decimal:
    """A height or weight from ``low`` to ``high`` with at most one decimal."""
    number = _decimal(value)
    if number is None or not number.is_finite() or not low <= number <= high:
        raise CellError(
            _("a number from %(low)s to %(high)s") % {"low": low, "high": high}
        )
    if number != number.quantize(_ONE_DECIMAL):
        raise CellError(_("at most one decimal"))
    return number.quantize(_ONE_DECIMAL)


def free_text(value: object, label: object, max_length: int) -> str:
    """text() that refuses control and invisible characters instead of keeping them:
    "Tiếng Anh\u202e" shows as one language and means another."""
    _refuse_invisible(value, label)
    return text(value, max_length)


def text_lines(value: object, label: object, max_length: int) -> str:
    """One entry a line (Alt+Enter in the cell), each line as text() leaves it,
    blank lines dropped; the lines joined with a line feed."""
    _refuse_invisible(value, label)
    if is_blank(value) or not isinstance(value, str):
        return text(value, max_length)
    lines = (" ".join(line.split()) for line in value.splitlines())
    out = "\n".join(line for line in lines if line)
    out = unicodedata.normalize("NFC", out)
    if len(out) > max_length:
        raise CellError(
            _("at most %(n)s characters, %(given)s given")
            % {"n": max_length, "given": len(out)}
        )
    return out


def _refuse_invisible(value: object, label: object) -> None:
    if isinstance(value, str):
        raw = unicodedata.normalize("NFC", value).translate(_BREAKS)
        problem = text_problem(raw, str(label), len(raw))
        if problem:
            raise CellError(problem)


def show(value: object) -> str:
    """A cell's value as a problem shows it."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y")
    out = "".join(_visible(char) for char in str(value))
    return out if len(out) <= 60 else out[:60] + "…"


def _visible(char: str) -> str:
    # A problem quotes the value on a page: an invisible or reordering character
    # is shown by its code point, so the quote cannot read as another value.
    if char not in "\t\r\n" and unicodedata.category(char) in REFUSED_CATEGORIES:
        return f"<U+{ord(char):04X}>"
    return char
