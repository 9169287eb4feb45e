"""Lookups per second on the production server, beside a bare static file.

    .venv/bin/python bench/portal_lookup.py [--scale tiny] [--duration 10]
                                            [--connections 32] [--workers 2]
                                            [--profile 500]
                                            [--against DIR [--rounds 2]]
    .venv/bin/python bench/portal_lookup.py --failures 50000

Steps:
1. a seeded district with its last school year signed, submitted and locked
   (``hocbaso seed`` then ``hocbaso demo-registry``) on SQLite, made once and cached
   outside the repository: ``$HOCBASO_BENCH_CACHE`` or ``~/.cache/hocbaso/``;
2. gunicorn (``--workers`` sync workers on 127.0.0.1, production settings: DEBUG
   off, the portal's gunicorn settings, the access log written to a file);
3. a lookup code of a transcript with an effective record, read from the database,
   and a CSRF cookie and token from the lookup page;
4. ``wrk`` at ``--connections`` connections for ``--duration`` seconds: first GET
   of a static file that WhiteNoise serves from the same server, then POST / with
   the code in the body (a wrk Lua script);
5. prints lookups/s and p99 latency of each run, the ratio, the server's CPU time
   per request (user + system of gunicorn's processes over the run divided by the
   requests: what a loaded machine does not distort), the ratio of those, and
   one JSON object.
Every lookup does the page's whole work: the throttle's count, the transcript and
its version, the holding (built at the first lookup, then read from the cache),
the result page (rendered once, then filled in), the access event written.

``--against DIR`` measures another checkout of the project too (say a ``git
worktree`` of an older commit: that checkout's project and migrations, this
checkout's venv and bench code), turn by turn with this one on the same database,
``--rounds`` times each (this, other, then other, this…), and prints both side
by side with the load average of each run: on a shared machine only figures
measured together compare.

``--failures N`` measures only the throttle, in this process, on a copy of the
cached database given N failed lookups in the last hour from N/10 other clients
(a walk through codes from many addresses) and N refusals of one waiting client
(one address hammering): milliseconds per standing of a client of its own, with
the count's index (client, action, time) and with it dropped, and of the waiting
client, from its kept wait and counted again.

``--profile N`` then makes N more lookups in this process (Django's test client
with the page's CSRF cookie and token, checked as a browser's are; the same
database and settings, no server) under cProfile and prints the 45
functions with the most cumulative time: where a lookup's time goes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
STATIC = "/static/hocbaso/site.css"
PASSWORD = "bench password, not secret"


def cache_dir(scale: str) -> Path:
    base = os.environ.get("HOCBASO_BENCH_CACHE") or Path.home() / ".cache" / "hocbaso"
    today = dt.date.today()
    first = today.year if today.month >= 8 else today.year - 1
    return Path(base) / f"bench-portal-{scale}-{first}"


def environment(data: Path, tree: Path = ROOT) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "HOCBASO_DEBUG")
    }
    env.update(
        HOCBASO_DATA_DIR=str(data),
        DJANGO_SETTINGS_MODULE="hocbaso.settings",
        HOCBASO_LOG_LEVEL="WARNING",
        PYTHONPATH=str(tree),  # the checkout's package, not the venv's own
    )
    return env


def prepare(data: Path, scale: str, tree: Path = ROOT) -> None:
    """Seed and fill the registry once; a marker file says it is complete. A
    cached database is migrated first: the code may have moved on since."""
    done = data / "bench-ready"
    env = environment(data, tree)
    if done.exists():
        migrate = [str(PYTHON), "manage.py", "migrate", "-v", "0"]
        subprocess.run(migrate, cwd=tree, env=env, check=True)
        return
    data.mkdir(parents=True, exist_ok=True)
    steps = [
        ["migrate", "-v", "0"],
        ["seed", "--scale", scale, "--seed", "1", "--password", PASSWORD, "-v", "0"],
        ["demo-registry", "-v", "0"],
    ]
    for step in steps:
        print("…", " ".join(step[:3]), file=sys.stderr, flush=True)
        subprocess.run([str(PYTHON), "manage.py", *step], cwd=ROOT, env=env, check=True)
    done.write_text("ok\n")


def effective_code(data: Path) -> str:
    database = sqlite3.connect(data / "hocbaso.sqlite3")
    row = database.execute(
        "SELECT t.lookup_code FROM records_transcript t "
        "JOIN records_yearlyrecord r ON r.transcript_id = t.id "
        "JOIN registry_submission s ON s.record_id = r.id "
        "WHERE s.state = 'accepted' AND s.locked_at IS NOT NULL "
        "ORDER BY t.id LIMIT 1"
    ).fetchone()
    database.close()
    if row is None:
        raise SystemExit("no effective record in the benchmark database")
    return row[0]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(data: Path, port: int, workers: int, log: Path, tree: Path = ROOT):
    env = environment(data, tree)
    env.update(HOCBASO_BIND=f"127.0.0.1:{port}", HOCBASO_WORKERS=str(workers))
    out = log.open("wb")
    server = subprocess.Popen(
        [str(GUNICORN), "-c", "python:hocbaso.portal.gunicorn_conf", "hocbaso.wsgi"],
        cwd=tree,
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(url + STATIC, timeout=1).read()
            return server, url
        except OSError:
            if server.poll() is not None:
                raise SystemExit(f"gunicorn stopped: see {log}") from None
            time.sleep(0.1)
    server.terminate()
    raise SystemExit(f"gunicorn did not answer: see {log}")


def csrf(url: str) -> tuple[str, str]:
    """A CSRF cookie and the form's token, as a browser would have them."""
    with urllib.request.urlopen(url + "/") as response:
        cookies = response.headers.get_all("Set-Cookie") or []
        html = response.read().decode()
    cookie = next(c.split(";", 1)[0] for c in cookies if c.startswith("csrftoken="))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    return cookie, token


