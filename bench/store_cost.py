"""What a task worker spends per record answering class packages: verification
beside storing, this checkout side by side with another commit, in one run.

    .venv/bin/python bench/store_cost.py [--baseline REF] [--packages 20]
                                         [--db sqlite|postgres] [--rounds 3]
                                         [--scale small] [--profile FILE]

Uses the signed district cached by bench/registry.py (``--scale``, made by it on
first use). Steps:
1. ``--baseline`` (a git commit, say the one before a change) checked out in a
   ``git worktree`` under /tmp, removed afterwards;
2. the district loaded once (SQLite: the cached file; PostgreSQL: one throwaway
   cluster from scripts/with-postgres), and copied for each run (the file, or
   ``CREATE DATABASE … TEMPLATE``), so every run starts from the same rows;
3. in each run, a child process with its checkout first on ``sys.path`` receives
   the first ``--packages`` class packages (``actions.submit(process=False)``, the
   API's part, not timed), then answers them one by one as a worker does
   (``processing.process_receipt`` at the receipt's time, a new verifier each);
4. it counts its process CPU in the verifier's calls (verification), in the
   database driver's calls (adapting parameters and reading rows: "sql_client"),
   and the rest (the ORM and the registry's own Python: "storing_python"), the wall
   time in the driver less its CPU (round trips and the server: "sql_wait"), the
   wall time from the lock of the ledger head to the commit ("lock_held_wall": no
   other worker stores meanwhile), the statements run and, on PostgreSQL, the CPU
   of its connection's server process.
Runs alternate between the checkouts ``--rounds`` times, which goes first
alternating too; the medians and the ratios (this checkout to the baseline) are
what to read on a shared machine.
``--profile`` writes this checkout's last answering as cProfile stats (process
time), which splits the storing further.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import registry as district_bench  # noqa: E402

_FIGURES = (
    "verify",
    "storing_python",
    "sql_client",
    "sql_wait",
    "lock_held_wall",
    "database_server",
)


# --- a child: one checkout answering the packages -----------------------------


def _inner(args) -> dict:
    tree = Path(args.tree).resolve()
    sys.path.insert(0, str(tree))  # the checkout measured, before the venv's
    cache = district_bench.cache_dir(args.scale, 1)
    meta = json.loads((cache / "meta.json").read_text())
    work = Path(args.work)
    os.environ["HOCBASO_LEDGER_KEY"] = str(work / "ledger.key")
    district_bench.setup_django(work / "data", cache / "pki" / "trust")
    import hocbaso

    assert Path(hocbaso.__file__).resolve().is_relative_to(tree), hocbaso.__file__
    receipts = _receive(cache, meta, args.packages)
    return _answer(receipts, args.profile)


def _receive(cache: Path, meta: dict, count: int) -> list:
    from hocbaso.registry import actions
    from hocbaso.registry.clock import fixed_clock
    from hocbaso.registry.models import Receipt
    from hocbaso.registry.package import build_package

    clock = fixed_clock(dt.datetime.fromisoformat(meta["open_at"]))
    classes = district_bench.packets_by_class(cache)
    ids = []
    for items in [items for _, items in sorted(classes.items())][:count]:
        school = items[0][0]
        body = build_package(
            [item[2] for item in items],
            school_code=school,
            school_year=meta["school_year"],
        )
        view = actions.submit(
            body,
            school=school,
            actor=district_bench._token(school),
            clock=clock,
            process=False,
        )
        ids.append(view.receipt_id)
    found = Receipt.objects.select_related("school").in_bulk(
        ids, field_name="public_id"
    )
    return [found[i] for i in ids]


class _Timed:
    """The worker's verifier, its process CPU counted."""

    def __init__(self, cpu: dict) -> None:
        from hocbaso.registry.verification import InProcessVerifier

        self._inner = InProcessVerifier()
        self._cpu = cpu

    def verify(self, packets, at):
        started = time.process_time()
        try:
            return self._inner.verify(packets, at)
        finally:
            self._cpu["verify"] += time.process_time() - started


def _answer(receipts: list, profile: str | None) -> dict:
    from django.db import connection

    from hocbaso.registry import processing
    from hocbaso.registry.clock import fixed_clock

    cpu = {"verify": 0.0, "sql_client": 0.0, "sql_wall": 0.0, "statements": 0}
    cpu["lock_held"] = 0.0

    def driver(execute, sql, params, many, context):
        started, wall = time.process_time(), time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            cpu["sql_client"] += time.process_time() - started
            cpu["sql_wall"] += time.perf_counter() - wall
            cpu["statements"] += 1

    profiler = _profiler(profile)
    locked = _time_the_lock()
    server = district_bench._server_cpu()
    started, records = time.process_time(), 0
    with connection.execute_wrapper(driver):
        if profiler:
            profiler.enable()
        for receipt in receipts:
            answered = processing.process_receipt(
                receipt,
                verifier=_Timed(cpu),
                clock=fixed_clock(receipt.received_at),
            )
            cpu["lock_held"] += time.perf_counter() - locked.pop()
            assert answered.rejected_count == 0, answered.public_id
            records += answered.accepted_count
        if profiler:
            profiler.disable()
            profiler.dump_stats(profile)
    total = time.process_time() - started
    return _figures(cpu, total, server, records, len(receipts))


def _time_the_lock() -> list[float]:
    """When each answer locked the ledger head (both checkouts lock it through
    ``ledger_log.lock_head``); held until process_receipt returns, committed."""
    from hocbaso.registry import ledger_log

    locked: list[float] = []
    lock_head = ledger_log.lock_head

    def timed():
        locked.append(time.perf_counter())
        return lock_head()

    ledger_log.lock_head = timed
    return locked


