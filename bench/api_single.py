"""CPU per single-packet POST to the API, in one process (the web side's cost), or
records sent alone per second through gunicorn and the task workers (``--http``).

    .venv/bin/python bench/api_single.py [--scale small] [--posts 200] [--db sqlite]
                                         [--against DIR] [--rounds 3] [--profile FILE]
                                         [--http [--workers 2] [--web-workers 2]
                                                 [--clients 8]]

Each run is a child process with a fresh copy of the cached signed district of
bench/registry.py (``--scale``, made by it on first use): it issues one token per
school, warms up on 10 packets, then POSTs ``--posts`` packets one at a time with
Django's test client (``Authorization: Bearer``, ``application/xml``), as a school's
system does, with no worker running (the receipts wait in the queue), and counts
this process's CPU time (user + system) per POST.

``--http`` measures a throughput instead: the API served by gunicorn on 127.0.0.1
(production settings, ``--web-workers`` sync workers), ``--clients`` threads each
POSTing on its own keep-alive connection (http.client), ``--workers`` task workers
(``hocbaso worker``) answering at the same time; the clock starts once every
task worker has beaten and every gunicorn worker has served (20 packets first)
and stops when the last receipt is answered. It prints records accepted a second
and the CPU each side spent per record over that time: gunicorn (``api``), the
task workers, the PostgreSQL cluster (every server process, ended ones too) and
this process (the clients). ``server_cpu_ms_per_record`` adds the servers'
(api, workers, database): ``cpu_bound_per_second`` is what this machine's cores
would answer if nothing else ran.

``--against DIR`` runs the same bench on another checkout of the project (say a
``git worktree`` of an older commit; this checkout's bench code, that checkout's
project, gunicorn and workers) turn by turn with this one, ``--rounds`` times
each, so both are measured side by side on the same noisy machine; the ratio is
what to read. ``--profile FILE`` writes the measured POSTs' cProfile (pstats) of
this checkout's last round; with ``--http``, each gunicorn worker's requests go
to ``FILE.<pid>`` and each task worker's run (its start included) to
``FILE.worker<n>``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WARM_UP = 10
WARM_UP_HTTP = 20
"""Packets POSTed through gunicorn before the measure: several a worker."""


def _inner(args) -> dict:
    tree = Path(args.tree).resolve()
    sys.path.insert(0, str(ROOT / "bench"))
    import registry as bench

    sys.path.insert(0, str(tree))  # the checkout measured, before bench's ROOT

    cache = bench.cache_dir(args.scale, 1)
    meta = json.loads((cache / "meta.json").read_text())
    with tempfile.TemporaryDirectory(prefix="hocbaso-api-single-") as tmp:
        bench.fresh_database(cache, meta, Path(tmp), args.db)
        import hocbaso

        assert Path(hocbaso.__file__).resolve().is_relative_to(tree), hocbaso.__file__
        classes = bench.packets_by_class(cache)
        singles, _packages = bench._split(classes, args.posts + WARM_UP)
        open_at = dt.datetime.fromisoformat(meta["open_at"])
        if args.http:
            return queued_throughput(
                tree,
                singles,
                open_at,
                workers=args.workers,
                web=args.web_workers,
                clients=args.clients,
                profile=args.profile,
            )
        return _post_all(singles, open_at, args.profile)


def _post_all(singles, open_at: dt.datetime, profile: str | None) -> dict:
    from django.test import Client
    from django.utils import timezone

    from hocbaso.registry.api.tokens import issue_token

    timezone.now = lambda: open_at
    client, tokens = Client(), {}
    for school_code, _grade, _data in singles:
        if school_code not in tokens:
            tokens[school_code] = issue_token(school_code, "bench").token

    def post(school_code: str, data: bytes) -> None:
        answer = client.post(
            f"/api/v1/schools/{school_code}/submissions",
            data=data,
            content_type="application/xml",
            HTTP_AUTHORIZATION=f"Bearer {tokens[school_code]}",
            HTTP_HOST="localhost",
        )
        assert answer.status_code == 202, answer.content[:300]

    for school_code, _grade, data in singles[:WARM_UP]:
        post(school_code, data)
    measured = singles[WARM_UP:]
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    cpu, wall = time.process_time(), time.perf_counter()
    for school_code, _grade, data in measured:
        post(school_code, data)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(profile)
    return {
        "posts": len(measured),
        "cpu_ms_per_post": round(cpu / len(measured) * 1000, 2),
        "wall_ms_per_post": round(wall / len(measured) * 1000, 2),
    }


# --- the API served by gunicorn, POSTed by concurrent clients -----------------------


def frozen_application():
    """gunicorn's application factory: the project's WSGI application with Django's
    clock at ``$HOCBASO_BENCH_NOW`` (ten days before the cached year's deadline).
    The task workers answer each receipt at the time it was received, so the
    API's clock is the only one to set."""
    moment = dt.datetime.fromisoformat(os.environ["HOCBASO_BENCH_NOW"])
    from django.utils import timezone

    timezone.now = lambda: moment
    from hocbaso.wsgi import application

    profile = os.environ.get("HOCBASO_BENCH_PROFILE")
    return (
        _profiled(application, f"{profile}.{os.getpid()}") if profile else application
    )


def _profiled(application, path: str):
    """The application with each request under cProfile, the stats written to
    ``path`` every 20 requests (a worker stopped by gunicorn writes nothing)."""
    import cProfile

    profiler, count = cProfile.Profile(), [0]

    def profiled(environ, start_response):
        body = profiler.runcall(lambda: list(application(environ, start_response)))
        count[0] += 1
        if count[0] % 20 == 0:
            profiler.dump_stats(path)
        return body

    return profiled


@contextmanager
def served(tree: Path, workers: int, now: dt.datetime, logs: Path, profile=None):
    """gunicorn serving ``tree``'s project on 127.0.0.1, production settings (DEBUG
    off, the project's gunicorn_conf: sync workers), the database of this
    process's environment; yields (its pid, its port)."""
    from portal_lookup import free_port

    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "HOCBASO_DEBUG"}
    env.update(
        HOCBASO_BIND=f"127.0.0.1:{port}",
        HOCBASO_WORKERS=str(workers),
        HOCBASO_ACCESS_LOG=str(logs / "access.log"),
        HOCBASO_LOG_LEVEL="WARNING",
        HOCBASO_BENCH_NOW=now.isoformat(),
        HOCBASO_BENCH_PROFILE=profile or "",
        PYTHONPATH=f"{tree}{os.pathsep}{ROOT / 'bench'}",
    )
    # the venv's gunicorn, beside its python (a worktree has no .venv of its own)
    command = [str(Path(sys.executable).with_name("gunicorn")), "--chdir", str(tree)]
    command += ["-c", "python:hocbaso.portal.gunicorn_conf"]
    command += ["api_single:frozen_application()"]
    with (logs / "gunicorn.log").open("wb") as out:
        server = subprocess.Popen(command, cwd=tree, env=env, stdout=out, stderr=out)
    try:
        _wait_listening(server, port, logs)
        yield server.pid, port
    finally:
        server.terminate()
        server.wait(timeout=60)


