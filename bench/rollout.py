"""Time of the rollout dashboards on a seeded district, beside a yardstick.

    .venv/bin/python bench/rollout.py [--source small|tiny|district|cache]
                                      [--classes 6] [--runs 5] [--fill]
    bash scripts/with-postgres .venv/bin/python bench/rollout.py --source small

Runs on SQLite in a temporary directory, or on the PostgreSQL that DATABASE_URL
names (scripts/with-postgres starts a throwaway one; not with ``cache``).

Steps:
1. a district in a temporary SQLite database:
   - ``small``/``tiny``/``district``: ``seed_district`` at that scale, then last
     school year signed, submitted and locked for ``--classes`` classes per round
     (``hocbaso.demo.registry_demo``; 0 skips it), so the registry tables hold
     submissions and locks;
   - ``cache``: a copy of the district that ``bench/registry.py`` seeded (its
     packets are kept apart, so the copy holds no signature steps and no
     submissions), read from ``$HOCBASO_BENCH_CACHE`` or ``~/.cache/hocbaso/``.
     The registry's rows are then written in bulk, as many as the signed and
     submitted district would hold: signature steps for 90/85/80% of last year's
     records (homeroom teacher, principal, seal), a submission for 70% of them,
     locked for 50% (``fill``: the dashboards read only these rows' keys and
     states, so their content is a placeholder); ``--fill`` does the same after
     seeding instead of signing (``--classes 0``);
2. the pages of last year's main round requested through Django's test client
   as their officers (the department, the unit with the most schools, its
   largest school, that school's largest class, the department's Excel export),
   ``--runs`` times each after one warm-up: the median and fastest time and the
   number of queries;
3. the yardstick, in the same run: a plain COUNT of the year's yearly records,
   and a COUNT of them joined to their signature steps.
Prints one JSON object.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PASSWORD = "bench password, not secret"


def cached_database() -> Path:
    base = os.environ.get("HOCBASO_BENCH_CACHE") or Path.home() / ".cache" / "hocbaso"
    today = dt.date.today()
    first = today.year if today.month >= 8 else today.year - 1
    found = Path(base) / f"bench-registry-district-seed1-{first}" / "data"
    path = found / "hocbaso.sqlite3"
    if not path.exists():
        sys.exit(f"no cached district at {path}: run bench/registry.py first")
    return path


def setup(data_dir: Path, source: str) -> None:
    os.environ["HOCBASO_DATA_DIR"] = str(data_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "hocbaso.settings"
    if source == "cache":
        os.environ.pop("DATABASE_URL", None)
        shutil.copy(cached_database(), data_dir / "hocbaso.sqlite3")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0, interactive=False)


def build(source: str, classes: int, data_dir: Path) -> dict:
    from hocbaso.demo.registry_demo import prepare_registry
    from hocbaso.demo.seed import seed_district

    started = time.perf_counter()
    seed_district(scale=source, seed=1, password=PASSWORD)
    seeded = time.perf_counter()
    counts = {}
    if classes:
        counts = prepare_registry(
            last_year(),
            data_dir=data_dir,
            progress=lambda m: None,
            classes_per_round=classes,
        )
    return {
        "seed_seconds": round(seeded - started, 1),
        "registry_seconds": round(time.perf_counter() - seeded, 1),
        **counts,
    }


def fill(year) -> dict:
    """Signature steps and submissions for the cached district (see step 1)."""
    from django.db import transaction
    from django.utils import timezone

    from hocbaso.records.models import Certificate, Person, SignatureStep, YearlyRecord
    from hocbaso.registry.models import Blob, Operation, Receipt, Submission

    at = timezone.now()
    person = Person.objects.order_by("pk").first()
    records = list(
        YearlyRecord.objects.filter(school_year=year)
        .order_by("pk")
        .values_list("pk", "school_id", "round", "grade")
    )
    with transaction.atomic():
        certificate = Certificate.objects.create(
            person=person,
            subject_dn="CN=bench",
            serial="1",
            fingerprint_sha256="b" * 64,
            not_before=at,
            not_after=at,
            pem="(bench)",
        )
        steps, blobs, submissions, receipts = [], [], [], {}
        for n, (pk, school, round_name, grade) in enumerate(records):
            share = n % 100
            for role, below in (("homeroom_teacher", 90), ("leader", 85), ("seal", 80)):
                if share < below:
                    steps.append(
                        SignatureStep(
                            record_id=pk,
                            role=role,
                            person=person,
                            school_id=school if role == "seal" else None,
                            certificate=certificate,
                            signature_id=f"{role}-{pk}",
                            signed_at=at,
                        )
                    )
            if share < 70 and round_name:
                if school not in receipts:
                    blob = Blob(
                        sha256=f"r{school:063d}", data=b"", size=0, stored_at=at
                    )
                    blob.save()
                    receipts[school] = Receipt.objects.create(
                        school_id=school,
                        operation=Operation.SUBMIT,
                        status="processed",
                        blob=blob,
                        received_at=at,
                    )
                blob = Blob(sha256=f"{pk:064d}", data=b"", size=0, stored_at=at)
                blobs.append(blob)
                submissions.append(
                    Submission(
                        public_id=f"bench-{pk}",
                        record_id=pk,
                        school_id=school,
                        record_school_id=school,
                        school_year=year,
                        round=round_name,
                        grade=grade,
                        receipt=receipts[school],
                        blob=blob,
                        accepted_at=at,
                        ledger_index=n,
                        locked_at=at if share < 50 else None,
                    )
                )
        SignatureStep.objects.bulk_create(steps, batch_size=5000)
        Blob.objects.bulk_create(blobs, batch_size=5000)
        Submission.objects.bulk_create(submissions, batch_size=5000)
    return {"signature_steps": len(steps), "submissions": len(submissions)}


def last_year():
    from hocbaso.records.models import SchoolYear

    return SchoolYear.objects.order_by("-start_date")[1]


def timed(call, runs: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call()  # warm-up: templates, catalogues, the database's caches
    times = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            call()
            times.append(time.perf_counter() - started)
    return {
        "median_ms": round(1000 * statistics.median(times), 1),
        "fastest_ms": round(1000 * min(times), 1),
        "queries": len(queries),
    }


def officer(role: str, **where):
    from hocbaso.records.models import Appointment

    appointment = (
        Appointment.objects.filter(role=role, person__user__isnull=False, **where)
        .select_related("person__user")
        .order_by("-school_year__start_date")
        .first()
    )
    return appointment.person.user


def targets(year):
    """The department, its busiest unit, that unit's largest school and class."""
    from django.db.models import Count

    from hocbaso.records.models import Department, SchoolClass
    from hocbaso.registry.rounds import schools_of_unit
    from hocbaso.rollout.dashboards import units_on

    department = Department.objects.order_by("code").first()
    units = units_on(department, year.main_lock_date)
    counts: dict = {}
    for unit in units.values():
        counts[unit] = counts.get(unit, 0) + 1
    unit = max(counts, key=counts.get)
    school = (
        schools_of_unit(unit, year, "main")
        .annotate(n=Count("yearly_records"))
        .order_by("-n")
        .first()
    )
    school_class = (
        SchoolClass.objects.filter(school=school, school_year=year, grade__in=[1, 6])
        .annotate(n=Count("yearly_records"))
        .order_by("-n")
        .first()
    )
    return department, unit, school, school_class