def _profiler(profile: str | None):
    if not profile:
        return None
    import cProfile

    return cProfile.Profile(time.process_time)


def _figures(cpu: dict, total: float, server, records: int, packages: int) -> dict:
    per_record = {
        "verify": cpu["verify"],
        "storing_python": total - cpu["verify"] - cpu["sql_client"],
        "sql_client": cpu["sql_client"],
        "sql_wait": cpu["sql_wall"] - cpu["sql_client"],
        "lock_held_wall": cpu["lock_held"],
    }
    if server is not None:
        per_record["database_server"] = district_bench._server_cpu() - server
    return {
        "records": records,
        "packages": packages,
        "statements_per_package": round(cpu["statements"] / packages, 1),
        "ms_per_record": {
            k: round(v / records * 1000, 3) for k, v in per_record.items()
        },
    }


# --- the parent: the worktree, the databases, the runs --------------------------


def _worktree(ref: str) -> Path:
    path = Path(tempfile.mkdtemp(prefix="hocbaso-store-baseline-"))
    subprocess.run(
        ["git", "worktree", "add", "--detach", "--quiet", str(path), ref],
        check=True,
        cwd=ROOT,
    )
    return path


def _remove_worktree(path: Path) -> None:
    subprocess.run(
        ["git", "worktree", "remove", "--force", str(path)], check=False, cwd=ROOT
    )
    shutil.rmtree(path, ignore_errors=True)


class _Databases:
    """The district loaded once; a copy of it for each run."""

    def __init__(self, db: str, scale: str, base: Path) -> None:
        self.db, self.base, self.made = db, base, 0
        cache = district_bench.cache_dir(scale, 1)
        meta = json.loads((cache / "meta.json").read_text())
        (base / "load").mkdir()
        district_bench.fresh_database(cache, meta, base / "load", db)
        if db == "postgres":
            from django.db import connections

            connections.close_all()  # a template copied has no connection

    def copy(self, work: Path) -> dict[str, str]:
        """A fresh copy in ``work``; the environment of the child using it."""
        (work / "data").mkdir(parents=True)
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        if self.db == "sqlite":
            shutil.copy(
                self.base / "load" / "data" / "hocbaso.sqlite3",
                work / "data" / "hocbaso.sqlite3",
            )
            return env
        import psycopg

        self.made += 1
        url = os.environ["DATABASE_URL"]
        name, server = f"run{self.made}", url.rsplit("/", 1)[0]
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f"CREATE DATABASE {name} TEMPLATE hocbaso")
        return env | {"DATABASE_URL": f"{server}/{name}"}


def _child(tree: Path, databases: _Databases, args, profile: str | None) -> dict:
    with tempfile.TemporaryDirectory(prefix="hocbaso-store-cost-") as tmp:
        env = databases.copy(Path(tmp))
        command = [sys.executable, str(Path(__file__).resolve()), "--inner"]
        command += ["--tree", str(tree), "--work", tmp, "--scale", args.scale]
        command += ["--packages", str(args.packages)]
        if profile:
            command += ["--profile", str(Path(profile).resolve())]
        done = subprocess.run(
            command, check=True, cwd=tree, env=env, stdout=subprocess.PIPE, text=True
        )
    return json.loads(done.stdout.strip().splitlines()[-1])


def _compare(args) -> dict:
    baseline = _worktree(args.baseline)
    trees = {"this": ROOT, "baseline": baseline}
    runs: dict[str, list[dict]] = {name: [] for name in trees}
    try:
        with tempfile.TemporaryDirectory(prefix="hocbaso-store-base-") as base:
            databases = _Databases(args.db, args.scale, Path(base))
            for turn in range(args.rounds):
                # which goes first alternates: neither always runs after the other
                order = list(trees.items())[:: 1 if turn % 2 == 0 else -1]
                for name, tree in order:
                    last = turn == args.rounds - 1 and name == "this"
                    found = _child(
                        tree, databases, args, args.profile if last else None
                    )
                    runs[name].append(found)
                    print(json.dumps({"tree": name, **found}), flush=True)
    finally:
        _remove_worktree(baseline)
    return _summary(runs, args)


def _summary(runs: dict[str, list[dict]], args) -> dict:
    medians = {
        name: {
            figure: statistics.median(r["ms_per_record"][figure] for r in found)
            for figure in _FIGURES
            if figure in found[0]["ms_per_record"]
        }
        for name, found in runs.items()
    }
    for found in medians.values():
        found["storing_cpu"] = round(found["storing_python"] + found["sql_client"], 3)
    this, base = medians["this"], medians["baseline"]
    return {
        "baseline": subprocess.run(
            ["git", "rev-parse", "--short", args.baseline],
            check=True,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        ).stdout.strip(),
        "db": args.db,
        "median_ms_per_record": medians,
        "statements_per_package": {
            name: found[-1]["statements_per_package"] for name, found in runs.items()
        },
        "ratio_this_to_baseline": {
            k: round(this[k] / base[k], 2) for k in this if base.get(k)
        },
        "load_average": os.getloadavg(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default="HEAD~1", help="a git commit")
    parser.add_argument("--scale", default="small")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--packages", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", metavar="FILE")
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--tree", default=str(ROOT), help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        print(json.dumps(_inner(args)))
    elif args.db == "postgres" and "DATABASE_URL" not in os.environ:
        # the whole comparison inside one throwaway cluster
        script = ROOT / "scripts" / "with-postgres"
        command = ["bash", str(script), sys.executable, *sys.argv]
        raise SystemExit(subprocess.run(command, cwd=ROOT).returncode)
    else:
        print(json.dumps(_compare(args), indent=2))


if __name__ == "__main__":
    main()
