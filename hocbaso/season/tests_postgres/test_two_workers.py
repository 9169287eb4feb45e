"""Two real workers race for the same queue on PostgreSQL (SELECT … FOR UPDATE SKIP
LOCKED): every task runs once, and both workers take some."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from hocbaso.season.tests.probe import note

pytestmark = pytest.mark.postgres
ROOT = Path(__file__).resolve().parents[3]
TASKS = 80


def _test_database_url() -> str:
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"]))


def test_two_workers_racing_run_each_task_once(transactional_db, settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    notes = tmp_path / "notes"
    for n in range(TASKS):
        note.enqueue(str(notes), n)
    env = {
        **os.environ,
        "DATABASE_URL": _test_database_url(),
        "HOCBASO_TASKS_BACKEND": "database",
        "HOCBASO_DATA_DIR": str(tmp_path),
    }
    command = [sys.executable, str(ROOT / "manage.py"), "worker", "--batch"]
    command += ["--interval", "0", "--no-startup-delay", "--no-reload", "-v", "0"]
    workers = [subprocess.Popen(command, env=env, cwd=ROOT) for _ in range(2)]

    assert [w.wait(timeout=120) for w in workers] == [0, 0]

    lines = [line.split() for line in notes.read_text().splitlines()]
    assert sorted(int(n) for n, _pid in lines) == list(range(TASKS))
    assert {pid for _n, pid in lines} == {str(w.pid) for w in workers}
    done = DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL)
    assert done.filter(task_path__endswith=".note").count() == TASKS
    assert all(len(ids) == 1 for ids in done.values_list("worker_ids", flat=True))
    # every periodic job of the worker's beat (worker.py), each enqueued by one
    periodic = done.exclude(task_path__endswith=".note")
    assert sorted(periodic.values_list("task_path", flat=True)) == [
        "hocbaso.portal.citizen.retention.delete_past_retention",
        "hocbaso.season.delivering.deliver_due",
        "hocbaso.season.tasks.recover_receipts",
        "hocbaso.season.tasks.retimestamp_archive",
        "hocbaso.season.tasks.schedule_deadlines",
        "hocbaso.season.witnessing.ask_witnesses",
    ]