def measure(runs: int) -> dict:
    from django.db.models import Exists, OuterRef
    from django.test import Client
    from django.urls import reverse

    from hocbaso.records.models import Role, SignatureStep, YearlyRecord

    year = last_year()
    department, unit, school, school_class = targets(year)
    query = {"year": year.name, "round": "main"}

    def page(user, name, *args):
        client = Client()
        client.force_login(user)
        url = reverse(f"rollout:{name}", args=args)

        def get():
            response = client.get(url, query)
            assert response.status_code == 200, (url, response.status_code)

        return get

    head = officer(Role.DEPARTMENT_OFFICER, department=department)
    ward = officer(Role.UNIT_OFFICER, unit=unit)
    records = YearlyRecord.objects.filter(school_year=year)
    signed = records.filter(
        Exists(SignatureStep.objects.filter(record=OuterRef("pk"), role="seal"))
    )
    return {
        "school_year": year.name,
        "records_in_year": records.count(),
        "records_in_database": YearlyRecord.objects.count(),
        "signature_steps": SignatureStep.objects.count(),
        "schools_of_unit": unit.name,
        "yardstick_count": timed(lambda: records.count(), runs),
        "yardstick_count_sealed": timed(lambda: signed.count(), runs),
        "department_page": timed(page(head, "department", department.code), runs),
        "department_export": timed(
            page(head, "department_export", department.code), runs
        ),
        "unit_page": timed(page(ward, "unit", unit.code), runs),
        "school_page": timed(page(ward, "school", school.code), runs),
        "class_page": timed(page(ward, "class", school.code, school_class.pk), runs),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--source", default="small", choices=["tiny", "small", "district", "cache"]
    )
    parser.add_argument("--classes", type=int, default=6)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--fill", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hocbaso-bench-rollout-") as tmp:
        data_dir = Path(tmp)
        setup(data_dir, args.source)
        from django.db import connection

        report = {"source": args.source, "database": connection.vendor}
        if args.source != "cache":
            report["build"] = build(args.source, args.classes, data_dir)
        if args.source == "cache" or args.fill:
            report["filled"] = fill(last_year())
        report.update(measure(args.runs))
        print(json.dumps(report, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
