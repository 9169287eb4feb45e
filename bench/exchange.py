"""A department's locked main round delivered to the national repository and
acknowledged: records per second, beside a yardstick measured in the same run.

    .venv/bin/python bench/exchange.py [--scale tiny|small] [--classes 0]
                                       [--batch-size 500] [--seed 1]
    .venv/bin/python bench/exchange.py --registry-cache district [--seed 1]
                                       [--yardstick-sample 2000]

Steps:
1. two installations in a temporary directory, each its own SQLite database: a
   department (``hocbaso exchange prepare-demo``: the seeded district at ``--scale``
   under code 01, last year's classes signed, submitted and locked through the
   registry; ``--classes 0`` locks every class) and the national repository
   (``HOCBASO_ROLE=national``) served by gunicorn on 127.0.0.1 (one worker: SQLite
   has one writer), each trusting the other's keys and the department's CA;
2. in a child process set up as the department: ``queue_round`` of the main round
   (rows built from the packets, manifests signed) and ``deliver`` (HTTP to the
   national repository, which verifies every packet and the manifest, stores, and
   answers a signed receipt, checked by the sender), each timed;
3. the yardstick, in a child process set up as the national repository: the same
   packets verified one after the other with ``verify_packet`` and its trust store,
   the floor of what the receiver must do per record, on one core.
Prints one JSON object.

With ``--registry-cache SCALE`` the department is instead the signed district
cached by bench/registry.py (``~/.cache/hocbaso/bench-registry-SCALE-seedN-YEAR``,
made by ``bench/registry.py --scale SCALE --prepare`` when missing): a copy of its
database, every cached packet submitted as class packages and the rounds locked
with bench/registry.py's own functions (imported, not changed), then the same
steps 1-3 (its CA certificates are the national repository's trust for it).
``--yardstick-sample N`` verifies only the first N packets for the yardstick.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _env(root: Path, role: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        HOCBASO_DATA_DIR=str(root),
        HOCBASO_ROLE=role,
        DJANGO_SETTINGS_MODULE="hocbaso.settings",
        HOCBASO_LOG_LEVEL="WARNING",
    )
    return env


_EXTRA: dict[Path, dict] = {}  # per data directory: more environment


def _manage(root: Path, role: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env={**_env(root, role), **_EXTRA.get(root, {})},
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout


def _child(root: Path, role: str, *args: str) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, *args],
        env={**_env(root, role), **_EXTRA.get(root, {})},
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise SystemExit(f"{args[0]} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(root: Path, port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "hocbaso.wsgi",
            "-w",
            "1",
            "--timeout",
            "900",
            "-b",
            f"127.0.0.1:{port}",
        ],
        env=_env(root, "national"),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=open(root / "server.log", "w"),
    )
    import requests

    for _ in range(600):
        try:
            requests.get(f"http://127.0.0.1:{port}/api/v1/exchange/keys", timeout=2)
            return server
        except requests.RequestException:
            time.sleep(0.2)
    raise SystemExit("the national repository did not start")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="tiny", choices=["tiny", "small"])
    parser.add_argument("--classes", type=int, default=0)
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--registry-cache", metavar="SCALE", default="")
    parser.add_argument("--yardstick-sample", type=int, default=0)
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="hocbaso-bench-exchange-"))
    department, national = work / "department", work / "national"
    loaded: dict = {}
    try:
        started = time.perf_counter()
        for root in (department, national):
            root.mkdir()
        if options.registry_cache:
            cache = _registry_cache(options.registry_cache, options.seed)
            _EXTRA[department] = {
                "HOCBASO_TRUST_STORE": str(cache / "pki" / "trust"),
                "HOCBASO_LEDGER_KEY": str(department / "ledger.key"),
            }
            loaded = _child(department, "department", "_load", str(cache))
            _manage(national, "national", "migrate", "-v0")
            dept_keys = json.loads(
                _manage(department, "department", "exchange", "key")
                .strip()
                .splitlines()[-1]
            )
            trust_dir = cache / "pki" / "trust"
        else:
            _manage(department, "department", "migrate", "-v0")
            shutil.copyfile(
                department / "hocbaso.sqlite3", national / "hocbaso.sqlite3"
            )
            dept_keys = json.loads(
                _manage(
                    department,
                    "department",
                    "exchange",
                    "prepare-demo",
                    "--code",
                    "01",
                    "--province",
                    "Thành phố Hà Nội",
                    "--seed",
                    str(options.seed),
                    "--classes",
                    str(options.classes),
                    "--scale",
                    options.scale,
                )
                .strip()
                .splitlines()[-1]
            )
            trust_dir = department / "pki" / "trust"
        nat_keys = json.loads(
            _manage(national, "national", "exchange", "init", "--code", "national")
            .strip()
            .splitlines()[-1]
        )
        port = _free_port()
        cas = [str(p) for p in sorted(trust_dir.glob("*"))]
        _manage(
            national,
            "national",
            "exchange",
            "trust",
            "--code",
            dept_keys["code"],
            "--kind",
            "department",
            "--key",
            dept_keys["exchange_key"],
            "--ledger-key",
            dept_keys["ledger_key"],
            "--ca",
            *cas,
        )
        _manage(
            department,
            "department",
            "exchange",
            "trust",
            "--code",
            "national",
            "--kind",
            "national",
            "--key",
            nat_keys["exchange_key"],
            "--url",
            f"http://127.0.0.1:{port}",
        )
        prepared = round(time.perf_counter() - started, 1)
        server = _serve(national, port)
        try:
            sent = _child(department, "department", "_send", str(options.batch_size))
        finally:
            server.terminate()
            server.wait()
        yardstick = _child(
            national,
            "national",
            "_yardstick",
            str(department),
            str(options.yardstick_sample),
        )
        print(
            json.dumps(
                {
                    "scale": options.registry_cache or options.scale,
                    "prepare_seconds": prepared,
                    **({"registry_load": loaded} if loaded else {}),
                    **sent,
                    **yardstick,
                    "cpus": os.cpu_count(),
                    "load_average": os.getloadavg()[0],
                },
                indent=2,
            )
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _setup() -> None:
    import django

    django.setup()


def _registry_bench():
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "bench_registry", ROOT / "bench" / "registry.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _registry_cache(scale: str, seed: int) -> Path:
    cache = _registry_bench().cache_dir(scale, seed)
    if not (cache / "meta.json").exists():
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "bench" / "registry.py"),
                "--scale",
                scale,
                "--seed",
                str(seed),
                "--prepare",
            ],
            cwd=ROOT,
            check=True,
        )
    return cache


def child_load(cache_text: str) -> None:
    """The cached signed district submitted and locked in this department."""
    cache = Path(cache_text)
    registry = _registry_bench()
    meta = json.loads((cache / "meta.json").read_text())
    work = Path(os.environ["HOCBASO_DATA_DIR"])
    source = cache / "data" / "hocbaso.sqlite3"
    import sqlite3

    with sqlite3.connect(source) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copy(source, work / "hocbaso.sqlite3")
    _setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    options = argparse.Namespace(
        sample=0,
        packages=None,
        workers=os.cpu_count() or 2,
        profile=None,
        verify_ledger=False,
    )
    done = registry._submit_and_lock(cache, meta, options)
    end = done["end_to_end"]
    print(
        json.dumps(
            {
                "records": meta["records"],
                "accepted": done["accepted_total"],
                "submit_and_lock_seconds": end.get("total_seconds"),
                "locked_main": end.get("lock_main", {}).get("locked"),
            }
        )
    )


def child_send(batch_size: int) -> None:
    _setup()
    from django.utils import timezone

    from hocbaso.exchange import delivery, outbox
    from hocbaso.exchange.models import NationalRecord  # noqa: F401
    from hocbaso.records.models import SchoolYear

    year = SchoolYear.objects.order_by("name").first().name
    t0 = time.perf_counter()
    batches = outbox.queue_round(year, "main", at=timezone.now(), batch_size=batch_size)
    t1 = time.perf_counter()
    handled = delivery.deliver(policy=delivery.Policy(attempts=3, backoff=1.0))
    t2 = time.perf_counter()
    records = sum(b.record_count for b in batches)
    acknowledged = sum(b.stored_count for b in handled if b.state == "sent")
    print(
        json.dumps(
            {
                "school_year": year,
                "records": records,
                "batches": len(batches),
                "acknowledged_stored": acknowledged,
                "queue_seconds": round(t1 - t0, 2),
                "deliver_seconds": round(t2 - t1, 2),
                "queue_records_per_second": round(records / (t1 - t0), 1),
                "delivered_records_per_second": round(records / (t2 - t1), 1),
                "end_to_end_records_per_second": round(records / (t2 - t0), 1),
            }
        )
    )


def child_yardstick(department_dir: str, sample: int = 0) -> None:
    _setup()
    import sqlite3

    from hocbaso.registry.verification import trust_store
    from hocbaso.signing import verify_packet

    connection = sqlite3.connect(Path(department_dir) / "hocbaso.sqlite3")
    rows = connection.execute(
        "select b.data, s.locked_at from registry_submission s join registry_blob b "
        "on b.sha256 = s.blob_id where s.state = 'accepted' and s.round = 'main' "
        "and s.locked_at is not null order by s.id"
        + (f" limit {int(sample)}" if sample else "")
    ).fetchall()

    store = trust_store()
    t0 = time.perf_counter()
    valid = sum(
        verify_packet(bytes(data), store, at=_aware(at)).status.value == "valid"
        for data, at in rows
    )
    seconds = time.perf_counter() - t0
    print(
        json.dumps(
            {
                "yardstick": "verify_packet of the same packets, one process",
                "yardstick_valid": valid,
                "yardstick_records_per_second": round(len(rows) / seconds, 1),
            }
        )
    )


def _aware(text: str):
    import datetime as dt

    moment = dt.datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_send":
        child_send(int(sys.argv[2]))
    elif len(sys.argv) > 1 and sys.argv[1] == "_yardstick":
        child_yardstick(sys.argv[2], int(sys.argv[3]))
    elif len(sys.argv) > 1 and sys.argv[1] == "_load":
        child_load(sys.argv[2])
    else:
        main()
