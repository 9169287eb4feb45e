"""A large workbook imported by a task (docs/imports.md, "Large workbooks").

The page keeps the file in ``$HOCBASO_DATA_DIR/jobs/<job>.xlsx`` and enqueues
``import_large``; the job's page shows the steps. The import stays all or
nothing: ``import_workbook`` checks every row and writes in one transaction, and
the job's end is written in that same transaction (an outer one), so a task run
again after its worker died finds the job done and the rows written, or neither.
Progress inside that transaction would not be seen by the page before it
commits, so the page shows the rows read, then the step "checking and writing".
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import transaction
from django_tasks import task

from hocbaso.imports.actions import import_workbook
from hocbaso.imports.errors import InvalidRowsError, SpreadsheetError
from hocbaso.season import engine, progress
from hocbaso.season.models import Job

ROWS_FOR_A_TASK = 2000  # larger imports take longer than a request should


def start_import(user, school, data: bytes, file_name: str, dry_run: bool, rows: int):
    found = progress.new_job(
        Job.Kind.IMPORT,
        user=user,
        school=school,
        params={"file_name": file_name[:255], "dry_run": dry_run, "rows": rows},
    )
    path = Path(settings.DATA_DIR) / "jobs" / f"{found.public_id}.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    Job.objects.filter(pk=found.pk).update(file=str(path))
    engine.enqueue(import_large, found.public_id)
    found.refresh_from_db()
    return found


@task()
def import_large(job_id: str) -> dict:
    found = progress.job(job_id)
    if found is None or found.is_finished:
        return found.result if found else {}
    rows = found.params.get("rows", 0)
    progress.begin(found, total=rows, step="checking")
    with transaction.atomic():
        found = Job.objects.select_for_update().get(pk=found.pk)
        if found.is_finished:
            return found.result
        _import(found)
    Path(found.file).unlink(missing_ok=True)
    return found.result


def _import(found: Job) -> None:
    try:
        report = import_workbook(
            Path(found.file).read_bytes(),
            school=found.school,
            user=found.user,
            file_name=found.params.get("file_name", ""),
            dry_run=found.params.get("dry_run", False),
        )
    except InvalidRowsError as exc:
        errors = [_problem(p) for p in exc.problems]
        progress.finish(found, result={}, errors=errors, failed=True)
        return
    except SpreadsheetError as exc:
        progress.finish(found, result={}, errors=[str(exc)], failed=True)
        return
    result = {"counts": report.counts, "incomplete": report.incomplete}
    progress.finish(found, result=result)


def _problem(problem) -> str:
    where = " ".join(str(x) for x in (problem.sheet, problem.row, problem.column) if x)
    value = f" «{problem.value}»" if problem.value else ""
    return f"{where}{value}: {problem.message}".strip()
