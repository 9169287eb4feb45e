"""Unique identifiers for the demo: personal ids that agree with birth date and
sex (domain.md §5), student codes, and lookup codes drawn from the seed."""

from __future__ import annotations

import datetime as dt
import random
import uuid


class PersonalIds:
    """Draws 12-digit personal ids, never the same one twice."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._used: set[str] = set()

    def new(self, birth: dt.date, sex: int, province: str) -> str:
        century = (birth.year // 100 - 19) * 2 + (1 if sex == 2 else 0)
        head = f"{province}{century}{birth.year % 100:02d}"
        while True:
            pid = f"{head}{self._rng.randrange(1_000_000):06d}"
            if pid not in self._used:
                self._used.add(pid)
                return pid


class StudentCodes:
    """Education-database student codes: 10 digits, unique."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._used: set[str] = set()

    def new(self) -> str:
        while True:
            code = f"01{self._rng.randrange(100_000_000):08d}"
            if code not in self._used:
                self._used.add(code)
                return code


def lookup_code(rng: random.Random) -> str:
    """A version-4 UUID as 32 hex digits, drawn from the seeded generator."""
    return uuid.UUID(int=rng.getrandbits(128), version=4).hex
