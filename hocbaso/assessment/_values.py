"""Reading JSON-shaped values into typed ones, reporting what does not fit.

Every reader takes any value at all (dict, list, str, int, float, bool,
None…) and returns the typed value, or None after recording a problem: no
builtin exception leaves this module. Text is normalised to NFC before it is
compared, so "CĐ" matches however it was composed.
"""

from __future__ import annotations

import enum
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

from hocbaso.assessment import decisions
from hocbaso.assessment.curriculum import SubjectSpec
from hocbaso.assessment.errors import Problems, Term

E = TypeVar("E", bound=enum.Enum)

# Numbers written as text: digits, an optional decimal part. ASCII only, so
# that no exponent, sign, underscore or non-Latin digit slips through.
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_CODE = re.compile(r"[A-Za-z0-9_]{1,12}")
_ONE_DECIMAL = Decimal("0.1")
_SHOW_MAX = 40
_SMALL_INT_MAX = 100
_SMALL_INTS = tuple(Decimal(number) for number in range(_SMALL_INT_MAX + 1))


# Caches of the readers below, keyed by the exact value read: JSON input
# repeats the same few texts ("T", "Đ", "7.5"…) over and over. Only short
# exact ``str`` keys are kept, and each cache stops growing at a bound, so
# hostile input cannot make them large.
_CACHE_KEY_MAX = 24
_CACHE_SIZE = 4096


def nfc(text: str) -> str:
    """``text`` in Unicode normal form C, without surrounding spaces."""
    if type(text) is str and text.isascii():  # ASCII text is already in NFC
        return text.strip()
    return unicodedata.normalize("NFC", text).strip()


def _remember(cache: dict[str, Any], key: str, value: Any) -> None:
    if len(key) <= _CACHE_KEY_MAX and len(cache) < _CACHE_SIZE:
        cache[key] = value


def show(value: object) -> str:
    """A value as a problem line shows it: numbers bare, text in quotes."""
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, int):
        return str(value) if abs(value) < 10**30 else "a very long number"
    if isinstance(value, float | Decimal):
        return str(value)
    if isinstance(value, str):
        text = nfc(value)
        if _NUMBER.fullmatch(text):
            return text if len(text) <= _SHOW_MAX else "a very long number"
        if len(text) > _SHOW_MAX:
            text = text[:_SHOW_MAX] + "…"
        return json.dumps(text, ensure_ascii=False)
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list | tuple):
        return "a list"
    return f"a {type(value).__name__}"


def name(key: str) -> str:
    """A key as the start of a problem line: bare when it looks like a code."""
    return key if _CODE.fullmatch(key) else show(key)


def decimal_of(value: object) -> Decimal | None:
    """A finite number from a JSON number or numeric text, else None."""
    if type(value) is int:
        return _SMALL_INTS[value] if 0 <= value <= _SMALL_INT_MAX else Decimal(value)
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float | Decimal):
        # JSON numbers go through str(), never through binary floats.
        number = Decimal(str(value))
        return number if number.is_finite() else None
    if isinstance(value, str):
        text = nfc(value)
        return Decimal(text) if _NUMBER.fullmatch(text) else None
    return None


def score_of(value: object) -> Decimal | None:
    """A lower-secondary score: 0 to 10, at most one decimal (Circular 22, Art. 7)."""
    if type(value) is str:
        if value in _SCORES_OF_TEXT:
            return _SCORES_OF_TEXT[value]
        score = _score_of(value)
        _remember(_SCORES_OF_TEXT, value, score)
        return score
    if type(value) is int:
        return _SMALL_INTS[value] if 0 <= value <= 10 else None
    return _score_of(value)


def _score_of(value: object) -> Decimal | None:
    number = decimal_of(value)
    if number is None or not Decimal(0) <= number <= Decimal(10):
        return None
    if number != number.quantize(_ONE_DECIMAL):
        return None
    return abs(number)  # turns -0 into 0


def whole_of(
    value: object, low: int, high: int | None, *, zero_decimal_ok: bool = True
) -> int | None:
    """A whole number from ``low`` to ``high`` (no upper bound when None)."""
    if type(value) is int:  # exactly as below: Decimal(int) is exact
        return value if low <= value and (high is None or value <= high) else None
    number = decimal_of(value)
    if number is None or number < low or (high is not None and number > high):
        return None
    if number != number.to_integral_value():
        return None
    exponent = number.as_tuple().exponent
    if not zero_decimal_ok and isinstance(exponent, int) and exponent < 0:
        return None
    return int(number)


# Scores written as text, as read by ``_score_of`` (None when not a score).
_SCORES_OF_TEXT: dict[str, Decimal | None] = {}


def test_score_of(value: object) -> int | None:
    """A primary test score: a whole number 1 to 10 (Circular 27, Art. 7)."""
    zero_ok = decisions.WHOLE_TEST_SCORE_MAY_END_IN_ZERO_DECIMAL
    return whole_of(value, 1, 10, zero_decimal_ok=zero_ok)


def code_of(value: object, codes: type[E]) -> E | None:
    """The member of ``codes`` whose value is ``value`` (after NFC), else None."""
    if not isinstance(value, str):
        return None
    by_value = _codes_by_value(codes)
    if type(value) is str and value in by_value:  # already NFC, no spaces
        return by_value[value]
    text = nfc(value)
    for member in codes:
        if member.value == text:
            return member
    return None


