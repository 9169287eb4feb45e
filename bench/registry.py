"""The registry's throughput: submissions accepted per second, and a whole district
submitted and locked end to end, on SQLite and on PostgreSQL.

    .venv/bin/python bench/registry.py [--scale district] [--seed 1] [--db both]
                                       [--workers 2] [--sample 200] [--verify-ledger]
                                       [--single inline|queued|both]
                                       [--web-workers 2] [--clients 8]

Steps:
1. a signed district, made once and cached outside the repository (private demo keys
   live there): ``$HOCBASO_BENCH_CACHE`` or ``~/.cache/hocbaso/``. The demo district
   is seeded on SQLite with its demo PKI, and every record of last school year is
   signed in worker processes as the school would (subject teachers, homeroom
   teacher, principal, issuance, seal); the packets go to ``packets.sqlite3``;
2. per database, in a child process: a fresh copy of the district (SQLite: the cached
   file; PostgreSQL: a throwaway cluster from scripts/with-postgres, the same seed,
   the cached certificates registered);
3. rate: ``--sample`` records submitted one packet at a time, verified in process:
   full verification (schema, every signature, chains, CRLs, the records role
   binding), storage and the ledger append, each its own transaction; with
   ``--single queued`` each POSTed alone to the API served by gunicorn
   (``--web-workers``) from ``--clients`` concurrent connections while ``--workers``
   task workers answer them (group commit): a throughput, with the CPU a record of
   gunicorn, the workers and the cluster, and its ratio to the class packages of
   step 4 (bench/api_single.py); ``both``: half each way, side by side;
4. end to end: every other record submitted as class packages, each answered with
   its receipt at once and its answer a task; then ``--workers`` task workers
   (``hocbaso worker --batch``) verify and store until the queue is empty; then
   the main round locked at its deadline and the supplementary round at its own;
   ``--verify-ledger`` times ``hocbaso ledger verify`` as well.
Prints one JSON object per database.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from _raw import raw_operations  # noqa: E402

PASSWORD = "bench password, not secret"


# --- 1. the signed district, cached -----------------------------------------


def cache_dir(scale: str, seed: int) -> Path:
    base = os.environ.get("HOCBASO_BENCH_CACHE") or Path.home() / ".cache" / "hocbaso"
    first = (
        dt.date.today().year if dt.date.today().month >= 8 else dt.date.today().year - 1
    )
    return Path(base) / f"bench-registry-{scale}-seed{seed}-{first}"


def setup_django(data_dir: Path, trust: Path | None = None) -> None:
    os.environ["HOCBASO_DATA_DIR"] = str(data_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "hocbaso.settings"
    if trust is not None:
        os.environ["HOCBASO_TRUST_STORE"] = str(trust)
    import django

    django.setup()


def prepare(cache: Path, scale: str, seed: int, workers: int) -> dict:
    """Seed, issue the PKI, sign every record of last year: the slow, cached part."""
    os.environ.pop("DATABASE_URL", None)
    setup_django(cache / "data")
    from django.core.management import call_command

    from hocbaso.demo.seed import seed_district
    from hocbaso.records.demo_pki import create_records_pki

    started = time.perf_counter()
    seeded_mark = cache / "seeded.json"
    call_command("migrate", verbosity=0, interactive=False)
    if seeded_mark.exists():  # an interrupted preparation: seeded, partly signed
        seeding = json.loads(seeded_mark.read_text())
        year = _last_year()
    else:
        today = dt.date.today()
        seed_district(scale=scale, seed=seed, today=today, password=PASSWORD)
        year = _last_year()
        open_at = year.deadline("main_lock_date") - dt.timedelta(days=10)
        signed_at = (open_at - dt.timedelta(days=5)).replace(microsecond=0)
        create_records_pki(
            cache / "pki",
            cache / "pki" / "trust",
            now=signed_at - dt.timedelta(days=10),
        )
        seeding = {
            "today": today.isoformat(),
            "open_at": open_at.isoformat(),
            "signed_at": signed_at.isoformat(),
            "seed_seconds": round(time.perf_counter() - started, 1),
        }
        seeded_mark.write_text(json.dumps(seeding, indent=2))
    seeded = time.perf_counter()
    signed_at = dt.datetime.fromisoformat(seeding["signed_at"])
    count = _sign_everything(cache, year, signed_at, workers)
    meta = {
        "scale": scale,
        "seed": seed,
        "today": seeding["today"],
        "school_year": year.name,
        "open_at": seeding["open_at"],
        "records": count,
        "seed_seconds": seeding["seed_seconds"],
        "sign_seconds": round(time.perf_counter() - seeded, 1),
    }
    (cache / "meta.json").write_text(json.dumps(meta, indent=2))
    return meta


def _last_year():
    from hocbaso.records.models import SchoolYear

    return SchoolYear.objects.order_by("-name")[1]


def _sign_everything(cache: Path, year, signed_at: dt.datetime, workers: int) -> int:
    from hocbaso.records.models import RecordStatus, SchoolClass

    classes = list(
        SchoolClass.objects.filter(
            school_year=year, yearly_records__status=RecordStatus.FINALISED
        )
        .distinct()
        .order_by("school__code", "grade", "name")
        .values_list("pk", flat=True)
    )
    db = sqlite3.connect(cache / "packets.sqlite3")
    db.execute(
        "CREATE TABLE IF NOT EXISTS packet (record_id INTEGER PRIMARY KEY, "
        "school_code TEXT, class_id INTEGER, grade INTEGER, round TEXT, data BLOB)"
    )
    # batches are committed whole: classes already there were signed before an
    # interruption and are not signed again
    done = {row[0] for row in db.execute("SELECT DISTINCT class_id FROM packet")}
    classes = [pk for pk in classes if pk not in done]
    pool = ProcessPoolExecutor(
        workers,
        mp_context=get_context("spawn"),
        initializer=setup_django,
        initargs=(cache / "data",),
    )
    count = db.execute("SELECT COUNT(*) FROM packet").fetchone()[0]
    with pool:
        jobs = [
            pool.submit(
                _sign_classes, classes[i : i + 4], str(cache / "pki"), signed_at
            )
            for i in range(0, len(classes), 4)
        ]
        for n, job in enumerate(jobs, 1):
            rows = job.result()
            db.executemany("INSERT INTO packet VALUES (?, ?, ?, ?, ?, ?)", rows)
            db.commit()
            count += len(rows)
            print(f"signed {count} records ({n}/{len(jobs)} batches)", file=sys.stderr)
    db.close()
    return count


def _sign_classes(class_ids: list[int], key_root: str, at: dt.datetime) -> list[tuple]:
    """In a worker: sign every finalised record of these classes, in role order."""
    from hocbaso.records.models import RecordStatus, SchoolClass, YearlyRecord
    from hocbaso.records.snapshot import records_with_rows, signers_of, snapshot_of

    signer = _Signers(key_root)
    rows = []
    for school_class in SchoolClass.objects.filter(pk__in=class_ids).select_related(
        "school", "school_year"
    ):
        signers = signers_of(school_class)
        records = records_with_rows(
            YearlyRecord.objects.filter(
                school_class=school_class, status=RecordStatus.FINALISED
            )
        )
        for record in records:
            data = _sign_record(snapshot_of(record, signers), record, signer, at)
            rows.append(
                (
                    record.pk,
                    school_class.school.code,
                    school_class.pk,
                    record.grade,
                    record.round,
                    data,
                )
            )
    return rows


class _Signers:
    """The demo key of each person and school, loaded once per worker."""

    def __init__(self, key_root: str) -> None:
        from hocbaso.records.keys import KeyDirectory

        self.keys = KeyDirectory(key_root)
        self.loaded: dict[str, object] = {}

    def person(self, personal_id: str):
        from hocbaso.records.models import Person

        if personal_id not in self.loaded:
            pair = self.keys.person(Person(personal_id=personal_id))
            self.loaded[personal_id] = pair.signer()
        return self.loaded[personal_id]

    def school(self, school):
        key = f"school:{school.code}"
        if key not in self.loaded:
            self.loaded[key] = self.keys.signer_for_school(school)
        return self.loaded[key]


def _sign_record(snapshot, record, signer: _Signers, at: dt.datetime) -> bytes:
    from hocbaso.packet import Issuance, build_packet, issue_packet
    from hocbaso.signing import Role, sign_packet

    data = build_packet(snapshot)
    for teacher in snapshot.subject_teachers():
        data = sign_packet(
            data,
            signer.person(teacher.personal_id),
            Role.SUBJECT_TEACHER,
            identifier=teacher.personal_id,
            signing_time=at,
        )
    homeroom = snapshot.homeroom_teacher.personal_id
    data = sign_packet(
        data, signer.person(homeroom), Role.HOMEROOM_TEACHER, signing_time=at
    )
    leader = snapshot.leader.personal_id
    data = sign_packet(data, signer.person(leader), Role.LEADER, signing_time=at)
    number = f"{record.pk}/{record.school_year.name}/HB-{record.school.code}"
    data = issue_packet(data, Issuance(number, at.date(), "Hà Nội"))
    return sign_packet(data, signer.school(record.school), Role.SEAL, signing_time=at)


# --- 2. a fresh database ---------------------------------------------------------


def fresh_database(cache: Path, meta: dict, work: Path, db: str) -> float:
    """The district in a new database; returns the seconds it took."""
    started = time.perf_counter()
    _migrate_cache(cache)
    if db == "sqlite":
        os.environ.pop("DATABASE_URL", None)
        (work / "data").mkdir()
        source = cache / "data" / "hocbaso.sqlite3"
        with sqlite3.connect(source) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        shutil.copy(source, work / "data" / "hocbaso.sqlite3")
    os.environ["HOCBASO_LEDGER_KEY"] = str(work / "ledger.key")
    setup_django(work / "data", cache / "pki" / "trust")
    if db == "postgres":
        _seed_postgres(cache)
    return time.perf_counter() - started


def _migrate_cache(cache: Path) -> None:
    """The cached database brought up to the code's migrations (a cache made
    before a migration lacks its columns, which COPY would then leave empty)."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["HOCBASO_DATA_DIR"] = str(cache / "data")
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "migrate", "-v", "0"],
        check=True,
        cwd=ROOT,
        env=env,
    )