def _wait_listening(server: subprocess.Popen, port: int, logs: Path) -> None:
    for _ in range(600):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/api/v1/receipts/x", headers={"Host": HOST})
            connection.getresponse().read()  # any answer: Django is loaded
            connection.close()
            return
        except OSError:
            if server.poll() is not None:
                raise SystemExit(f"gunicorn stopped: see {logs}") from None
            time.sleep(0.1)
    raise SystemExit(f"gunicorn did not answer: see {logs}")


def post_concurrently(port: int, items, tokens: dict, clients: int) -> dict:
    """Each (school code, packet) POSTed once, by ``clients`` threads each holding
    one keep-alive connection (http.client reconnects when the server closes
    it); the receipts' ids in the items' order, and the connections opened."""
    work, lock = iter(enumerate(items)), threading.Lock()
    receipts: list[str | None] = [None] * len(items)
    opened, failures = [0], []

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        while True:
            with lock:
                n, (school_code, data) = next(work, (None, (None, None)))
            if n is None:
                break
            opened[0] += connection.sock is None
            connection.request(
                "POST",
                f"/api/v1/schools/{school_code}/submissions",
                body=data,
                headers=_headers(tokens[school_code]),
            )
            answer = connection.getresponse()
            body = answer.read()
            if answer.status != 202:
                failures.append(f"{answer.status} {body[:300]!r}")
                continue
            receipts[n] = answer.getheader("Location").rstrip("/").rsplit("/", 1)[1]
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise SystemExit(f"{len(failures)} POSTs failed, the first: {failures[0]}")
    return {"receipts": receipts, "connections": opened[0]}


