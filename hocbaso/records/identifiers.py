"""Identifiers of domain.md §5: the 12-digit personal id and the lookup code.

Pure Python (no Django), so the offline verifier and the importers can use it
without a database or settings. Problem messages are English source strings
marked with ``gettext_noop`` so that ``makemessages`` extracts them; the
Django side translates them when it shows them (see ``Problem.message``).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import uuid
from dataclasses import dataclass, field

__all__ = [
    "LOOKUP_CODE_RE",
    "Problem",
    "is_lookup_code",
    "new_lookup_code",
    "normalise_name",
    "validate_name",
    "validate_personal_id",
]

LOOKUP_CODE_RE = re.compile(r"^[0-9a-f]{32}$")
_TWELVE_DIGITS = re.compile(r"^[0-9]{12}$")  # ASCII only: str.isdigit accepts "١"

# Provinces of birth registration: 001 (Hà Nội) to 096 (Cà Mau), domain.md §5.
_FIRST_PROVINCE, _LAST_PROVINCE = 1, 96

# Characters a name never has: controls and format characters (Cc, Cf: the
# bidirectional embeddings, overrides and isolates U+202A-U+202E, U+2066-U+2069,
# the zero-width U+200B-U+200F, U+FEFF, the soft hyphen), private use (Co),
# surrogates (Cs) and unassigned code points (Cn). They are invisible or reorder
# what is shown, so two names that look the same would compare different.
_NOT_IN_NAMES = frozenset({"Cc", "Cf", "Co", "Cs", "Cn"})

# Sex per QCVN 109:2017.
SEX_UNKNOWN, SEX_MALE, SEX_FEMALE = 0, 1, 2


def gettext_noop(message: str) -> str:
    """Mark a message for translation without importing Django."""
    return message


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an identifier: a stable code and a sentence."""

    code: str
    message: str  # an English source string with %(name)s placeholders
    params: dict[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.message % self.params


def new_lookup_code() -> str:
    """A new lookup code: a random UUID as 32 lowercase hex (domain.md §5, R7)."""
    return uuid.uuid4().hex


def is_lookup_code(value: str) -> bool:
    return bool(LOOKUP_CODE_RE.match(value))


def _century_digits(year: int) -> tuple[int, int] | None:
    """(male, female) value of digit 4 for a birth year; None out of range."""
    century = year // 100
    if century in (19, 20, 21):
        base = (century - 19) * 2
        return base, base + 1
    return None


def validate_personal_id(
    pid: str, birth_date: dt.date | None = None, sex: int | None = None
) -> list[Problem]:
    """Problems with a 12-digit personal identification number; empty if it is good.

    Digits 1-3: province of birth registration (001-096); digit 4: century and
    sex (0/1 1900s male/female, 2/3 2000s, 4/5 2100s); digits 5-6: the last two
    digits of the birth year. Digits 4-6 are checked against ``birth_date``
    and ``sex`` when they are given; sex 0 (unknown) accepts either parity.
    """
    if not _TWELVE_DIGITS.match(pid or ""):
        return [
            Problem(
                "format",
                gettext_noop(
                    "The personal identification number must be exactly 12 digits, "
                    "not “%(value)s”."
                ),
                {"value": pid},
            )
        ]
    problems = []
    province = int(pid[:3])
    if not _FIRST_PROVINCE <= province <= _LAST_PROVINCE:
        problems.append(
            Problem(
                "province",
                gettext_noop(
                    "The first three digits of the personal identification number "
                    "(%(province)s) are not a province code from 001 to 096."
                ),
                {"province": pid[:3]},
            )
        )
    century_digit = int(pid[3])
    if century_digit > 5:
        problems.append(
            Problem(
                "century",
                gettext_noop(
                    "The fourth digit of the personal identification number "
                    "(%(digit)s) must be from 0 to 5."
                ),
                {"digit": century_digit},
            )
        )
    if birth_date is not None:
        problems.extend(_check_birth(pid, century_digit, birth_date, sex))
    return problems


def _check_birth(
    pid: str, century_digit: int, birth_date: dt.date, sex: int | None
) -> list[Problem]:
    problems = []
    expected = _century_digits(birth_date.year)
    if expected is not None and century_digit <= 5:
        allowed = {
            SEX_MALE: {expected[0]},
            SEX_FEMALE: {expected[1]},
        }.get(sex if sex is not None else SEX_UNKNOWN, set(expected))
        if century_digit not in allowed:
            problems.append(
                Problem(
                    "century_sex",
                    gettext_noop(
                        "The fourth digit of the personal identification number "
                        "(%(digit)s) does not match the birth year %(year)s and the "
                        "sex; expected %(expected)s."
                    ),
                    {
                        "digit": century_digit,
                        "year": birth_date.year,
                        "expected": " or ".join(str(d) for d in sorted(allowed)),
                    },
                )
            )
    if pid[4:6] != f"{birth_date.year % 100:02d}":
        problems.append(
            Problem(
                "year",
                gettext_noop(
                    "Digits 5-6 of the personal identification number (%(digits)s) "
                    "must be the last two digits of the birth year %(year)s."
                ),
                {"digits": pid[4:6], "year": birth_date.year},
            )
        )
    return problems


def normalise_name(name: str) -> str:
    """A person's name in NFC with single spaces.

    Vietnamese letters typed on different keyboards arrive composed or
    decomposed ("ệ" as one code point or three); NFC makes equal names equal.
    """
    return " ".join(unicodedata.normalize("NFC", name or "").split())


def validate_name(name: str) -> list[Problem]:
    """Problems with a person's name as normalise_name leaves it; empty if good.

    A name with an invisible or control character is refused, never cleaned
    silently: "An\u202eh" shows as one name and means another.
    """
    for position, char in enumerate(normalise_name(name), start=1):
        if unicodedata.category(char) in _NOT_IN_NAMES:
            return [
                Problem(
                    "name_character",
                    gettext_noop(
                        "The name contains an invisible or control character "
                        "(%(char)s, character %(position)s): type the name again "
                        "without it."
                    ),
                    {"char": f"U+{ord(char):04X}", "position": position},
                )
            ]
    return []
