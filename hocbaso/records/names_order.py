"""The order of a Vietnamese class list: by given name, then the rest of the name.

A class list (danh sách lớp) is ordered by the given name, the last word of the
full name, then by the family and middle names, in Vietnamese alphabetical order:

    a ă â b c d đ e ê (f) g h i (j) k l m n o ô ơ p q r s t u ư v (w) x y (z)

Tones never separate two letters: a name's letters are compared first, and only
between names with the same letters do the tones count, in the order of the
Unicode collation's Vietnamese tailoring (CLDR ``vi``): no mark, huyền (à), hỏi
(ả), ngã (ã), sắc (á), nặng (ạ). So ``Anh < Ảnh < Ánh``, and ``Ánh < Ăn``
is decided at the first letter (``a < ă``) before any tone is looked at.

Pure Python over the canonical decomposition (NFD), so no ICU is needed; the
tests compare it with orderings known from class lists.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from typing import TypeVar

T = TypeVar("T")

_BREVE, _CIRCUMFLEX, _HORN = "\u0306", "\u0302", "\u031b"
# CLDR vi: &̀<<̉<<̃<<́<<̣ (huyền, hỏi, ngã, sắc, nặng), after the unmarked letter.
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_ALPHABET = [
    "a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k",
    "l", "m", "n", "o", "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w",
    "x", "y", "z",
]  # fmt: skip
_RANK = {letter: i + 1 for i, letter in enumerate(_ALPHABET)}
_MODIFIED = {
    ("a", _BREVE): "ă",
    ("a", _CIRCUMFLEX): "â",
    ("e", _CIRCUMFLEX): "ê",
    ("o", _CIRCUMFLEX): "ô",
    ("o", _HORN): "ơ",
    ("u", _HORN): "ư",
}
# Digits and other characters sort after the letters, by code point.
_OTHER = len(_ALPHABET) + 1

Key = tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...], str]


def collation_key(text: str) -> Key:
    """A sort key of one text in Vietnamese order: letters, then tones, then case.

    Spaces and punctuation are ignored at the first two levels, as in ICU.
    """
    letters: list[int] = []
    tones: list[int] = []
    cases: list[int] = []
    for base, marks, upper in _letters(text):
        letter = next(
            (_MODIFIED[(base, m)] for m in marks if (base, m) in _MODIFIED), base
        )
        letters.append(_RANK.get(letter, _OTHER * 0x110000 + ord(letter)))
        tones.append(max((_TONES.get(m, 0) for m in marks), default=0))
        cases.append(1 if upper else 0)
    return tuple(letters), tuple(tones), tuple(cases), text


def _letters(text: str) -> Iterable[tuple[str, list[str], bool]]:
    """(base letter lowercased, its combining marks, was it upper case)."""
    current: tuple[str, list[str], bool] | None = None
    for char in unicodedata.normalize("NFD", text):
        if unicodedata.combining(char):
            if current is not None:
                current[1].append(char)
            continue
        if current is not None:
            yield current
            current = None
        if char.isalnum():
            current = (char.lower(), [], char.isupper())
    if current is not None:
        yield current


def name_key(full_name: str) -> tuple[Key, Key]:
    """The class-list key of a full name: the given name, then the rest."""
    words = unicodedata.normalize("NFC", full_name).split()
    if not words:
        return collation_key(""), collation_key("")
    return collation_key(words[-1]), collation_key(" ".join(words[:-1]))


def in_class_order(items: Iterable[T], name: Callable[[T], str]) -> list[T]:
    """The items sorted as a Vietnamese class list by the full name ``name`` gives.

    The sort is stable: items with the same name keep their given order (callers
    order by date of birth or student code first when they need a tie-break).
    """
    return sorted(items, key=lambda item: name_key(name(item)))