def _seed_postgres(cache: Path) -> None:
    """The cached district copied table by table into the throwaway cluster.

    Seeding the district again on PostgreSQL gives the same rows but takes about
    half an hour; COPY of the cached SQLite database's rows takes a minute. Every
    table is emptied first (migrate's own rows included, so that ids match the
    cache's), loaded with triggers and foreign-key checks off (the cluster's user
    owns it), then each id sequence is moved past the highest id loaded, and the
    tables analysed (a database in service has its planner statistics).
    """
    from django.core.management import call_command
    from django.db import connection, transaction

    call_command("migrate", verbosity=0, interactive=False)
    source = sqlite3.connect(
        f"file:{cache / 'data' / 'hocbaso.sqlite3'}?mode=ro", uri=True
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' "
            "AND table_name <> 'django_migrations' ORDER BY table_name"
        )
        tables = [row[0] for row in cursor.fetchall()]
    with transaction.atomic():
        with connection.connection.cursor() as cur:  # psycopg 3, in the transaction
            cur.execute("SET LOCAL session_replication_role = replica")
            cur.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " CASCADE")
            for table in tables:
                # the cache's columns the code's schema has: a cache migrated by
                # newer code may hold more (the ones it lacks, migrate added)
                known = _columns(cur, table)
                columns = [
                    r[1]
                    for r in source.execute(f'PRAGMA table_info("{table}")')
                    if r[1] in known
                ]
                if not columns:
                    continue
                names = ", ".join(f'"{c}"' for c in columns)
                rows = source.execute(f'SELECT {names} FROM "{table}"')
                with cur.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(row)
                if "id" in columns and _has_sequence(cur, table):  # not a uuid key
                    cur.execute(
                        f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                        f'COALESCE(MAX("id"), 1), MAX("id") IS NOT NULL) FROM "{table}"'
                    )
    source.close()
    with connection.cursor() as cursor:  # statistics, as a database in service has
        cursor.execute("ANALYZE")