# Per enum of codes: its members by value, for the values that NFC and
# stripping leave as they are (so that finding one there is what the loop of
# ``code_of`` would find).
_CODES_BY_VALUE: dict[type[enum.Enum], dict[str, Any]] = {}


def _codes_by_value(codes: type[E]) -> dict[str, E]:
    by_value = _CODES_BY_VALUE.get(codes)
    if by_value is None:
        by_value = {}
        for member in codes:
            key = member.value
            if type(key) is str and nfc(key) == key and key not in by_value:
                by_value[key] = member
        _CODES_BY_VALUE[codes] = by_value
    return by_value


_CHOICES: dict[type[enum.Enum], Term] = {}


def choices(codes: type[enum.Enum]) -> Term:
    """``T, H or C`` for an enum of codes."""
    text = _CHOICES.get(codes)
    if text is None:
        values = [str(member.value) for member in codes]
        text = Term(", ".join(values[:-1]) + " or " + values[-1])
        _CHOICES[codes] = text
    return text


def object_of(value: object, where: str, problems: Problems) -> dict[str, Any] | None:
    """A JSON object with NFC keys, or None after recording why not."""
    if type(value) is dict:
        # The keys of the format are ASCII names, which NFC and stripping
        # leave as they are and which cannot then collide: a plain copy.
        for key in value:
            if type(key) is not str or not key.isascii() or not key.isidentifier():
                break
        else:
            return value.copy()
    if not isinstance(value, Mapping):
        problems.add(
            where,
            "NOT_OBJECT",
            "must be a JSON object, got %(value)s",
            value=show(value),
        )
        return None
    result: dict[str, Any] = {}
    for key, item in value.items():
        if not isinstance(key, str):
            problems.add(
                where, "KEY_NOT_TEXT", "key %(key)s must be text", key=show(key)
            )
        elif nfc(key) in result:
            problems.add(where, "KEY_TWICE", "key %(key)s given twice", key=show(key))
        else:
            result[nfc(key)] = item
    return result


_STR_ONLY = frozenset({str})


def plain_object(value: object, fields: frozenset[str]) -> dict[str, Any] | None:
    """``value`` when it is a dict whose keys, ``str`` all, are among ``fields``.

    ``fields`` must be ASCII names. Such a dict is what ``object_of`` reads as
    is, with no field ``check_fields`` reports: the fast path of well-formed
    input. None means "read it with ``object_of``", which reports problems.
    """
    if (
        type(value) is dict
        and value.keys() <= fields
        and {*map(type, value)} <= _STR_ONLY
    ):
        return value
    return None


def check_fields(
    obj: Mapping[str, Any], allowed: Iterable[str], where: str, problems: Problems
) -> None:
    """Report fields the format does not define [decision UNKNOWN_FIELDS…]."""
    if not decisions.UNKNOWN_FIELDS_ARE_ERRORS:
        return
    if isinstance(allowed, frozenset) and obj.keys() <= allowed:
        return
    for key in sorted(set(obj) - set(allowed)):
        problems.add(where, "UNKNOWN_FIELD", "unknown field %(field)s", field=show(key))


def is_exempt(obj: Mapping[str, Any], where: str, problems: Problems) -> bool:
    """Whether a subject is written ``{"exempt": true}`` (M), at either level."""
    flag = obj.get("exempt")
    if flag is None or flag is False:
        return False
    if flag is not True:
        problems.add(
            where,
            "EXEMPT_NOT_FLAG",
            "exempt must be true or false, got %(value)s",
            value=show(flag),
        )
        return False
    others = sorted(set(obj) - {"exempt"})
    if others:
        fields = ", ".join(show(key) for key in others)
        problems.add(
            where,
            "EXEMPT_WITH_MARKS",
            "an exempt subject has no assessments, got %(fields)s",
            fields=fields,
        )
    return True


def curriculum_subjects(
    value: object, specs: tuple[SubjectSpec, ...], grade: int, problems: Problems
) -> list[tuple[SubjectSpec, Any]]:
    """The subjects given, in curriculum order, checked against the curriculum.

    Every compulsory subject of the grade must be there; optional subjects may
    be; anything else is reported.
    """
    if value is None:
        problems.add(
            "subjects", "SUBJECTS_MISSING", "required, an object of subjects by code"
        )
        return []
    given = object_of(value, "subjects", problems)
    if given is None:
        return []
    known = {spec.code for spec in specs}
    for key in sorted(set(given) - known):
        problems.add(
            name(key), "NOT_A_SUBJECT", "not a subject of grade %(grade)s", grade=grade
        )
    for spec in specs:
        if spec.code not in given and not spec.optional:
            problems.add(
                spec.code,
                "SUBJECT_MISSING",
                "missing, a compulsory subject of grade %(grade)s",
                grade=grade,
            )
    return [(spec, given[spec.code]) for spec in specs if spec.code in given]


def grade_of(
    value: object, low: int, high: int, level: str, problems: Problems
) -> int | None:
    """The grade, a whole number from ``low`` to ``high``."""
    grade = whole_of(value, low, high)
    if value is None:
        problems.add(
            "grade",
            "GRADE_MISSING",
            "required, a whole number from %(low)s to %(high)s",
            low=low,
            high=high,
        )
    elif grade is None:
        problems.add(
            "grade",
            "GRADE_INVALID",
            "%(value)s must be a whole number from %(low)s to %(high)s (%(level)s)",
            value=show(value),
            low=low,
            high=high,
            level=Term(level),
        )
    return grade
