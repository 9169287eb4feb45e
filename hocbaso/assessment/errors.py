"""The exceptions of the assessment rules.

One base, ``AssessmentError``; callers that only care that assessment failed
catch that. Bad input is ``AssessmentInputError`` and lists every problem
found, one sentence each, so a clerk can fix them all at once.
"""

from __future__ import annotations

from collections.abc import Iterable


class AssessmentError(Exception):
    """Base of every error the assessment package raises."""


class AssessmentInputError(AssessmentError):
    """The input of an assessment is invalid.

    ``problems`` holds every problem found, one line each, naming the subject,
    the term and the value (``NV hk1: 4 regular scores required, 3 given``).
    """

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems: list[str] = list(problems)
        super().__init__("; ".join(self.problems) or "invalid assessment input")


class Problems:
    """Collects input problems so that one pass reports all of them."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, where: str, message: str) -> None:
        """Record ``where: message`` (``where`` names the subject and term)."""
        self.lines.append(f"{where}: {message}" if where else message)

    def __bool__(self) -> bool:
        return bool(self.lines)

    def error(self) -> AssessmentInputError:
        """The error listing every problem so far, to raise."""
        return AssessmentInputError(self.lines)

    def raise_if_any(self) -> None:
        """Raise ``AssessmentInputError`` with every problem, if there is one."""
        if self.lines:
            raise AssessmentInputError(self.lines)
