"""A class of 40 signed with the local signing agent, sealed and submitted, end to end.

Seeds the tiny demo district on a fresh SQLite database in a temporary directory,
gives it its demo PKI, makes a SoftHSM2 token at run time (softhsm2-util, pkcs11-tool)
holding the homeroom teacher's, the principal's and the school seal's keys (EC P-256,
certified by the demo CA and registered to their owners), starts ``hocbaso
sign-agent`` as a subprocess on it, gathers 40 finalised records of one primary grade
into one class, then runs what the school pages run (hocbaso.school.batches), with
this script playing the page (it posts the digests to the agent over HTTP and hands
the signatures back):

1. homeroom teacher: certificate, digests, agent signs 40, server checks and signs;
2. principal: leader digests, agent signs 40, seal digests, agent signs 40, server
   checks, issues and seals;
3. submission of the class package to the registry, processed at once.

Yardstick, in the same run: the same number of raw signatures through the agent
(HTTP + token, no packets) and raw ECDSA P-256 signatures with `cryptography`.

    .venv/bin/python bench/school_signing.py [--records 40]
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import hashlib
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django(data_dir: Path) -> None:
    os.environ["HOCBASO_DATA_DIR"] = str(data_dir)
    os.environ.pop("DATABASE_URL", None)
    # The class package is processed at once (step 3): receipts are answered in
    # the call, not by a worker this script does not run.
    os.environ["HOCBASO_TASKS_BACKEND"] = "immediate"
    os.environ["DJANGO_SETTINGS_MODULE"] = "hocbaso.settings"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def gather_class(year, size: int):
    """One primary class holding up to `size` finalised main-round records of its
    grade (records of the grade's other classes of the school are moved into it)."""
    from django.db.models import Count

    from hocbaso.records.models import RecordStatus, Round, SchoolClass, YearlyRecord

    finalised = YearlyRecord.objects.filter(
        school_year=year, status=RecordStatus.FINALISED, round=Round.MAIN, grade=4
    )
    best = (
        finalised.values("school_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "school_id")
        .first()
    )
    target = (
        SchoolClass.objects.filter(
            school_year=year, grade=4, school_id=best["school_id"]
        )
        .order_by("name")
        .first()
    )
    mine = list(
        finalised.filter(school_id=best["school_id"])
        .order_by("school_class__name", "pk")
        .values_list("pk", flat=True)[:size]
    )
    YearlyRecord.objects.filter(school_class=target).exclude(pk__in=mine).update(
        status=RecordStatus.DRAFT
    )
    YearlyRecord.objects.filter(pk__in=mine).update(school_class=target)
    return target, len(mine)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=40)
    parser.add_argument(
        "--scale", default="small", help="the seeded district (tiny has ~30 a grade)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hocbaso-bench-") as tmp:
        run(Path(tmp), args.records, args.scale)


def run(root: Path, size: int, scale: str) -> None:
    setup_django(root / "data")
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec

    from hocbaso.demo.seed import current_school_year, seed_district
    from hocbaso.records.demo_pki import create_records_pki
    from hocbaso.records.keys import KeyDirectory
    from hocbaso.records.models import RecordStatus, SchoolYear, YearlyRecord
    from hocbaso.records.signers import signers_of
    from hocbaso.school import batches, clock
    from hocbaso.school.models import SigningBatch
    from hocbaso.school.tests.agent_process import call, running_agent
    from hocbaso.school.tests.token import add_person_key, add_seal_key, make_token

    figures: dict = {}
    submitting = {"seconds": 0.0}
    submit = batches.submit  # next_work calls the name batches imported

    def timed_submit(*a, **kw):
        t = time.perf_counter()
        try:
            return submit(*a, **kw)
        finally:
            submitting["seconds"] += time.perf_counter() - t

    batches.submit = timed_submit
    started = time.perf_counter()
    seed_district(scale=scale, seed=5, password="bench password")
    first = int(current_school_year(dt.date.today())[:4])
    year = SchoolYear.objects.get(name=f"{first - 1}-{first}")
    now = (year.deadline("main_lock_date") - dt.timedelta(days=10)).replace(
        microsecond=0
    )
    create_records_pki(
        root / "data" / "pki",
        root / "data" / "pki" / "trust",
        now=now - dt.timedelta(days=10),
    )
    clock.freeze(now)
    school_class, n = gather_class(year, size)
    signers = signers_of(school_class)
    keys = KeyDirectory(root / "data" / "pki")
    token = make_token(root / "token")
    add_person_key(token, keys, signers.homeroom, "homeroom", "01", now)
    add_person_key(token, keys, signers.leader, "leader", "02", now)
    add_seal_key(token, keys, school_class.school, "seal", "03", now)
    pin_file = root / "pin"
    pin_file.write_text(token.pin)
    figures["setup_seconds"] = round(time.perf_counter() - started, 1)
    figures["records"] = n
    origin = "http://127.0.0.1:8000"

    def drive(batch, agent_url, timings):
        """The page's loop: next work → agent → server, timed per round."""
        answer = batches.next_work(batch)
        while "work" in answer:
            work = answer["work"]
            t0 = time.perf_counter()
            if work["round"] == "certificate":
                _s, _h, cert = call(agent_url + "/certificate", {"key": work["key"]})
                t1 = time.perf_counter()
                answer = batches.give_certificate(batch, work["item"], cert["chain"])
                label = "prepare " + ("seal" if work["key"] == "seal" else "digests")
            else:
                _s, _h, signed = call(
                    agent_url + "/sign",
                    {
                        "batch": batch.public_id,
                        "key": work["key"],
                        "digests": work["digests"],
                    },
                )
                t1 = time.perf_counter()
                answer = batches.give_signatures(
                    batch, work["item"], work["round"], signed["signatures"]
                )
                label = f"complete after {work['round']}"
                timings[f"agent signs ({work['round']})"] = round(t1 - t0, 3)
            timings[label] = round(time.perf_counter() - t1, 3)
        return answer

    out: dict = {}
    with running_agent(token, origin, pin_file, personal="homeroom") as url:
        batch = batches.create_batch(
            signers.homeroom.user, "homeroom", [school_class], SigningBatch.Mode.AGENT
        )
        timings: dict = {}
        t = time.perf_counter()
        drive(batch, url, timings)
        timings["total"] = round(time.perf_counter() - t, 3)
        out["homeroom teacher"] = timings
    signed = YearlyRecord.objects.filter(
        school_class=school_class, status=RecordStatus.SIGNING
    ).count()
    assert signed == n, f"{signed} of {n} records signed by the homeroom teacher"

    with running_agent(token, origin, pin_file, personal="leader", seal="seal") as url:
        batch = batches.create_batch(
            signers.leader.user, "issue", [school_class], SigningBatch.Mode.AGENT
        )
        timings = {}
        t = time.perf_counter()
        answer = drive(batch, url, timings)
        whole = time.perf_counter() - t
        # The page's last call after the seal submits the class package: apart.
        timings["complete after seal"] = round(
            timings["complete after seal"] - submitting["seconds"], 3
        )
        timings["sign and seal total"] = round(whole - submitting["seconds"], 3)
        timings["submit and process"] = round(submitting["seconds"], 3)
        out["principal"] = timings
        status = answer["status"]
        assert status["accepted"] == n, status

        # Yardstick: the same number of raw signatures through the agent.
        digests = [
            base64.b64encode(hashlib.sha256(str(i).encode()).digest()).decode()
            for i in range(n)
        ]
        call(
            url + "/sign", {"batch": "warm", "key": "personal", "digests": digests[:1]}
        )
        t = time.perf_counter()
        for key in ("personal", "personal", "seal"):
            call(url + "/sign", {"batch": "warm", "key": key, "digests": digests})
        agent_raw = time.perf_counter() - t

    key = ec.generate_private_key(ec.SECP256R1())
    t = time.perf_counter()
    for i in range(3 * n):
        key.sign(str(i).encode(), ec.ECDSA(hashes.SHA256()))
    crypto_raw = time.perf_counter() - t

    homeroom = out["homeroom teacher"]["total"]
    principal = out["principal"]["sign and seal total"]
    submit = out["principal"]["submit and process"]
    total = homeroom + principal + submit
    figures["steps"] = out
    figures["end_to_end_seconds"] = round(total, 3)
    figures["records_per_second"] = round(n / total, 2)
    figures["yardstick"] = {
        "agent_raw_signatures": 3 * n,
        "agent_raw_seconds": round(agent_raw, 3),
        "cryptography_raw_ecdsa_seconds": round(crypto_raw, 4),
        "end_to_end_over_agent_raw": round(total / agent_raw, 1),
    }
    print(json.dumps(figures, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
