"""Two checkouts' packet verification measured side by side, round by round.

``bench/packets.py --against`` runs each checkout in a process of its own, one
after the other: on a shared machine the load changes between two such runs by
more than the difference being measured. Here both checkouts are loaded once,
each in a worker process of its own (this file run with --serve and --code), and
the parent asks them in turn, ABBA, for one pass over the same packets at a time
(a fraction of a second each): both are measured in the same seconds, many times.

    .venv/bin/python bench/packets_side.py --cached DIR --against CHECKOUT \\
        [--classes 8] [--rounds 10]

Reported per level and checkout: CPU ms per packet (process_time of one pass,
the packets in chunks of 16 with a new records binding per chunk, as
bench/packets.py --cached), lowest and median of the rounds, the ratio to the
raw verification CPU of the signatures they carry (measured by each worker
before and after), and the load average before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import packets as bench  # noqa: E402


def serve(args) -> None:
    """Worker: verify the cached packets with the code of --code, one pass per
    level name read on stdin, answering its CPU seconds per packet."""
    sys.path.remove(str(bench.ROOT))  # the other checkout's hocbaso, not ours
    sys.path.insert(0, str(args.code.resolve()))
    with tempfile.TemporaryDirectory(prefix="hocbaso-bench-") as tmp:
        data = Path(tmp)
        shutil.copyfile(
            args.cached / "data" / "hocbaso.sqlite3", data / "hocbaso.sqlite3"
        )
        bench.setup_django(data)
        passes = _passes(args.cached, args.classes)
        raw = bench.raw_verify_cpu()
        import hocbaso

        _answer({"code": hocbaso.__file__, "raw": raw})
        for line in sys.stdin:
            level = line.strip()
            if level == "raw":
                _answer({"raw": bench.raw_verify_cpu()})
                continue
            run, count = passes[level]
            start = time.process_time()
            run()
            _answer({"seconds_per_packet": (time.process_time() - start) / count})


def _passes(directory: Path, classes: int) -> dict:
    """level → (one verification pass over its packets, how many there are)."""
    from hocbaso.signing import Status, TrustStore

    meta = json.loads((directory / "meta.json").read_text())
    at = datetime.fromisoformat(meta["open_at"])
    store = TrustStore.from_directory(directory / "pki" / "trust")
    db = sqlite3.connect(f"file:{directory / 'packets.sqlite3'}?mode=ro", uri=True)
    out = {}
    for level, grade in bench.LEVELS:
        _ids, packets = bench.level_packets(db, grade, classes)
        run = bench.chunked_verification(packets, store, at)
        if any(r.status is not Status.VALID for r in run()):  # and warm
            raise SystemExit(f"a {level} packet does not verify")
        out[level] = (run, len(packets))
    return out


def _answer(value: dict) -> None:
    print(json.dumps(value), flush=True)


def compare(args) -> dict:
    """Parent: both workers, ABBA round by round."""
    workers = {
        "this": _start(args, bench.ROOT),
        "against": _start(args, args.against),
    }
    raws = []
    for which, worker in workers.items():
        ready = json.loads(worker.stdout.readline())
        code = bench.ROOT if which == "this" else args.against
        if not Path(ready["code"]).is_relative_to(code.resolve()):
            raise SystemExit(f"{which} runs {ready['code']}, not {code}")
        raws.append(ready["raw"])
    load_before = os.getloadavg()[0]
    seconds: dict[str, dict[str, list[float]]] = {
        level: {"this": [], "against": []} for level, _grade in bench.LEVELS
    }
    for round_ in range(args.rounds):
        order = ("this", "against") if round_ % 2 == 0 else ("against", "this")
        for level, _grade in bench.LEVELS:
            for which in order:
                workers[which].stdin.write(level + "\n")
                workers[which].stdin.flush()
                answer = json.loads(workers[which].stdout.readline())
                seconds[level][which].append(answer["seconds_per_packet"])
    load_after = os.getloadavg()[0]
    for worker in workers.values():
        worker.stdin.write("raw\n")
        worker.stdin.flush()
        raws.append(json.loads(worker.stdout.readline())["raw"])
        worker.stdin.close()
        worker.wait()
    raw = {k: min(r[k] for r in raws) for k in raws[0]}
    return _report(args, seconds, raw, (load_before, load_after))


def _start(args, code: Path) -> subprocess.Popen:
    command = [
        sys.executable,
        str(HERE / "packets_side.py"),
        "--serve",
        "--code",
        str(code.resolve()),
        "--cached",
        str(args.cached),
        "--classes",
        str(args.classes),
    ]
    return subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )


def _report(args, seconds, raw, loads) -> dict:
    db = sqlite3.connect(f"file:{args.cached / 'packets.sqlite3'}?mode=ro", uri=True)
    out: dict = {
        "against": str(args.against),
        "rounds": args.rounds,
        "load_average_before_after": [round(v, 2) for v in loads],
        "raw_verify_cpu_ms": {k: round(v * 1000, 4) for k, v in raw.items()},
    }
    for level, grade in bench.LEVELS:
        _ids, packets = bench.level_packets(db, grade, args.classes)
        n_rsa = sum(p.count(bench.RSA_METHOD) for p in packets) / len(packets)
        n_ec = sum(p.count(bench.ECDSA_METHOD) for p in packets) / len(packets)
        raw_cost = n_rsa * raw["rsa2048"] + n_ec * raw["p256"]
        out[level] = {"packets": len(packets), "raw_ms": round(raw_cost * 1000, 3)}
        for which, found in seconds[level].items():
            low, median = min(found), statistics.median(found)
            out[level][which] = {
                "lowest_ms": round(low * 1000, 3),
                "median_ms": round(median * 1000, 3),
                "lowest_ratio": round(low / raw_cost, 2),
                "median_ratio": round(median / raw_cost, 2),
            }
        this, against = seconds[level]["this"], seconds[level]["against"]
        out[level]["median_this_over_against"] = round(
            statistics.median(t / a for t, a in zip(this, against, strict=True)), 3
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cached", type=Path, required=True)
    parser.add_argument("--against", type=Path)
    parser.add_argument("--classes", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--code", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args)
        return
    if args.against is None:
        parser.error("--against CHECKOUT is needed")
    print(json.dumps(compare(args), indent=2))


if __name__ == "__main__":
    main()
