"""The season end to end: a district's main round sent through the API as class
packages, answered by 1 and then 2 task workers on PostgreSQL, locked by the
scheduled deadline task.

    .venv/bin/python bench/season.py [--scale small] [--seed 1] [--workers 1 2]

Uses the signed district cached by bench/registry.py (``--scale small`` signs
1148 records in about a minute and a half; ``district`` takes about 40 minutes).
For each worker count, in a child process under scripts/with-postgres (a
throwaway cluster):
1. the cached district copied into the cluster (bench/registry.py);
2. every class package POSTed to ``/api/v1/schools/{code}/submissions`` with the
   school's bearer token, the clock ten days before the main deadline: each answer
   is a 202 with its receipt, the verification a task;
3. N ``hocbaso worker`` processes, started before the first request (they answer
   while the schools send), stopped once every receipt is answered;
4. the clock moved past the deadline and the deadline's lock task run as a worker
   would run it (``tasks.lock_at_deadline``, scheduled by ``schedule_year``).
Prints one JSON object per worker count, then the ratio of their rates.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import registry as district_bench  # noqa: E402


def run(cache: Path, workers: int) -> dict:
    meta = json.loads((cache / "meta.json").read_text())
    os.environ["HOCBASO_TASKS_BACKEND"] = "database"
    with tempfile.TemporaryDirectory(prefix="hocbaso-season-") as tmp:
        load = district_bench.fresh_database(cache, meta, Path(tmp), "postgres")
        out = {"workers": workers, "records": meta["records"], "load_seconds": load}
        out.update(_season(cache, meta, workers))
    return out


def _season(cache: Path, meta: dict, workers: int) -> dict:
    from django.utils import timezone

    open_at = dt.datetime.fromisoformat(meta["open_at"])
    timezone.now = lambda: open_at  # the main process only; workers use receipts
    classes = district_bench.packets_by_class(cache)
    packages = [items for _, items in sorted(classes.items())]
    bodies = _bodies(packages, meta)
    # measured first, on the empty queue (the lock below leaves its tasks in it)
    startup = district_bench.worker_startup_cpu(workers)
    cpu_before = {**district_bench._cpu(), "cluster": cluster_cpu()}
    start = time.perf_counter()
    # The workers run while the schools send, as in production: each answer
    # starts as soon as its receipt is committed.
    running = district_bench.start_workers(workers)
    receipts = _post(bodies)
    received = time.perf_counter() - start
    api_cpu = district_bench._cpu()["main"] - cpu_before["main"]
    district_bench.wait_answered(receipts)
    answered = time.perf_counter() - start
    district_bench.stop_workers(running)
    cpu_after = {**district_bench._cpu(), "cluster": cluster_cpu()}
    cpu = {k: v - cpu_before[k] for k, v in cpu_after.items()}
    records = sum(len(p) for p in packages)
    lock = _lock_by_task(meta)
    return {
        "packages": len(packages),
        "api_seconds": round(received, 1),
        "answered_seconds": round(answered, 1),
        "records_per_second": round(records / answered, 1),
        "rejected": _rejected(receipts),
        "cpu_seconds": {k: round(v, 1) for k, v in cpu.items()},
        "worker_cpu_ms_per_record": round(cpu["workers"] / records * 1000, 1),
        "worker_cpu_ms_per_record_less_startup": round(
            (cpu["workers"] - startup) / records * 1000, 1
        ),
        "database_cpu_ms_per_record_main": round(
            cpu.get("database_server", 0) / records * 1000, 1
        ),
        # every server process of the cluster, the workers' connections included
        "cluster_cpu_ms_per_record": round(cpu["cluster"] / records * 1000, 1),
        "api_cpu_ms_per_record": round(api_cpu / records * 1000, 1),
        # the wall time the measured CPU needs on this machine's cores if nothing
        # else ran: above it the run waited (for other processes, or for locks)
        "cpu_bound_seconds": round(
            (cpu["main"] + cpu["workers"] + cpu["cluster"]) / (os.cpu_count() or 1), 1
        ),
        "api_ms_per_package": round(received / len(packages) * 1000, 1),
        "lock": lock,
        "load_average": os.getloadavg(),
    }


def cluster_cpu() -> float:
    """CPU seconds of the throwaway cluster: the postmaster, its live server
    processes and those it has reaped (the workers' connections end with them)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW data_directory")
        data = Path(cursor.fetchone()[0])
    postmaster = int((data / "postmaster.pid").read_text().split()[0])
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        pid, parent = int(stat.parent.name), int(fields[1])
        if pid == postmaster:  # its own time and its reaped children's
            total += sum(int(f) for f in fields[11:15]) / tick
        elif parent == postmaster:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _bodies(packages, meta) -> list[tuple[str, bytes]]:
    from hocbaso.registry.package import build_package

    return [
        (
            items[0][0],
            build_package(
                [i[2] for i in items],
                school_code=items[0][0],
                school_year=meta["school_year"],
            ),
        )
        for items in packages
    ]


def _post(bodies) -> list[str]:
    """Each package as a school's software sends it: its token, the raw XML."""
    from django.test import Client

    from hocbaso.registry.api.tokens import issue_token

    client, tokens, receipts = Client(), {}, []
    for school_code, body in bodies:
        if school_code not in tokens:
            tokens[school_code] = issue_token(school_code, "bench").token
        answer = client.post(
            f"/api/v1/schools/{school_code}/submissions",
            data=body,
            content_type="application/xml",
            HTTP_AUTHORIZATION=f"Bearer {tokens[school_code]}",
            HTTP_HOST="localhost",
        )
        assert answer.status_code == 202, answer.content[:300]
        receipts.append(answer["Location"].rstrip("/").rsplit("/", 1)[1])
    return receipts


def _rejected(receipts: list[str]) -> int:
    from hocbaso.registry.models import Receipt

    answered = Receipt.objects.filter(public_id__in=receipts)
    assert not answered.filter(status=Receipt.Status.RECEIVED).exists()
    return sum(answered.values_list("rejected_count", flat=True))


def _lock_by_task(meta: dict) -> dict:
    """The deadline's own task, scheduled when the year was saved, run past the
    deadline as a worker runs it."""
    from django.utils import timezone

    from hocbaso.registry import lookups
    from hocbaso.season import deadlines, tasks
    from hocbaso.season.models import DeadlineSchedule

    year = lookups.school_year(meta["school_year"])
    deadlines.schedule_year(year)
    row = DeadlineSchedule.objects.get(school_year=year, round="main", kind="lock")
    after = row.run_at + dt.timedelta(minutes=1)
    timezone.now = lambda: after
    start = time.perf_counter()
    result = tasks.lock_at_deadline.call(year.pk, "main", 0, row.run_at.isoformat())
    return {**result, "seconds": round(time.perf_counter() - start, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="small")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--inner", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    cache = district_bench.cache_dir(args.scale, args.seed)
    if args.inner:
        print(json.dumps(run(cache, args.inner)))
        return
    if not (cache / "meta.json").exists():
        cache.mkdir(parents=True, exist_ok=True)
        district_bench._prepare_in_child(
            argparse.Namespace(**vars(args) | {"workers": 2}), cache
        )
    results = []
    for n in args.workers:
        results.append(_child(args, n))
        print(json.dumps(results[-1], indent=2), flush=True)
    rates = [r["records_per_second"] for r in results]
    print(json.dumps({"rates": rates, "ratio": round(rates[-1] / rates[0], 2)}))


def _child(args, workers: int) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), "--inner", str(workers)]
    command += ["--scale", args.scale, "--seed", str(args.seed)]
    command = ["bash", str(ROOT / "scripts" / "with-postgres"), *command]
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    done = subprocess.run(
        command, check=True, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
