"""``manage.py assess [FILE]``: assess one student-year given as JSON.

A thin wrapper over ``hocbaso.assessment.assess``: reads the interchange
format (domain.md §10) from FILE, or from standard input without one, and
prints the results as JSON. Bad input exits with status 2 and one line per
problem on standard error, without a traceback.
"""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import IO, Any, NoReturn

from django.utils.translation import gettext as _

from hocbaso.assessment import AssessmentInputError, Problem, assess
from hocbaso.commands import BaseCommand
from hocbaso.web.problems import describe

EXIT_INVALID = 2


class Command(BaseCommand):
    help = _(
        "Assess one student-year given as JSON (from FILE, or standard input) "
        "and print the results as JSON."
    )
    # The command reads no database and no model: skip the system checks.
    requires_system_checks: list[str] = []
    # call_command(..., stdin=...) lets tests feed standard input.
    stealth_options = ("stdin",)

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "file", nargs="?", help=_("the JSON file; standard input when omitted")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        text = self._read(options.get("file"), options.get("stdin") or sys.stdin)
        try:
            data = json.loads(text)
        except ValueError as exc:  # JSONDecodeError, and over-long integers
            self._fail([f"input: not valid JSON: {exc}"])
        try:
            result = assess(data)
        except AssessmentInputError as exc:
            self._fail(exc.problems)
        self.stdout.write(json.dumps(result, ensure_ascii=False))

    def _read(self, file: str | None, stdin: IO[Any]) -> str:
        try:
            if file is not None:
                return Path(file).read_bytes().decode("utf-8-sig")
            raw = stdin.buffer.read() if hasattr(stdin, "buffer") else stdin.read()
            return raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
        except OSError as exc:
            self._fail([f"{file}: cannot read: {exc.strerror or exc}"])
        except UnicodeDecodeError as exc:
            self._fail([f"{file or 'input'}: not UTF-8 text: {exc.reason}"])

    def _fail(self, problems: list[Problem] | list[str]) -> NoReturn:
        for problem in problems:
            self.stderr.write(describe(problem))
        raise SystemExit(EXIT_INVALID)