def check_lookup(url: str, cookie: str, body: str) -> None:
    request = urllib.request.Request(
        url + "/",
        data=body.encode(),
        headers={
            "Cookie": cookie,
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": url + "/",
        },
    )
    with urllib.request.urlopen(request) as response:
        page = response.read().decode()
    if "legal-status" not in page:
        raise SystemExit("the lookup did not show a transcript")


LUA = """
wrk.method = "POST"
wrk.body = "{body}"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = "{cookie}"
wrk.headers["Referer"] = "{url}/"
"""


def server_cpu_seconds(master: int) -> float:
    """User + system CPU seconds of gunicorn's master and its workers so far."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    total = 0
    for pid in [master, *map(int, children)]:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def measured(server, target, connections, duration, script) -> dict:
    """wrk's figures and the server's CPU milliseconds per request (a figure that
    holds on a loaded machine, where the rate only says what was left over)."""
    before = server_cpu_seconds(server.pid)
    figures = run_wrk(target, connections, duration, script)
    spent = server_cpu_seconds(server.pid) - before
    figures["server_cpu_ms_per_request"] = round(
        1000 * spent / max(1, figures["requests"]), 2
    )
    return figures


def run_wrk(target: str, connections: int, duration: int, script: Path | None):
    command = [
        "wrk",
        "-t2",
        f"-c{connections}",
        f"-d{duration}s",
        "--latency",
        "--timeout",
        "30s",
    ]
    if script is not None:
        command += ["-s", str(script)]
    done = subprocess.run(
        [*command, target], capture_output=True, text=True, check=True
    )
    return parse_wrk(done.stdout)


def parse_wrk(text: str) -> dict:
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", text)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    total = re.search(r"(\d+) requests in", text)
    return {
        "requests_per_s": rate,
        "p99_ms": round(float(p99.group(1)) * scale, 2),
        "requests": int(total.group(1)),
        "non_2xx": int(errors.group(1)) if errors else 0,
    }


def profile_lookups(data: Path, code: str, count: int) -> None:
    """N lookups in this process under cProfile; the top of the profile."""
    import cProfile
    import pstats

    os.environ.update(environment(data))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.test import Client

    # as a browser: the CSRF cookie from the page, its token in the body, checked
    client = Client(HTTP_HOST="127.0.0.1", enforce_csrf_checks=True)
    page = client.get("/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = f"csrfmiddlewaretoken={token}&code={code}&purpose=bench"  # as wrk sends it

    def lookup():
        return client.post("/", body, "application/x-www-form-urlencoded")

    for _ in range(20):  # the holding, the page and the compiled queries kept
        if "legal-status" not in lookup().content.decode():
            raise SystemExit("the profiled lookup did not show a transcript")
    profiler = cProfile.Profile()
    profiler.runcall(lambda: [lookup() for _ in range(count)])
    stats = pstats.Stats(profiler).strip_dirs().sort_stats("cumulative")
    print(f"\nprofile of {count} lookups in one process (cumulative):")
    stats.print_stats(45)


def measure(data: Path, code: str, args, tree: Path = ROOT) -> dict:
    """One server of ``tree``: the static file's run, then the lookups'."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="hocbaso-bench-") as tmp:
        log = Path(tmp) / "gunicorn.log"
        server, url = start_server(data, port, args.workers, log, tree)
        try:
            cookie, token = csrf(url)
            body = f"csrfmiddlewaretoken={token}&code={code}&purpose=bench"
            check_lookup(url, cookie, body)
            script = Path(tmp) / "lookup.lua"
            script.write_text(LUA.format(body=body, cookie=cookie, url=url))
            # The static file first: a backlog of slow lookups would still be
            # queued in the workers when the static run began.
            static = measured(
                server, url + STATIC, args.connections, args.duration, None
            )
            lookup = measured(
                server, url + "/", args.connections, args.duration, script
            )
        finally:
            server.terminate()
            server.wait(timeout=30)
        logged = log.read_text(errors="replace")
    if code in logged:
        raise SystemExit("the lookup code reached the server's log")
    return {
        "lookup": lookup,
        "static": static,
        "lookup_to_static": round(
            lookup["requests_per_s"] / static["requests_per_s"], 3
        ),
        # the same ratio from the server's CPU per request, which the load of
        # other work distorts less than the rates
        "lookup_to_static_by_cpu": round(
            static["server_cpu_ms_per_request"]
            / max(0.01, lookup["server_cpu_ms_per_request"]),
            3,
        ),
        "load_average": round(os.getloadavg()[0], 1),
    }


