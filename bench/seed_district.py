"""The full pilot district seeded on SQLite: time, peak memory, database size.

Runs ``hocbaso seed --scale district`` in a child process on a fresh SQLite
database in a temporary directory, and reads the child's peak resident memory
from the kernel (getrusage of the children).

    .venv/bin/python bench/seed_district.py [--scale district] [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="district")
    parser.add_argument("--seed", default="1")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "HOCBASO_DATA_DIR": tmp}
        env.pop("DATABASE_URL", None)
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "-v", "0"], env=env, check=True)
        start = time.perf_counter()
        subprocess.run(
            [*manage, "seed", "--scale", args.scale, "--seed", args.seed],
            env=env,
            check=True,
        )
        elapsed = time.perf_counter() - start
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        db = Path(tmp) / "hocbaso.sqlite3"
        with sqlite3.connect(db) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            tables = ("student", "yearlyrecord", "subjectassessment")
            counts = {
                t: conn.execute(f"SELECT count(*) FROM records_{t}").fetchone()[0]
                for t in tables
            }
        result = {
            "scale": args.scale,
            "seed_seconds": round(elapsed, 1),
            "peak_memory_mib": round(peak_kib / 1024),
            "database_mib": round(db.stat().st_size / 2**20, 1),
            "rows": counts,
        }
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