# --- 3 and 4. submitting and locking ------------------------------------------------


def _columns(cur, table: str) -> set[str]:
    cur.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s",
        [table],
    )
    return {row[0] for row in cur.fetchall()}


def _has_sequence(cur, table: str) -> bool:
    cur.execute(f"SELECT pg_get_serial_sequence('\"{table}\"', 'id')")
    return cur.fetchone()[0] is not None


def packets_by_class(cache: Path) -> dict[int, list[tuple[str, int, bytes]]]:
    """class id → (school code, grade, packet) of each of its signed records."""
    db = sqlite3.connect(cache / "packets.sqlite3")
    classes: dict[int, list[tuple[str, int, bytes]]] = defaultdict(list)
    rows = db.execute(
        "SELECT class_id, school_code, grade, data FROM packet ORDER BY record_id"
    )
    for class_id, school_code, grade, data in rows:
        classes[class_id].append((school_code, grade, data))
    db.close()
    return classes


def run(db: str, cache: Path, args) -> dict:
    meta = json.loads((cache / "meta.json").read_text())
    with tempfile.TemporaryDirectory(prefix="hocbaso-bench-") as tmp:
        work = Path(tmp)
        load_seconds = fresh_database(cache, meta, work, db)
        result = {"database": db, "records": meta["records"]}
        result["load_seconds"] = round(load_seconds, 1)
        result.update(_submit_and_lock(cache, meta, args))
    return result


