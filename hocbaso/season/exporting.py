"""The soft copies of a school, a year or a class, zipped by a task
(docs/portal.md, "Export"): the work of ``hocbaso export`` with its progress on
a ``Job`` and the zip in ``$HOCBASO_DATA_DIR/exports/<job>.zip``, downloaded from
the job's page by the person who asked.

One task renders in its own process (no pool inside a worker: more workers give
more cores). The zip is written to a temporary file and renamed into place after
the audit rows commit, so a run again after its worker died either finds the zip
complete (and reads its counts from the manifest) or writes it whole again.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from django.conf import settings
from django_tasks import task

from hocbaso.portal import documents
from hocbaso.portal.management.commands import export as exporter
from hocbaso.printing import PrintingError
from hocbaso.records.models import School
from hocbaso.registry.errors import RegistryError
from hocbaso.season import engine, progress
from hocbaso.season.models import Job


class JobSteps:
    """The export's ``step()`` as the job's progress."""

    def __init__(self, found: Job) -> None:
        self.found, self.done = found, 0

    def step(self) -> None:
        self.done += 1
        progress.advance(self.found, self.done)


def zip_path(found: Job) -> Path:
    return Path(settings.DATA_DIR) / "exports" / f"{found.public_id}.zip"


def start_export(user, school: School, year: str, class_name: str) -> Job:
    found = progress.new_job(
        Job.Kind.EXPORT,
        user=user,
        school=school,
        params={"year": year, "class": class_name},
    )
    engine.enqueue(export_soft_copies, found.public_id)
    found.refresh_from_db()
    return found


@task()
def export_soft_copies(job_id: str) -> dict:
    found = progress.job(job_id)
    if found is None or found.is_finished:
        return found.result if found else {}
    output = zip_path(found)
    if output.exists():  # renamed into place, then the worker died
        return _finish(found, output, _counted(output))
    try:
        counts = _export(found, output)
    except (RegistryError, documents.DocumentError, PrintingError, OSError) as exc:
        progress.finish(found, result={}, errors=[str(exc)], failed=True)
        return {}
    return _finish(found, output, counts)


def _export(found: Job, output: Path) -> dict:
    params = found.params
    entries = exporter.scope_entries(
        found.school, params.get("year") or None, params.get("class") or None
    )
    progress.begin(found, total=len(entries))
    documents.registry_seal()  # fails here, once, if it cannot load
    output.parent.mkdir(parents=True, exist_ok=True)
    label = found.user.get_username() if found.user else "system"
    return exporter.export(
        entries,
        output,
        seal=documents.seal_source(),
        workers=0,
        progress=JobSteps(found),
        actor_label=f"staff {label}",
    )


def _finish(found: Job, output: Path, counts: dict) -> dict:
    found.file = str(output.relative_to(settings.DATA_DIR))
    Job.objects.filter(pk=found.pk).update(file=found.file)
    progress.finish(found, result=counts)
    return counts


def _counted(output: Path) -> dict:
    """The counts of a zip already written, from its manifest."""
    with zipfile.ZipFile(output) as archive:
        text = archive.read(exporter.MANIFEST).decode("utf-8-sig")
    statuses = [row["status"] for row in csv.DictReader(io.StringIO(text))]
    return {
        "ok": statuses.count(exporter.STATUS_OK),
        "empty": statuses.count(exporter.STATUS_EMPTY),
        "failed": sum(1 for s in statuses if s.startswith("error")),
    }
