"""Importing a workbook: check the file, check every row, write all or nothing.

    report = import_workbook(data, school=school, user=user, file_name="lop4a1.xlsx")

Steps, each refusing with an error that names what is wrong:
1. ``files.check_file``: size, kind, zip bombs, macros, external links, entities;
2. ``reading.read_workbook``: formulas, the template sheets and their columns;
3. ``access.access_of``: the user's right to import into the school (classes);
4. ``planning.plan_import``: every row checked, every problem collected;
5. ``writing.write_plan`` in one transaction, then the records recomputed.

Every attempt is audited as an ``ImportRun`` (who, the file's SHA-256, the
outcome and the counts): with the data when the import succeeds, on its own
when it is refused. A dry run does steps 1-5 and rolls the writes back.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from hocbaso.imports.access import access_of
from hocbaso.imports.errors import (
    ImportNotAllowedError,
    InvalidRowsError,
    Problem,
    RefusedFileError,
    SpreadsheetError,
)
from hocbaso.imports.files import check_file
from hocbaso.imports.models import ImportRun
from hocbaso.imports.planning import plan_import
from hocbaso.imports.reading import RawSheet, read_workbook
from hocbaso.imports.writing import write_plan
from hocbaso.records.errors import RecordLockedError
from hocbaso.records.models import School
from hocbaso.web.problems import describe

Outcome = ImportRun.Outcome


@dataclass
class ImportReport:
    """What an import did (or, in a dry run, would do)."""

    run: ImportRun
    counts: dict[str, int]
    incomplete: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def changed(self) -> int:
        return sum(n for k, n in self.counts.items() if not k.endswith("_unchanged"))


class _DryRun(Exception):
    """Raised inside the transaction of a dry run to roll its writes back."""


def import_workbook(
    data: bytes,
    *,
    school: School | None = None,
    user=None,
    file_name: str = "",
    dry_run: bool = False,
    actor_label: str = "",
) -> ImportReport:
    """Import a workbook into ``school`` (or the school its sheets name).

    Raises ``RefusedFileError``, ``ImportNotAllowedError`` or
    ``InvalidRowsError`` (with every problem); nothing is written then but the
    audit row.
    """
    audit = _Audit(data, file_name, user, actor_label)
    try:
        check_file(data, file_name)
        found, problems = read_workbook(data)
        school = school or _school_named(found)
        audit.school = school
        access = access_of(user, school)
        return _write(audit, found, problems, school, access, user, dry_run)
    except RefusedFileError as exc:
        audit.save(Outcome.REFUSED, str(exc))
        raise
    except ImportNotAllowedError as exc:
        audit.save(Outcome.DENIED, str(exc))
        raise
    except InvalidRowsError as exc:
        audit.save(Outcome.INVALID, "", problem_count=len(exc.problems))
        raise


def _write(audit, found, problems, school, access, user, dry_run) -> ImportReport:
    try:
        with transaction.atomic():
            # Checked inside the transaction that writes, so the rows checked
            # are the rows written.
            try:
                plan = plan_import(found, school, access, user)
            except InvalidRowsError as exc:
                raise InvalidRowsError([*problems, *exc.problems]) from None
            if problems:
                raise InvalidRowsError(problems)
            try:
                incomplete = write_plan(plan, user)
            except RecordLockedError as exc:
                # A lock that came after the plan was checked: the models refuse,
                # the transaction rolls back, the row-level answer stays the same.
                raise InvalidRowsError([Problem("", None, "", "", str(exc))]) from None
            counts = {k: plan.counts[k] for k in sorted(plan.counts)}
            counts["records_incomplete"] = len(incomplete)
            names = [_student_label(r, problems) for r, problems in incomplete]
            if dry_run:
                raise _DryRun
            run = audit.save(Outcome.IMPORTED, "", counts=counts)
    except _DryRun:
        run = audit.save(Outcome.CHECKED, "", counts=counts)
    return ImportReport(run, counts, names, dry_run)


def _student_label(record, problems: list[Problem]) -> str:
    """A record still missing results: the student and the rules' first problems."""
    student = record.transcript.student
    first = [describe(problem) for problem in problems[:3]]
    shown = "; ".join(first) + (" …" if len(problems) > 3 else "")
    return f"{student.full_name} ({student.student_code}): {shown}"


def _school_named(found: list[RawSheet]) -> School:
    codes = {s.meta["school"] for s in found if s.meta.get("school")}
    if len(codes) != 1:
        raise RefusedFileError(
            _("Say which school to import into: the sheets name %(codes)s.")
            % {"codes": ", ".join(sorted(codes)) or _("no school")}
        )
    code = codes.pop()
    school = School.objects.filter(code=code).first()
    if school is None:
        raise RefusedFileError(_("Unknown school %(code)s.") % {"code": code})
    return school


class _Audit:
    def __init__(self, data: bytes, file_name: str, user, actor_label: str) -> None:
        self.started = time.monotonic()
        self.sha256 = hashlib.sha256(data).hexdigest()
        self.size = len(data)
        self.file_name = (file_name or "").rsplit("/", 1)[-1][:255]
        self.user = user if user is not None and user.is_authenticated else None
        self.label = actor_label or (
            (user.get_full_name() or user.get_username()) if self.user else "system"
        )
        self.school: School | None = None

    def save(self, outcome, message: str, **fields) -> ImportRun:
        return ImportRun.objects.create(
            user=self.user,
            actor_label=self.label[:200],
            school=self.school,
            file_name=self.file_name,
            file_sha256=self.sha256,
            file_size=self.size,
            outcome=outcome,
            message=message[:2000],
            duration_ms=int((time.monotonic() - self.started) * 1000),
            **fields,
        )


__all__ = [
    "ImportNotAllowedError",
    "ImportReport",
    "InvalidRowsError",
    "Problem",
    "RefusedFileError",
    "SpreadsheetError",
    "import_workbook",
]
