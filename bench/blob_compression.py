"""How PostgreSQL's compression of large values costs the registry's stored bytes.

    bash scripts/with-postgres .venv/bin/python bench/blob_compression.py [--packets N]

Stores signed packets of the district the registry benchmark caches
(``bench/registry.py --scale district``; ``$HOCBASO_BENCH_CACHE`` or
``~/.cache/hocbaso/``), then class packages of them (base64, as schools send them),
into a table like ``registry_blob`` three times: compressed with pglz (PostgreSQL's
default), with LZ4 (what migration registry 0004 sets), and not compressed (storage
EXTERNAL). Reports the server process's CPU seconds (from /proc), the wall time and
the table's size for each, in one run. Prints JSON.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import sqlite3
import time
from pathlib import Path


def _cache() -> Path:
    base = Path(os.environ.get("HOCBASO_BENCH_CACHE") or Path.home() / ".cache/hocbaso")
    found = sorted(base.glob("bench-registry-district-seed1-*"))
    if not found:
        raise SystemExit("no cached district: run bench/registry.py --scale district")
    return found[-1]


def main() -> dict:
    import psycopg

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packets", type=int, default=3000)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        raise SystemExit("run it under scripts/with-postgres (DATABASE_URL)")
    db = sqlite3.connect(f"file:{_cache() / 'packets.sqlite3'}?mode=ro", uri=True)
    rows = db.execute(
        "SELECT class_id, data FROM packet ORDER BY class_id, record_id LIMIT ?",
        (args.packets,),
    ).fetchall()
    packets = [data for _class, data in rows]
    classes: dict[int, list[bytes]] = {}
    for class_id, data in rows:
        classes.setdefault(class_id, []).append(data)
    packages = [base64.b64encode(b"".join(items)) for items in classes.values()]
    report: dict = {
        "packets": len(packets),
        "packet_mb": round(sum(map(len, packets)) / 1e6, 1),
        "packages": len(packages),
        "package_mb": round(sum(map(len, packages)) / 1e6, 1),
    }
    with psycopg.connect(url, autocommit=True) as conn:
        pid = conn.execute("SELECT pg_backend_pid()").fetchone()[0]

        def server_cpu() -> float:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

        for mode in ("pglz", "lz4", "external"):
            conn.execute("DROP TABLE IF EXISTS bench_blob")
            conn.execute("CREATE TABLE bench_blob (id serial PRIMARY KEY, data bytea)")
            if mode == "external":
                conn.execute(
                    "ALTER TABLE bench_blob ALTER COLUMN data SET STORAGE EXTERNAL"
                )
            else:
                conn.execute(
                    f"ALTER TABLE bench_blob ALTER COLUMN data SET COMPRESSION {mode}"
                )
            cpu, wall = server_cpu(), time.perf_counter()
            with conn.cursor() as cur:
                cur.executemany(
                    "INSERT INTO bench_blob (data) VALUES (%s)",
                    [(p,) for p in packets + packages],
                )
            size = conn.execute(
                "SELECT pg_total_relation_size('bench_blob')"
            ).fetchone()[0]
            report[mode] = {
                "server_cpu_seconds": round(server_cpu() - cpu, 2),
                "wall_seconds": round(time.perf_counter() - wall, 2),
                "table_mb": round(size / 1e6, 1),
            }
        conn.execute("DROP TABLE bench_blob")
    print(json.dumps(report, indent=2))
    return report


if __name__ == "__main__":
    main()