def _submit_and_lock(cache, meta, args) -> dict:
    from hocbaso.registry import actions
    from hocbaso.registry.clock import fixed_clock
    from hocbaso.registry.models import Submission

    classes = packets_by_class(cache)
    open_at = dt.datetime.fromisoformat(meta["open_at"])
    clock = fixed_clock(open_at)
    singles, packages = _split(classes, args.sample)
    if args.packages:
        packages = packages[: args.packages]
    out = {}
    inline, queued = _modes(singles, args.single)
    if inline:
        out["one_at_a_time"] = _singles_inline(inline, clock)
    if queued:
        out["one_at_a_time_queued"] = _singles_queued(queued, open_at, args)
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    cluster = _cluster_cpu() if queued else None
    out["end_to_end"] = _end_to_end(packages, clock, args.workers, meta)
    if queued:  # measured in the same run: what a record alone costs against one
        alone = out["one_at_a_time_queued"]
        in_packages = out["end_to_end"]["submitted_per_second"]
        alone["ratio_to_packages"] = round(
            alone["accepted_per_second"] / in_packages, 2
        )
        alone.update(_cost_against_packages(alone, out["end_to_end"], cluster))
    if args.profile:
        profiler.disable()
        profiler.dump_stats(args.profile)
    out["accepted_total"] = Submission.objects.count()
    if args.verify_ledger:
        start = time.perf_counter()
        report = actions.verify_ledger()
        out["ledger_verify"] = {
            "ok": report.ok,
            "entries": report.size,
            "seconds": round(time.perf_counter() - start, 1),
        }
    return out


def _modes(singles: list, mode: str) -> tuple[list, list]:
    """The singles sent in process and through the API's queue (``--single``):
    with both, every other one each, so each half mixes the two levels."""
    if mode == "both":
        return singles[0::2], singles[1::2]
    return (singles, []) if mode == "inline" else ([], singles)


def _singles_inline(singles, clock) -> dict:
    """Each packet verified and stored by the calling process, its own transaction."""
    from hocbaso.registry import actions

    start = time.perf_counter()
    for school_code, _grade, data in singles:
        view = actions.submit(
            data, school=school_code, actor=_token(school_code), clock=clock
        )
        assert view.records[0].accepted, view.records[0].problems
    seconds = time.perf_counter() - start
    return {
        "records": len(singles),
        "seconds": round(seconds, 1),
        "accepted_per_second": round(len(singles) / seconds, 1),
    }


def _singles_queued(singles, open_at: dt.datetime, args) -> dict:
    """Each packet POSTed alone to the API served by gunicorn (202 and its receipt
    at once), by ``--clients`` concurrent connections, while ``--workers`` task
    workers answer the queue (group commit, hocbaso.season): a throughput, not
    one client's latency (bench/api_single.py)."""
    from api_single import queued_throughput

    found = queued_throughput(
        ROOT,
        singles,
        open_at,
        workers=args.workers,
        web=args.web_workers,
        clients=args.clients,
    )
    return {**found, "checkpoints": _checkpoints()}


def _cluster_cpu() -> float | None:
    from api_single import cluster_cpu

    return cluster_cpu()


