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
from hocbaso.assessment.errors import Problems

E = TypeVar("E", bound=enum.Enum)

# Numbers written as text: digits, an optional decimal part. ASCII only, so
# that no exponent, sign, underscore or non-Latin digit slips through.
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_CODE = re.compile(r"[A-Za-z0-9_]{1,12}")
_ONE_DECIMAL = Decimal("0.1")
_SHOW_MAX = 40


def nfc(text: str) -> str:
    """``text`` in Unicode normal form C, without surrounding spaces."""
    return unicodedata.normalize("NFC", text).strip()


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
    number = decimal_of(value)
    if number is None or number < low or (high is not None and number > high):
        return None
    if number != number.to_integral_value():
        return None
    exponent = number.as_tuple().exponent
    if not zero_decimal_ok and isinstance(exponent, int) and exponent < 0:
        return None
    return int(number)


def test_score_of(value: object) -> int | None:
    """A primary test score: a whole number 1 to 10 (Circular 27, Art. 7)."""
    zero_ok = decisions.WHOLE_TEST_SCORE_MAY_END_IN_ZERO_DECIMAL
    return whole_of(value, 1, 10, zero_decimal_ok=zero_ok)


def code_of(value: object, codes: type[E]) -> E | None:
    """The member of ``codes`` whose value is ``value`` (after NFC), else None."""
    if not isinstance(value, str):
        return None
    text = nfc(value)
    for member in codes:
        if member.value == text:
            return member
    return None


def choices(codes: type[enum.Enum]) -> str:
    """``T, H or C`` for an enum of codes."""
    values = [str(member.value) for member in codes]
    return ", ".join(values[:-1]) + " or " + values[-1]


def object_of(value: object, where: str, problems: Problems) -> dict[str, Any] | None:
    """A JSON object with NFC keys, or None after recording why not."""
    if not isinstance(value, Mapping):
        problems.add(where, f"must be a JSON object, got {show(value)}")
        return None
    result: dict[str, Any] = {}
    for key, item in value.items():
        if not isinstance(key, str):
            problems.add(where, f"key {show(key)} must be text")
        elif nfc(key) in result:
            problems.add(where, f"key {show(key)} given twice")
        else:
            result[nfc(key)] = item
    return result


def check_fields(
    obj: Mapping[str, Any], allowed: Iterable[str], where: str, problems: Problems
) -> None:
    """Report fields the format does not define [decision UNKNOWN_FIELDS…]."""
    if not decisions.UNKNOWN_FIELDS_ARE_ERRORS:
        return
    for key in sorted(set(obj) - set(allowed)):
        problems.add(where, f"unknown field {show(key)}")


def is_exempt(obj: Mapping[str, Any], where: str, problems: Problems) -> bool:
    """Whether a subject is written ``{"exempt": true}`` (M), at either level."""
    flag = obj.get("exempt")
    if flag is None or flag is False:
        return False
    if flag is not True:
        problems.add(where, f"exempt must be true or false, got {show(flag)}")
        return False
    others = sorted(set(obj) - {"exempt"})
    if others:
        fields = ", ".join(show(key) for key in others)
        problems.add(where, f"an exempt subject has no assessments, got {fields}")
    return True


def curriculum_subjects(
    value: object, specs: tuple[SubjectSpec, ...], grade: int, problems: Problems
) -> list[tuple[SubjectSpec, Any]]:
    """The subjects given, in curriculum order, checked against the curriculum.

    Every compulsory subject of the grade must be there; optional subjects may
    be; anything else is reported.
    """
    if value is None:
        problems.add("subjects", "required, an object of subjects by code")
        return []
    given = object_of(value, "subjects", problems)
    if given is None:
        return []
    known = {spec.code for spec in specs}
    for key in sorted(set(given) - known):
        problems.add(name(key), f"not a subject of grade {grade}")
    for spec in specs:
        if spec.code not in given and not spec.optional:
            problems.add(spec.code, f"missing, a compulsory subject of grade {grade}")
    return [(spec, given[spec.code]) for spec in specs if spec.code in given]


def grade_of(
    value: object, low: int, high: int, level: str, problems: Problems
) -> int | None:
    """The grade, a whole number from ``low`` to ``high``."""
    grade = whole_of(value, low, high)
    if value is None:
        problems.add("grade", f"required, a whole number from {low} to {high}")
    elif grade is None:
        problems.add(
            "grade",
            f"{show(value)} must be a whole number from {low} to {high} ({level})",
        )
    return grade
