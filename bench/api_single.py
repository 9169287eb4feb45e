"""CPU per single-packet POST to the API, in one process (the web side's cost).

    .venv/bin/python bench/api_single.py [--scale small] [--posts 200] [--db sqlite]
                                         [--against DIR] [--rounds 3] [--profile FILE]

Each run is a child process with a fresh copy of the cached signed district of
bench/registry.py (``--scale``, made by it on first use): it issues one token per
school, warms up on 10 packets, then POSTs ``--posts`` packets one at a time with
Django's test client (``Authorization: Bearer``, ``application/xml``), as a school's
system does, with no worker running (the receipts wait in the queue), and counts
this process's CPU time (user + system) per POST. ``--against DIR`` runs the same
bench on another checkout of the project (say a ``git worktree`` of an older
commit) turn by turn with this one, ``--rounds`` times each, so both are measured
side by side on the same noisy machine; the ratio is what to read. ``--profile``
writes the measured POSTs' cProfile (pstats) of this checkout's last round.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WARM_UP = 10


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


def _child(tree: Path, args, profile: str | None) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), "--inner"]
    command += ["--tree", str(tree), "--scale", args.scale, "--db", args.db]
    command += ["--posts", str(args.posts)]
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
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="small")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--posts", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--against", metavar="DIR", help="another checkout to compare")
    parser.add_argument("--profile", metavar="FILE")
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--tree", default=str(ROOT), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        print(json.dumps(_inner(args)))
        return
    trees = {"this": ROOT} | ({"against": Path(args.against)} if args.against else {})
    runs: dict[str, list[float]] = {name: [] for name in trees}
    for turn in range(args.rounds):
        for name, tree in trees.items():
            last = turn == args.rounds - 1 and name == "this"
            found = _child(tree, args, args.profile if last else None)
            runs[name].append(found["cpu_ms_per_post"])
            print(json.dumps({"tree": name, **found}), flush=True)
    summary = {name: statistics.median(values) for name, values in runs.items()}
    if args.against:
        summary["ratio_this_to_against"] = round(
            summary["this"] / summary["against"], 2
        )
    print(json.dumps({"median_cpu_ms_per_post": summary}))


if __name__ == "__main__":
    main()
