"""The exceptions of the assessment rules.

One base, ``AssessmentError``; callers that only care that assessment failed
catch that. Bad input is ``AssessmentInputError`` and lists every problem
found, so a clerk can fix them all at once.

A problem is a stable code with parameters (``Problem``); its English
template is the msgid the boundaries translate, then fill with the
parameters, so that the words are chosen in the reader's language there.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


class Term(str):
    """A word of the format put into a problem (``scores``, ``T, H or C``).

    The boundaries translate a ``Term`` parameter; any other text parameter
    (a value read from the input, already quoted by ``show``) stays as given.
    """

    __slots__ = ()


@dataclass(frozen=True)
class Problem:
    """One problem of the input: where, a stable code, its wording and values.

    ``where`` names the subject and term (``NV hk1``) or the field
    (``grade``); ``template`` is English with ``%(name)s`` placeholders.
    """

    where: str
    code: str
    template: str
    params: tuple[tuple[str, object], ...] = ()

    @property
    def values(self) -> dict[str, object]:
        return dict(self.params)

    @property
    def message(self) -> str:
        """The English sentence, parameters filled in."""
        return self.template % self.values if self.params else self.template

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class AssessmentError(Exception):
    """Base of every error the assessment package raises."""


class AssessmentInputError(AssessmentError):
    """The input of an assessment is invalid.

    ``problems`` holds every problem found, each naming the subject, the term
    and the value; ``str`` of one is its English line
    (``NV hk1: 4 regular scores required, 3 given``).
    """

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = list(problems)
        text = "; ".join(map(str, self.problems))
        super().__init__(text or "invalid assessment input")


class Problems:
    """Collects input problems so that one pass reports all of them."""

    def __init__(self) -> None:
        self.lines: list[Problem] = []

    def add(self, where: str, code: str, template: str, **params: object) -> None:
        """Record a problem at ``where`` (the subject and term, or the field)."""
        self.lines.append(Problem(where, code, template, tuple(params.items())))

    def extend(self, problems: Iterable[Problem]) -> None:
        self.lines.extend(problems)

    def __bool__(self) -> bool:
        return bool(self.lines)

    def error(self) -> AssessmentInputError:
        """The error listing every problem so far, to raise."""
        return AssessmentInputError(self.lines)

    def raise_if_any(self) -> None:
        """Raise ``AssessmentInputError`` with every problem, if there is one."""
        if self.lines:
            raise AssessmentInputError(self.lines)