def _cost_against_packages(alone: dict, packages: dict, cluster: float | None):
    """Server CPU a record alone ÷ a record in a class package, measured in the
    same run: the packages' workers without their start (the records alone find
    theirs running; both start alike), their main process (the API's share) and
    every process of the database cluster, as for the records alone."""
    records, cpu = packages["records"], packages["cpu_seconds"]
    spent = cpu["workers"] - alone["worker_start_cpu_seconds"] + cpu["main"]
    if cluster is not None:
        spent += _cluster_cpu() - cluster
    per_record = round(spent / records * 1000, 2)
    return {
        "package_server_cpu_ms_per_record": per_record,
        "cpu_ratio_to_packages": round(
            alone["server_cpu_ms_per_record"] / per_record, 2
        ),
    }


def _checkpoints() -> int:
    from hocbaso.registry.models import LedgerCheckpoint

    return LedgerCheckpoint.objects.count()


def _token(school_code: str):
    from hocbaso.registry import lookups
    from hocbaso.registry.actors import Actor

    return Actor.of_school_token(lookups.school(school_code), "bench")


def _split(classes, sample: int):
    """``sample`` records to send one by one, half primary and half lower secondary
    (from the first classes of each level); every other record by class."""
    quota = {"primary": sample - sample // 2, "secondary": sample // 2}
    singles, packages = [], []
    for class_id in sorted(classes):
        items = classes[class_id]
        level = "primary" if items[0][1] <= 5 else "secondary"
        take = min(len(items), quota[level])
        quota[level] -= take
        singles += items[:take]
        if items[take:]:
            packages.append(items[take:])
    return singles, packages


def _end_to_end(packages, clock, workers: int, meta: dict) -> dict:
    from hocbaso.registry import actions
    from hocbaso.registry.models import Receipt
    from hocbaso.registry.package import build_package
    from hocbaso.season.tasks import answer_receipt

    # The schools' side, done before the clock starts: each class package built as
    # a school's software would send it (base64 and SHA-256 of every packet).
    built_at = time.perf_counter()
    bodies = [
        build_package(
            [i[2] for i in items],
            school_code=items[0][0],
            school_year=meta["school_year"],
        )
        for items in packages
    ]
    build_seconds = time.perf_counter() - built_at
    signatures = _signature_counts(packages)
    raw_before = raw_rates()
    cpu_before = _cpu()
    records = sum(len(p) for p in packages)
    start = time.perf_counter()
    # The deadline rush as the API sees it: every package answered with its receipt
    # at once, its answer a task; then ``workers`` task workers (hocbaso worker
    # --batch, as in production) verify and store until the queue is empty.
    receipt_ids = []
    for n, items in enumerate(packages):
        school_code = items[0][0]
        view = actions.submit(
            bodies[n],
            school=school_code,
            actor=_token(school_code),
            clock=clock,
            process=False,
        )
        answer_receipt.enqueue(view.receipt_id)
        receipt_ids.append(view.receipt_id)
        bodies[n] = None
    received = time.perf_counter() - start
    _run_workers(workers)
    submitted = time.perf_counter() - start
    answered = Receipt.objects.filter(public_id__in=receipt_ids)
    assert not answered.filter(status=Receipt.Status.RECEIVED).exists()
    rejected = sum(answered.values_list("rejected_count", flat=True))
    locks = _lock_rounds(meta)
    total = time.perf_counter() - start
    cpu = {k: round(v - cpu_before[k], 1) for k, v in _cpu().items()}
    raw_after = raw_rates()
    raw = {k: (raw_before[k] + raw_after[k]) / 2 for k in raw_before}
    raw_seconds = (
        signatures["rsa"] / raw["rsa2048_verify"]
        + signatures["ecdsa"] / raw["p256_verify"]
    )
    return {
        "records": records,
        "packages": len(packages),
        "packages_built_seconds": round(build_seconds, 1),
        "rejected": rejected,
        "workers": workers,
        "receipts_seconds": round(received, 1),
        "submit_seconds": round(submitted, 1),
        "submitted_per_second": round(records / submitted, 1),
        **locks,
        "total_seconds": round(total, 1),
        "cpu_seconds": cpu,
        # What the run needs on this machine's cores if nothing else ran: all the
        # CPU (the storing process, the workers and on PostgreSQL the server process
        # of the storing connection share the cores) spread over them, or the
        # storing process alone if it is the bottleneck.
        "cpu_bound_seconds": round(
            max(sum(cpu.values()) / (os.cpu_count() or 1), cpu["main"]), 1
        ),
        # The workers' CPU (they verify and store) beside the raw cost of the
        # signatures verified: cryptography's own verify rates, before and after.
        "verification": {
            "signatures_rsa": signatures["rsa"],
            "signatures_ecdsa": signatures["ecdsa"],
            "raw_rates_per_second": {
                k: round(v) for k, v in raw.items() if k.endswith("verify")
            },
            "raw_signature_seconds": round(raw_seconds, 1),
            "worker_ms_per_record": round(cpu["workers"] / records * 1000, 2),
            "ratio_to_raw": round(cpu["workers"] / raw_seconds, 1),
        },
        "main_ms_per_record": round(cpu["main"] / records * 1000, 2),
        "load_average": os.getloadavg(),
    }


def _signature_counts(packages) -> dict[str, int]:
    """RSA and ECDSA signatures in the packets (one SignatureMethod each)."""
    from packets import ECDSA_METHOD, RSA_METHOD

    counts = {"rsa": 0, "ecdsa": 0}
    for items in packages:
        for item in items:
            counts["rsa"] += item[2].count(RSA_METHOD)
            counts["ecdsa"] += item[2].count(ECDSA_METHOD)
    return counts


def raw_rates(seconds: float = 0.6) -> dict[str, float]:
    """cryptography's verifies per CPU second (process time, like the workers' CPU
    it is compared with: on a busy machine wall time would count others' work)."""
    operations = {
        name: operation
        for name, operation in raw_operations().items()
        if name.endswith("_verify")
    }
    rates = {}
    for name, operation in operations.items():
        count, start = 0, time.process_time()
        while time.process_time() - start < seconds:
            for _ in range(50):
                operation()
            count += 50
        rates[name] = count / (time.process_time() - start)
    return rates


def _cpu() -> dict[str, float]:
    """CPU seconds (user + system) of this process and of its ended children, and
    on PostgreSQL of the server process that serves this process's connection (the
    storing side's inserts, on the same cores)."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    found = {
        "main": me.ru_utime + me.ru_stime,
        "workers": children.ru_utime + children.ru_stime,
    }
    server = _server_cpu()
    if server is not None:
        found["database_server"] = server
    return found


def _server_cpu() -> float | None:
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:  # the throwaway cluster runs on this machine
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _run_workers(workers: int, root: Path = ROOT) -> None:
    """``workers`` task workers of the checkout ``root`` until the queue is empty
    (their CPU is counted as the children's once they exit)."""
    command = [sys.executable, str(root / "manage.py"), "worker", "--batch"]
    command += ["--interval", "0", "--no-startup-delay", "--no-reload", "-v", "0"]
    running = [subprocess.Popen(command, cwd=root) for _ in range(workers)]
    for process in running:
        if process.wait() != 0:
            raise RuntimeError(f"a worker exited {process.returncode}")


def start_workers(
    workers: int, root: Path = ROOT, profile: str | None = None
) -> list[subprocess.Popen]:
    """``workers`` task workers (of the checkout ``root``) polling the queue every
    50 ms when it is empty; with ``profile``, each under cProfile, its stats
    written to ``profile.worker<n>`` when it stops."""
    options = ["worker", "--interval", "0.05", "--no-startup-delay", "--no-reload"]
    started = []
    for n in range(workers):
        profiled = ["-c", _PROFILED, f"{profile}.worker{n}"] if profile else []
        command = [sys.executable, *profiled, str(root / "manage.py"), *options]
        started.append(subprocess.Popen([*command, "-v", "0"], cwd=root))
    return started


# A worker under cProfile timed by its CPU, not the wall: on a shared machine the
# wall counts the time other processes held the cores.
_PROFILED = """import cProfile, runpy, sys, time
out, sys.argv = sys.argv[1], sys.argv[2:]
sys.path.insert(0, "")
profiler = cProfile.Profile(time.process_time)
try:
    profiler.runcall(runpy.run_path, sys.argv[0], run_name="__main__")
finally:
    profiler.dump_stats(out)
"""


def worker_startup_cpu(workers: int, root: Path = ROOT) -> float:
    """CPU seconds ``workers`` workers take to start, run the periodic tasks their
    first beat enqueues and stop on an empty queue: not the records' cost."""
    before = _cpu()["workers"]
    _run_workers(workers, root)
    return _cpu()["workers"] - before


def wait_answered(receipts: list[str]) -> None:
    from hocbaso.registry.models import Receipt

    waiting = Receipt.objects.filter(
        public_id__in=receipts, status=Receipt.Status.RECEIVED
    )
    while waiting.exists():
        time.sleep(0.05)


def stop_workers(running: list[subprocess.Popen]) -> None:
    """Each worker stopped between tasks (SIGTERM), waited for: its CPU is then
    counted among this process's children."""
    for process in running:
        process.terminate()
    for process in running:
        process.wait(timeout=120)


def _lock_rounds(meta: dict) -> dict:
    from hocbaso.registry import actions, lookups
    from hocbaso.registry.actors import Actor
    from hocbaso.registry.clock import fixed_clock

    year = lookups.school_year(meta["school_year"])
    out = {}
    for name in ("main", "supplementary"):
        deadline = year.deadline(f"{name}_lock_date")
        start = time.perf_counter()
        result = actions.lock_round(
            year, name, actor=Actor.system("bench"), clock=fixed_clock(deadline)
        )
        out[f"lock_{name}"] = {
            "locked": result.locked,
            "missing": result.missing,
            "seconds": round(time.perf_counter() - start, 1),
        }
    return out


# --- the command ------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="district")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--sample", type=int, default=200)
    parser.add_argument("--verify-ledger", action="store_true")
    parser.add_argument(
        "--single",
        choices=["inline", "queued", "both"],
        default="inline",
        help="the --sample packets sent alone: verified in process, through the "
        "API and the workers' queue, or half each",
    )
    parser.add_argument(
        "--web-workers",
        type=int,
        default=2,
        help="gunicorn's workers serving the API for --single queued",
    )
    parser.add_argument(
        "--clients",
        type=int,
        default=8,
        help="concurrent connections POSTing the packets sent alone",
    )
    parser.add_argument(
        "--packages",
        type=int,
        default=0,
        help="send only the first N class packages (a quick run); 0: all",
    )
    parser.add_argument(
        "--profile",
        metavar="FILE",
        help="cProfile the main process's end-to-end part into FILE (pstats)",
    )
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    cache = cache_dir(args.scale, args.seed)
    if args.prepare:
        prepare(cache, args.scale, args.seed, args.workers)
        return
    if args.inner:
        result = run(args.db, cache, args)
        print(json.dumps(result))
        return
    if not (cache / "meta.json").exists():
        if not (cache / "seeded.json").exists():
            shutil.rmtree(cache, ignore_errors=True)
            cache.mkdir(parents=True)
        _prepare_in_child(args, cache)
    meta = json.loads((cache / "meta.json").read_text())
    print(json.dumps({"district": meta}, indent=2))
    for db in ("sqlite", "postgres") if args.db == "both" else (args.db,):
        print(json.dumps(_child_run(db, args), indent=2))


def _prepare_in_child(args, cache: Path) -> None:
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--prepare",
        "--scale",
        args.scale,
        "--seed",
        str(args.seed),
        "--workers",
        str(args.workers),
    ]
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    subprocess.run(command, check=True, cwd=ROOT, env=env)


def _child_run(db: str, args) -> dict:
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--inner",
        "--db",
        db,
        "--scale",
        args.scale,
        "--seed",
        str(args.seed),
        "--workers",
        str(args.workers),
        "--sample",
        str(args.sample),
        "--single",
        args.single,
        "--web-workers",
        str(args.web_workers),
        "--clients",
        str(args.clients),
    ]
    if args.verify_ledger:
        command.append("--verify-ledger")
    if args.packages:
        command += ["--packages", str(args.packages)]
    if args.profile:
        command += ["--profile", str(Path(args.profile).resolve())]
    if db == "postgres":
        command = ["bash", str(ROOT / "scripts" / "with-postgres"), *command]
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    done = subprocess.run(
        command, check=True, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
