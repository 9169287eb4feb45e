"""The task engine's own cost: N no-op tasks enqueued, then run by ``hocbaso worker``
processes, on SQLite and on PostgreSQL (docs/architecture.md, "Background work").

    .venv/bin/python bench/tasks.py [--tasks 1000] [--workers 1,2] [--db both]

Per database, in a child process with a fresh database (SQLite: a file in a
temporary directory; PostgreSQL: a throwaway cluster from scripts/with-postgres):
migrate, enqueue ``--tasks`` no-op tasks (enqueued per second), then for each
worker count enqueue them again and start that many workers with ``--batch``;
tasks per second is counted from the first task's start to the last one's end as
the queue's rows record them (the workers' start-up is not counted). Prints one
JSON object per database.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKER = [sys.executable, str(ROOT / "manage.py"), "worker", "--batch"]
WORKER += ["--interval", "0", "--no-startup-delay", "--no-reload", "-v", "0"]


def _inner(tasks: int, workers: list[int]) -> dict:
    os.environ["DJANGO_SETTINGS_MODULE"] = "hocbaso.settings"
    os.environ["HOCBASO_TASKS_BACKEND"] = "database"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Max, Min
    from django_tasks_db.models import DBTaskResult

    from hocbaso.season.tests.probe import noop

    call_command("migrate", verbosity=0)
    out: dict = {"database": connection.vendor, "tasks": tasks}
    for count in workers:
        DBTaskResult.objects.all().delete()
        start = time.perf_counter()
        for n in range(tasks):
            noop.enqueue(n)
        out.setdefault(
            "enqueued_per_second", round(tasks / (time.perf_counter() - start))
        )
        started = time.perf_counter()
        running = [subprocess.Popen(WORKER, cwd=ROOT) for _ in range(count)]
        assert all(p.wait() == 0 for p in running)
        wall = time.perf_counter() - started
        done = DBTaskResult.objects.filter(status="SUCCESSFUL")
        assert done.filter(task_path__endswith=".noop").count() == tasks
        span = done.aggregate(first=Min("started_at"), last=Max("finished_at"))
        seconds = (span["last"] - span["first"]).total_seconds()
        out[f"workers_{count}"] = {
            "tasks_per_second": round(tasks / seconds),
            "run_seconds": round(seconds, 2),
            "wall_seconds_with_start_up": round(wall, 2),
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=1000)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    workers = [int(w) for w in args.workers.split(",")]
    if args.inner:
        print(json.dumps(_inner(args.tasks, workers)))
        return
    for db in ("sqlite", "postgres") if args.db == "both" else (args.db,):
        with tempfile.TemporaryDirectory(prefix="hocbaso-bench-tasks-") as tmp:
            command = [sys.executable, str(Path(__file__).resolve()), "--inner"]
            command += ["--tasks", str(args.tasks), "--workers", args.workers]
            if db == "postgres":
                command = ["bash", str(ROOT / "scripts" / "with-postgres"), *command]
            env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
            env["HOCBASO_DATA_DIR"] = tmp
            done = subprocess.run(
                command,
                check=True,
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                text=True,
            )
            print(
                json.dumps(json.loads(done.stdout.strip().splitlines()[-1]), indent=2)
            )


if __name__ == "__main__":
    main()
