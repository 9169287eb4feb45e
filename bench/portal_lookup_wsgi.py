"""CPU per lookup through Django's WSGI handler, no server, side by side.

    .venv/bin/python bench/portal_lookup_wsgi.py [--against DIR] [--rounds 3]
                                                 [--lookups 2000]

bench/portal_lookup.py measures a real server with wrk; on this shared 2-core
machine its rates move by a factor of two between runs, and the server's CPU per
request drifts with the load too. This measures the part the code decides: each
round starts, for this checkout and for ``--against DIR`` (turn by turn, the
first one alternating), a fresh process on its own copy of the benchmark
database (made by bench/portal_lookup.py, cached); the process builds the WSGI
application, GETs the lookup page for a CSRF cookie and token, makes 50 lookups
(the holding, the kept page and the compiled queries are then in place), then
times ``--lookups`` POST / through the handler (CSRF checked, the throttle's
count, the access row written each time) and prints the CPU milliseconds per
lookup (``time.process_time``, the median of five slices) and the wall time's
p50 and p99 (SQLite's checkpoints make the tail).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import portal_lookup  # the cached database and its environment


def child(data: Path, lookups: int) -> dict:
    """In the measured process: the figures of ``lookups`` lookups."""
    from django.core.wsgi import get_wsgi_application

    app = get_wsgi_application()
    code = portal_lookup.effective_code(data)
    _, headers, page = _call(app, "GET", b"", "")
    cookie = next(
        v.strip().split(";", 1)[0]
        for k, v in headers
        if k == "Set-Cookie" and v.strip().startswith("csrftoken=")
    )
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    body = f"csrfmiddlewaretoken={token.group(1).decode()}&code={code}&purpose=bench"
    for _ in range(50):
        status, _, page = _call(app, "POST", body.encode(), cookie)
        if not status.startswith("200") or b"legal-status" not in page:
            raise SystemExit(f"the lookup did not show a transcript: {status}")
    slices, walls = [], []
    for _ in range(5):
        started = time.process_time()
        for _ in range(lookups // 5):
            began = time.perf_counter()
            _call(app, "POST", body.encode(), cookie)
            walls.append(time.perf_counter() - began)
        slices.append((time.process_time() - started) / (lookups // 5))
    walls.sort()
    return {
        "cpu_ms_per_lookup": round(1000 * statistics.median(slices), 3),
        "wall_p50_ms": round(1000 * walls[len(walls) // 2], 2),
        "wall_p99_ms": round(1000 * walls[int(len(walls) * 0.99)], 2),
    }


def _call(app, method: str, body: bytes, cookie: str):
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": "/",
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1:8000",
        "HTTP_REFERER": "http://127.0.0.1:8000/",
        "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
    }
    if cookie:
        environ["HTTP_COOKIE"] = cookie
    started: list = []
    page = b"".join(app(environ, lambda s, h, e=None: started.append((s, h))))
    return started[0][0], started[0][1], page


def measure(data: Path, tree: Path, lookups: int) -> dict:
    env = portal_lookup.environment(data, tree)
    command = [str(portal_lookup.PYTHON), __file__, "--child", str(data)]
    done = subprocess.run(
        [*command, "--lookups", str(lookups)],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return {**json.loads(done.stdout), "load_average": round(os.getloadavg()[0], 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--against", type=Path, metavar="DIR")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--lookups", type=int, default=2000)
    parser.add_argument("--scale", default="tiny", choices=["tiny", "small"])
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        import django

        django.setup()
        print(json.dumps(child(args.child, args.lookups)))
        return
    cached = portal_lookup.cache_dir(args.scale)
    portal_lookup.prepare(cached, args.scale)
    trees = [("this", portal_lookup.ROOT)]
    if args.against:
        portal_lookup.prepare(cached, args.scale, args.against.resolve())
        trees.append(("other", args.against.resolve()))
    with tempfile.TemporaryDirectory(prefix="hocbaso-bench-") as tmp:
        copies = {}
        for name, _ in trees:  # each its own rows: neither reads the other's
            copies[name] = Path(tmp) / name
            shutil.copytree(cached, copies[name])
        for turn in range(args.rounds):
            for name, tree in trees if turn % 2 == 0 else trees[::-1]:
                figures = measure(copies[name], tree, args.lookups)
                print(f"{name:6} {json.dumps(figures)}", flush=True)


if __name__ == "__main__":
    main()