def show(name: str, result: dict) -> None:
    for run in ("lookup", "static"):
        figures = result[run]
        print(
            f"{name:6} {run + ':':8}{figures['requests_per_s']:8.1f}/s"
            f"  p99 {figures['p99_ms']} ms"
            f"  server CPU {figures['server_cpu_ms_per_request']} ms/request"
            f"  ({figures['requests']} requests, {figures['non_2xx']} not 2xx)"
        )
    print(
        f"{name:6} lookup ÷ static {result['lookup_to_static']}"
        f" (by CPU {result['lookup_to_static_by_cpu']})"
        f"  load average {result['load_average']}"
    )


def throttle_count(data: Path, failures: int) -> None:
    """The throttle's count among many other clients' failures, with and without
    its index; a waiting client's standing among as many of its own refusals,
    from its kept wait and counted again. On a copy of the cached database."""
    import shutil

    with tempfile.TemporaryDirectory(prefix="hocbaso-bench-") as tmp:
        copy = Path(tmp) / "data"
        shutil.copytree(data, copy)
        os.environ.update(environment(copy))
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.core.cache import cache
        from django.db import connection
        from django.utils import timezone

        from hocbaso.portal import throttle
        from hocbaso.portal.models import AccessEvent

        now = timezone.now()
        others = max(1, failures // 10)

        def event(i: int, client: str, **detail) -> AccessEvent:
            at = now - dt.timedelta(seconds=i % 3000 + 1)
            return AccessEvent(
                at=at, action="lookup_failed", client=client, detail=detail
            )

        rows = [
            event(i, f"{i % others:032x}", reason="nothing") for i in range(failures)
        ]
        rows += [event(i, "e" * 32, throttled=True) for i in range(failures)]
        rows += [event(0, "e" * 32, reason="nothing") for _ in range(30)]
        AccessEvent.objects.bulk_create(rows)

        def per_count(client: str, clear: bool = False) -> float:
            throttle.allowance_of(client)  # compiled once, as in a server
            started = time.process_time()
            for _ in range(20):
                if clear:  # another process's first look
                    cache.clear()
                throttle.allowance_of(client)
            return round((time.process_time() - started) / 20 * 1000, 3)

        print(
            f"a waiting client among {failures} refusals of its own:"
            f" {per_count('e' * 32)} ms from its kept wait,"
            f" {per_count('e' * 32, clear=True)} ms counted again"
        )
        (index,) = [i for i in AccessEvent._meta.indexes if i.fields[0] == "client"]
        with_index = per_count("f" * 32)
        with connection.cursor() as cursor:
            cursor.execute(f'DROP INDEX "{index.name}"')
        print(
            f"throttle's count among {failures} failures of other clients:"
            f" {with_index} ms with its index, {per_count('f' * 32)} ms without"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", default="tiny", choices=["tiny", "small"])
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--profile", type=int, default=0, metavar="N")
    parser.add_argument("--against", type=Path, metavar="DIR")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--failures", type=int, default=0, metavar="N")
    args = parser.parse_args()

    data = cache_dir(args.scale)
    prepare(data, args.scale)
    if args.failures:
        return throttle_count(data, args.failures)
    code = effective_code(data)
    trees = [("this", ROOT)]
    if args.against:
        prepare(data, args.scale, args.against.resolve())
        trees.append(("other", args.against.resolve()))
    results: dict[str, list[dict]] = {name: [] for name, _ in trees}
    for turn in range(args.rounds if args.against else 1):
        for name, tree in trees if turn % 2 == 0 else trees[::-1]:
            results[name].append(measure(data, code, args, tree))
            show(name, results[name][-1])
    print(
        json.dumps(
            {
                "scale": args.scale,
                "workers": args.workers,
                "connections": args.connections,
                "duration_s": args.duration,
                "cpus": os.cpu_count(),
                "against": str(args.against) if args.against else None,
                "runs": results,
            },
            indent=2,
        )
    )
    if args.profile:
        profile_lookups(data, code, args.profile)


if __name__ == "__main__":
    main()