HOST = "127.0.0.1"


def _headers(token: str) -> dict[str, str]:
    return {
        "Host": HOST,
        "Authorization": f"Bearer {token}",
        "Content-Type": "application/xml",
        "Connection": "keep-alive",
    }


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) of a live process and its live children."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return sum(_stat_cpu(p)[0] for p in [pid, *map(int, children)])


def _stat_cpu(pid: int) -> tuple[float, float]:
    """(its own CPU, its waited-for children's) in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / tick, (
        int(fields[13]) + int(fields[14])
    ) / tick


def cluster_cpu() -> float | None:
    """CPU seconds of the PostgreSQL cluster this process uses: the postmaster,
    its live server processes and those it has reaped (ended connections)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SHOW data_directory")
        data = Path(cursor.fetchone()[0])
    postmaster = int((data / "postmaster.pid").read_text().split()[0])
    return _stat_cpu(postmaster)[1] + process_cpu(postmaster)


def queued_throughput(
    tree: Path,
    singles,
    open_at: dt.datetime,
    *,
    workers: int,
    web: int,
    clients: int,
    profile: str | None = None,
) -> dict:
    """Records sent alone per second, answered: each POSTed once to gunicorn
    (``web`` workers) by ``clients`` concurrent connections while ``workers``
    task workers answer (group commit); the CPU each side spent per record."""
    import registry as district

    from hocbaso.registry.models import LedgerCheckpoint, Receipt

    tokens = _tokens({school_code for school_code, _grade, _data in singles}, open_at)
    items = [(school_code, data) for school_code, _grade, data in singles]
    # the periodic tasks a first beat enqueues, run now on the empty queue
    start_cpu = district.worker_startup_cpu(workers, root=tree)
    with tempfile.TemporaryDirectory(prefix="hocbaso-api-") as logs:
        with served(tree, web, open_at, Path(logs), profile) as (server, port):
            running = district.start_workers(workers, root=tree, profile=profile)
            try:
                _wait_beating(running)  # started, as a worker in service is
                # each gunicorn worker imports the URLconf (every view, every
                # schema) at its first request: CPU a worker in service has spent
                _answered(port, items[:WARM_UP_HTTP], tokens, clients)
                items = items[WARM_UP_HTTP:]
                before = _cpu(server, running)
                checkpoints = LedgerCheckpoint.objects.count()
                start = time.perf_counter()
                posted, received = _answered(port, items, tokens, clients)
                seconds = time.perf_counter() - start
                after = _cpu(server, running)
                checkpoints = LedgerCheckpoint.objects.count() - checkpoints
            finally:
                district.stop_workers(running)
    spent = {k: v - before[k] for k, v in after.items() if v is not None}
    found = Receipt.objects.filter(public_id__in=posted["receipts"])
    accepted = sum(found.values_list("accepted_count", flat=True))
    assert accepted == len(items), f"{accepted} of {len(items)} accepted"
    per_record = {k: round(v / len(items) * 1000, 2) for k, v in spent.items()}
    # the servers' CPU a record costs: what cores on a machine of their own need
    needed = sum(per_record.get(k, 0) for k in ("api", "workers", "database"))
    return {
        "records": len(items),
        # one checkpoint a storing transaction: the records answered together
        "records_per_transaction": round(len(items) / max(checkpoints, 1), 1),
        "web_workers": web,
        "task_workers": workers,
        "clients": clients,
        "connections_opened": posted["connections"],
        "post_seconds": round(received, 2),
        "posts_per_second": round(len(items) / received, 1),
        "seconds": round(seconds, 2),
        "accepted_per_second": round(len(items) / seconds, 1),
        "cpu_ms_per_record": per_record,
        "server_cpu_ms_per_record": round(needed, 2),
        "cpu_bound_per_second": round((os.cpu_count() or 1) * 1000 / needed, 1),
        "worker_start_cpu_seconds": round(start_cpu, 2),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def _answered(port: int, items, tokens: dict, clients: int) -> tuple[dict, float]:
    """The items POSTed (``post_concurrently``) and the seconds that took, once
    the workers have answered every receipt."""
    import registry as district

    start = time.perf_counter()
    posted = post_concurrently(port, items, tokens, clients)
    received = time.perf_counter() - start
    district.wait_answered(posted["receipts"])
    return posted, received


def _tokens(school_codes: set[str], at: dt.datetime) -> dict[str, str]:
    from hocbaso.registry.api.tokens import issue_token

    return {code: issue_token(code, "bench", at=at).token for code in school_codes}


def _wait_beating(running: list[subprocess.Popen]) -> None:
    """Until each task worker has beaten once (it then polls the queue)."""
    from hocbaso.season.models import WorkerBeat

    pids = {process.pid for process in running}
    beating = WorkerBeat.objects.filter(pid__in=pids)
    while beating.count() < len(pids):
        if any(process.poll() is not None for process in running):
            raise SystemExit("a task worker stopped")
        time.sleep(0.1)


def _cpu(server: int, workers: list[subprocess.Popen]) -> dict[str, float | None]:
    """CPU seconds so far: gunicorn's (its master and workers), the task
    workers', the cluster's and this process's (the clients' threads and the
    wait for the answers)."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "api": process_cpu(server),
        "workers": sum(process_cpu(process.pid) for process in workers),
        "database": cluster_cpu(),
        "client": me.ru_utime + me.ru_stime,
    }


def _child(tree: Path, args, profile: str | None) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), "--inner"]
    command += ["--tree", str(tree), "--scale", args.scale, "--db", args.db]
    command += ["--posts", str(args.posts)]
    if args.http:
        command += ["--http", "--workers", str(args.workers)]
        command += [
            "--web-workers",
            str(args.web_workers),
            "--clients",
            str(args.clients),
        ]
    if profile:
        command += ["--profile", str(Path(profile).resolve())]
    if args.db == "postgres":
        command = ["bash", str(ROOT / "scripts" / "with-postgres"), *command]
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    done = subprocess.run(
        command, check=True, cwd=tree, env=env, stdout=subprocess.PIPE, text=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    args = _arguments()
    if args.inner:
        print(json.dumps(_inner(args)))
        return
    trees = {"this": ROOT} | ({"against": Path(args.against)} if args.against else {})
    metrics = (
        ["accepted_per_second", "server_cpu_ms_per_record", "cpu_bound_per_second"]
        if args.http
        else ["cpu_ms_per_post"]
    )
    runs = {m: {name: [] for name in trees} for m in metrics}
    for turn in range(args.rounds):
        for name, tree in trees.items():
            last = turn == args.rounds - 1 and name == "this"
            found = _child(tree, args, args.profile if last else None)
            for metric in metrics:
                runs[metric][name].append(found[metric])
            print(json.dumps({"tree": name, **found}), flush=True)
    for metric, values in runs.items():
        summary = {name: statistics.median(v) for name, v in values.items()}
        if args.against:
            summary["ratio_this_to_against"] = round(
                summary["this"] / summary["against"], 2
            )
        print(json.dumps({f"median_{metric}": summary}))


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="small")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--posts", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--against", metavar="DIR", help="another checkout to compare")
    parser.add_argument("--profile", metavar="FILE")
    parser.add_argument("--http", action="store_true", help="throughput via gunicorn")
    parser.add_argument("--workers", type=int, default=2, help="task workers")
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--tree", default=str(ROOT), help=argparse.SUPPRESS)
    return parser.parse_args()


if __name__ == "__main__":
    main()
