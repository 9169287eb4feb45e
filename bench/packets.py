"""Transcript packets built and fully signed per second, and verified per second.

Seeds the demo district (default scale "small") on a fresh SQLite database in a
temporary directory and gives it its demo PKI (people EC P-256, school seals
RSA-2048), then:
1. signs last year's finalised records class by class through the records workflow:
   subject teachers (lower secondary), homeroom teacher, principal, issuance and seal,
   with the server-held demo keys; build and sign rates;
2. verifies every issued packet with the records role binding (and once more with the
   certificate-subject binding, to show what the database lookups cost);
3. measures in the same run the raw sign and verify rates of `cryptography` for
   RSA-2048 (PKCS#1 v1.5, SHA-256) and ECDSA P-256 (SHA-256), and the ratio of each
   packet's time to the raw cost of the signatures it carries (the figure to watch;
   ``cpu_ratio`` is the same in CPU time, best of three passes, steadier when other
   processes share the cores);
4. says where the time goes: a timing breakdown of both phases (``--profile`` adds
   cProfile's top entries for verification).

    .venv/bin/python bench/packets.py [--scale small|district] [--classes N] [--profile]

With --cached DIR it seeds and signs nothing: it verifies packets of the district the
registry benchmark cached (bench/registry.py, e.g.
~/.cache/hocbaso/bench-registry-district-seed1-2026: packets.sqlite3, data/, pki/trust),
on a copy of that district's database, in chunks of 16 with a new records binding per
chunk as the registry's verification workers do, and reports CPU time (process_time)
per packet beside the raw ECDSA and RSA verification CPU measured in the same run:

    .venv/bin/python bench/packets.py --cached DIR [--classes N] [--profile]

There --profile adds, per level, the time inside each step's wrapper, cProfile's
top entries, and the C floor: the CPU of what verification does in C and cannot
skip (libxml2's parse and XSD, one whole-tree C14N, each referenced form's SHA-256
once, the raw signature values), measured on the same packets, and its ratio to
raw: what a packet would cost if every line of Python took no time.

With --against CHECKOUT (and --cached) it runs the same measurement from this
checkout and from CHECKOUT (e.g. a git worktree of an earlier commit) in turn,
each in a process of its own, this one, that one, that one, this one (--pairs
times), and reports both side by side, every run and the lowest, with the load
average around them: on a shared machine only figures measured in the same
minutes compare, and the lowest of several is the least disturbed.

    .venv/bin/python bench/packets.py --cached DIR --against /tmp/before [--pairs 2]
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import io
import json
import os
import pstats
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from _raw import raw_operations  # noqa: E402

RSA_METHOD = b"xmldsig-more#rsa-sha256"
ECDSA_METHOD = b"xmldsig-more#ecdsa-sha256"


def setup_django(data_dir: Path) -> None:
    os.environ["HOCBASO_DATA_DIR"] = str(data_dir)
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "hocbaso.settings"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


class Breakdown:
    """Seconds spent in named functions, by wrapping them where they are called."""

    def __init__(self, clock=time.perf_counter) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self._undo: list[tuple[object, str, object]] = []
        self._clock = clock

    def wrap(self, owner: object, name: str, label: str) -> None:
        original, clock = getattr(owner, name), self._clock

        def timed(*args, **kwargs):
            start = clock()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[label] += clock() - start

        self._undo.append((owner, name, original))
        setattr(owner, name, timed)

    def restore(self) -> None:
        for owner, name, original in reversed(self._undo):
            setattr(owner, name, original)
        self._undo.clear()

    def report(self, total: float) -> dict[str, float]:
        out = {k: round(v, 3) for k, v in sorted(self.seconds.items())}
        out["total"] = round(total, 3)
        return out


def raw_rates(seconds: float = 0.6) -> dict[str, float]:
    """Sign and verify operations per second of cryptography on a 1 KiB message."""
    operations = raw_operations()
    return {name: round(_rate(op, seconds), 1) for name, op in operations.items()}


def _rate(operation, seconds: float) -> float:
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for _ in range(20):
            operation()
        count += 20
    return count / (time.perf_counter() - start)


def pick_classes(limit: int | None):
    """Last year's classes with finalised records; half primary, half secondary."""
    from hocbaso.records.models import RecordStatus, SchoolClass

    classes = (
        SchoolClass.objects.filter(yearly_records__status=RecordStatus.FINALISED)
        .distinct()
        .select_related("school", "school_year")
        .order_by("school__code", "grade", "name")
    )
    primary = [c for c in classes if c.grade <= 5]
    secondary = [c for c in classes if c.grade >= 6]
    if limit is None:
        return primary + secondary
    half = max(1, limit // 2)
    return _spread(primary, limit - half) + _spread(secondary, half)


def _spread(items: list, count: int) -> list:
    if count >= len(items):
        return items
    step = len(items) / count
    return [items[int(i * step)] for i in range(count)]


def sign_classes(classes, keys) -> tuple[float, Breakdown]:
    """The whole workflow for each class; returns seconds and the breakdown."""
    from hocbaso.packet import parse as packet_parse
    from hocbaso.records import actions, signing_steps
    from hocbaso.records.signers import signers_of
    from hocbaso.signing import KeyFileSigner
    from hocbaso.signing import sign as signing_sign

    breakdown = Breakdown()
    breakdown.wrap(signing_steps, "snapshot_of", "snapshot from the records")
    breakdown.wrap(signing_steps, "build_packet", "build_packet (XML, XSD)")
    breakdown.wrap(signing_steps, "load_packet_tree", "parse the packet (safe, XSD)")
    breakdown.wrap(signing_steps, "sign_tree", "sign_tree (C14N, digests, KeyInfo)")
    breakdown.wrap(signing_sign, "finish_signature", "  of which check value, KeyInfo")
    breakdown.wrap(KeyFileSigner, "sign_digest", "  of which private-key signature")
    breakdown.wrap(actions, "issue_packet", "issue_packet (parse, XSD)")
    breakdown.wrap(
        signing_steps.SignatureBatch, "save", "write the batch (serialise, database)"
    )
    breakdown.wrap(signing_steps, "save_packets", "  of which the packets (database)")
    breakdown.wrap(packet_parse, "validate_tree", "XSD validation (in all the above)")
    signers_cache = {}

    def signer(person):
        if person.pk not in signers_cache:
            signers_cache[person.pk] = keys.signer_for_person(person)
        return signers_cache[person.pk]

    start, cpu_start = time.perf_counter(), time.process_time()
    for school_class in classes:
        found = signers_of(school_class)
        for teacher in {p.pk: p for p in found.subject_teachers.values()}.values():
            actions.sign_as_subject_teacher(teacher.user, school_class, signer(teacher))
        homeroom = found.homeroom
        actions.sign_as_homeroom_teacher(homeroom.user, school_class, signer(homeroom))
        actions.sign_and_issue(
            found.leader.user,
            actions.class_records(school_class),
            signer(found.leader),
            keys.signer_for_school(school_class.school),
        )
    seconds = time.perf_counter() - start
    breakdown.seconds["cpu (this process; steadier on a busy machine)"] = (
        time.process_time() - cpu_start
    )
    breakdown.restore()
    return seconds, breakdown


def issued_packets() -> list[tuple[int, bytes]]:
    from hocbaso.records.models import RecordPacket, RecordStatus

    rows = RecordPacket.objects.filter(record__status=RecordStatus.ISSUED)
    return [
        (grade, bytes(data))
        for grade, data in rows.values_list("record__grade", "data")
    ]


def verify_all(packets, store, binding, breakdown: Breakdown | None = None):
    """Seconds per packet, by level; every packet must be valid."""
    from hocbaso.signing import Status, verify_packet

    times: dict[str, list[float]] = {"primary": [], "secondary": []}
    for grade, data in packets:
        start = time.perf_counter()
        result = verify_packet(data, store, role_binding=binding)
        times["primary" if grade <= 5 else "secondary"].append(
            time.perf_counter() - start
        )
        if result.status is not Status.VALID:
            raise SystemExit(f"a packet did not verify: {result.failures[:3]}")
    return times


def verify_breakdown(clock=time.perf_counter) -> Breakdown:
    from hocbaso.signing import _certchecks, verify
    from hocbaso.signing import xmldsig as X

    b = Breakdown(clock)
    b.wrap(verify, "load_packet_tree", "parse (safe parser, XSD)")
    b.wrap(verify, "snapshot_from_tree", "snapshot from the XML")
    b.wrap(X, "index_ids", "Id index")
    b.wrap(X.CanonicalTree, "__init__", "C14N of the whole tree")
    b.wrap(verify, "find_slots", "slots")
    b.wrap(verify, "parse_signature", "read each Signature")
    b.wrap(verify, "_check_integrity", "integrity (digests, signature value)")
    b.wrap(X.CanonicalTree, "digest", "  of which cut forms' SHA-256 digests")
    b.wrap(verify, "is_valid_signature", "  of which public-key verification")
    b.wrap(verify, "check_certificates", "certificates (chain, validity, CRL, binding)")
    b.wrap(_certchecks, "_check_binding", "  of which role binding (records)")
    b.wrap(verify, "_check_coverage", "coverage")
    b.wrap(verify, "_check_references_earlier", "order")
    return b


def algorithms(packets) -> dict[str, tuple[float, float]]:
    """Mean RSA and ECDSA signatures per packet, by level."""
    counts: dict[str, list[tuple[int, int]]] = {"primary": [], "secondary": []}
    for grade, data in packets:
        level = "primary" if grade <= 5 else "secondary"
        counts[level].append((data.count(RSA_METHOD), data.count(ECDSA_METHOD)))
    return {
        level: (
            sum(r for r, _ in rows) / len(rows),
            sum(e for _, e in rows) / len(rows),
        )
        for level, rows in counts.items()
        if rows
    }


def ratios(times, per_packet, raw, kind: str) -> dict[str, dict[str, float]]:
    """Time per packet beside the raw cost of its signatures (kind: sign or verify)."""
    out = {}
    for level, (n_rsa, n_ec) in per_packet.items():
        mean = sum(times[level]) / len(times[level])
        raw_cost = n_rsa / raw[f"rsa2048_{kind}"] + n_ec / raw[f"p256_{kind}"]
        out[level] = {
            "packets": len(times[level]),
            "signatures_rsa": round(n_rsa, 2),
            "signatures_ecdsa": round(n_ec, 2),
            "ms_per_packet": round(mean * 1000, 2),
            "raw_ms_per_packet": round(raw_cost * 1000, 3),
            "ratio": round(mean / raw_cost, 1),
        }
    return out


def profile_top(packets, store, binding, count: int = 15) -> list[str]:
    profiler = cProfile.Profile()
    profiler.enable()
    verify_all(packets[:: max(1, len(packets) // 200)], store, binding)
    profiler.disable()
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(count)
    return [line for line in text.getvalue().splitlines() if line.strip()][-count:]


def best_of(packets, store, make_binding, rounds: int = 2):
    """(seconds, per-level times) of the fastest of rounds verification passes."""
    best = None
    for _ in range(rounds):
        start = time.perf_counter()
        times = verify_all(packets, store, make_binding())
        seconds = time.perf_counter() - start
        if best is None or seconds < best[0]:
            best = (seconds, times)
    return best


def cpu_by_level(packets, store, make_binding, rounds: int = 3) -> dict[str, float]:
    """CPU seconds (process_time) per packet by level, the best of rounds passes:
    steadier than the wall clock when other processes share the cores."""
    best: dict[str, float] = {}
    for level, wanted in (("primary", range(1, 6)), ("secondary", range(6, 10))):
        chosen = [p for p in packets if p[0] in wanted]
        for _round in range(rounds if chosen else 0):
            start = time.process_time()
            verify_all(chosen, store, make_binding())
            spent = (time.process_time() - start) / len(chosen)
            best[level] = min(best.get(level, spent), spent)
    return best


def add_cpu_ratios(by_level, cpu, per_packet, raw_cpu) -> None:
    """CPU per packet beside the raw verification CPU of its signatures."""
    for level, seconds in cpu.items():
        n_rsa, n_ec = per_packet[level]
        raw_cost = n_rsa * raw_cpu["rsa2048"] + n_ec * raw_cpu["p256"]
        by_level[level]["cpu_ms_per_packet"] = round(seconds * 1000, 3)
        by_level[level]["raw_cpu_ms_per_packet"] = round(raw_cost * 1000, 3)
        by_level[level]["cpu_ratio"] = round(seconds / raw_cost, 1)


def verify_phase(packets, store, profile: bool) -> tuple[dict, dict]:
    """The verification report and the raw rates measured around it."""
    from hocbaso.records.binding import RecordsRoleBinding
    from hocbaso.signing import bind_by_subject_identifier

    before, cpu_before = raw_rates(), raw_verify_cpu()
    breakdown = verify_breakdown()
    start = time.perf_counter()
    verify_all(packets, store, RecordsRoleBinding())
    breakdown_seconds = time.perf_counter() - start
    breakdown.restore()
    seconds, times = best_of(packets, store, RecordsRoleBinding)
    offline, _ = best_of(packets, store, lambda: bind_by_subject_identifier)
    cpu = cpu_by_level(packets, store, RecordsRoleBinding)
    after, cpu_after = raw_rates(), raw_verify_cpu()
    # The machine may be busy: the raw rates are the mean of just before and after.
    raw = {k: round((before[k] + after[k]) / 2, 1) for k in before}
    raw_cpu = {k: min(cpu_before[k], cpu_after[k]) for k in cpu_before}
    by_level = ratios(times, algorithms(packets), raw, "verify")
    add_cpu_ratios(by_level, cpu, algorithms(packets), raw_cpu)
    report = {
        "packets_per_second": round(len(packets) / seconds, 1),
        "packets_per_second_offline_binding": round(len(packets) / offline, 1),
        "by_level": by_level,
        "breakdown_seconds": breakdown.report(breakdown_seconds),
    }
    if profile:
        report["profile_top"] = profile_top(packets, store, RecordsRoleBinding())
    return report, raw


def run(args) -> dict:
    from hocbaso.demo.seed import seed_district
    from hocbaso.records.demo_pki import create_records_pki
    from hocbaso.records.keys import KeyDirectory
    from hocbaso.records.verification import load_trust_store

    tmp = Path(os.environ["HOCBASO_DATA_DIR"])
    started = time.perf_counter()
    seed_district(scale=args.scale, seed=args.seed, password="bench password 1")
    seeded = time.perf_counter()
    pki = create_records_pki(tmp / "pki", tmp / "pki" / "trust")
    classes = pick_classes(args.classes)
    log(
        f"seeded in {seeded - started:.1f} s, PKI in {pki.seconds:.1f} s; "
        f"signing {len(classes)} classes"
    )
    sign_seconds, sign_breakdown = sign_classes(classes, KeyDirectory(tmp / "pki"))
    packets = issued_packets()
    log(f"signed {len(packets)} packets in {sign_seconds:.1f} s; verifying")
    store = load_trust_store(tmp / "pki" / "trust")
    verified, raw = verify_phase(packets, store, args.profile)
    counts = _counts(packets)
    signatures = sum(r + e for r, e in counts)
    raw_sign = sum(r / raw["rsa2048_sign"] + e / raw["p256_sign"] for r, e in counts)
    return {
        "scale": args.scale,
        "classes": len(classes),
        "packets": len(packets),
        "signatures": signatures,
        "seed_seconds": round(seeded - started, 1),
        "pki_seconds": round(pki.seconds, 1),
        "pki_certificates": pki.people_issued + pki.schools_issued,
        "raw_per_second": raw,
        "sign": {
            "packets_per_second": round(len(packets) / sign_seconds, 1),
            "signatures_per_second": round(signatures / sign_seconds, 1),
            "seconds": round(sign_seconds, 1),
            "raw_sign_seconds": round(raw_sign, 2),
            "ratio_to_raw_sign": round(sign_seconds / raw_sign, 1),
            "breakdown_seconds": sign_breakdown.report(sign_seconds),
        },
        "verify": verified,
    }


CHUNK = 16  # hocbaso.registry.verification.PoolVerifier's default chunk


def raw_verify_cpu(rounds: int = 400) -> dict[str, float]:
    """CPU seconds of one RSA-2048 and one ECDSA P-256 verification (1 KiB)."""
    operations = raw_operations()
    out = {}
    for name, operation in (
        ("rsa2048", operations["rsa2048_verify"]),
        ("p256", operations["p256_verify"]),
    ):
        best = float("inf")
        for _round in range(3):
            start = time.process_time()
            for _ in range(rounds):
                operation()
            best = min(best, (time.process_time() - start) / rounds)
        out[name] = best
    return out


LEVELS = (("primary", 3), ("lower_secondary", 7))


def level_packets(db, grade: int, classes: int) -> tuple[list[int], list[bytes]]:
    """The first classes classes of a grade in the cache, and their packets."""
    class_ids = [
        row[0]
        for row in db.execute(
            "SELECT DISTINCT class_id FROM packet WHERE grade = ? "
            "ORDER BY class_id LIMIT ?",
            (grade, classes),
        )
    ]
    packets = [
        row[0]
        for class_id in class_ids
        for row in db.execute(
            "SELECT data FROM packet WHERE class_id = ? ORDER BY record_id",
            (class_id,),
        )
    ]
    return class_ids, packets


def chunked_verification(packets: list[bytes], store, at):
    """One verification pass over ``packets`` as the registry's workers verify
    them: in chunks of CHUNK, a new records binding for each chunk."""
    from hocbaso.records.binding import RecordsRoleBinding
    from hocbaso.signing import verify_packet

    chunks = [packets[i : i + CHUNK] for i in range(0, len(packets), CHUNK)]

    def verify_chunks():
        results = []
        for chunk in chunks:
            binding = RecordsRoleBinding()
            results += [
                verify_packet(p, store, at=at, role_binding=binding) for p in chunk
            ]
        return results

    return verify_chunks


def run_cached(directory: Path, classes: int, profile: bool) -> dict:
    """Verify cached district packets: CPU per packet and its ratio to raw."""
    import sqlite3
    from datetime import datetime

    from hocbaso.signing import Status, TrustStore

    meta = json.loads((directory / "meta.json").read_text())
    at = datetime.fromisoformat(meta["open_at"])
    store = TrustStore.from_directory(directory / "pki" / "trust")
    db = sqlite3.connect(f"file:{directory / 'packets.sqlite3'}?mode=ro", uri=True)
    raw = raw_verify_cpu()
    report: dict = {
        "raw_verify_cpu_ms": {k: round(v * 1000, 4) for k, v in raw.items()}
    }
    for level, grade in LEVELS:
        class_ids, packets = level_packets(db, grade, classes)
        verify_chunks = chunked_verification(packets, store, at)
        invalid = [r for r in verify_chunks() if r.status is not Status.VALID]
        if invalid:
            raise SystemExit(f"{len(invalid)} {level} packets do not verify")
        best = float("inf")
        for _round in range(3):
            start = time.process_time()
            verify_chunks()
            best = min(best, time.process_time() - start)
        n_rsa = sum(p.count(RSA_METHOD) for p in packets) / len(packets)
        n_ec = sum(p.count(ECDSA_METHOD) for p in packets) / len(packets)
        raw_cost = n_rsa * raw["rsa2048"] + n_ec * raw["p256"]
        per_packet = best / len(packets)
        report[level] = {
            "classes": len(class_ids),
            "packets": len(packets),
            "signatures_rsa": round(n_rsa, 2),
            "signatures_ecdsa": round(n_ec, 2),
            "cpu_ms_per_packet": round(per_packet * 1000, 2),
            "raw_cpu_ms_per_packet": round(raw_cost * 1000, 3),
            "ratio": round(per_packet / raw_cost, 1),
        }
        if profile:
            report[level]["breakdown_ms_per_packet"] = _parts(verify_chunks, packets)
            report[level]["c_floor_ms_per_packet"] = _c_floor(packets, raw_cost)
            profiler = cProfile.Profile(time.process_time)
            profiler.enable()
            verify_chunks()
            profiler.disable()
            text = io.StringIO()
            pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(15)
            report[level]["profile"] = text.getvalue().splitlines()
    return report


def run_against(args) -> dict:
    """This checkout and another measured in turn (ABBA), each in its own process."""
    runs: dict[str, list[dict]] = {"this": [], "against": []}
    load_before = os.getloadavg()[0]
    for which in ("this", "against", "against", "this") * args.pairs:
        root = ROOT if which == "this" else args.against.resolve()
        command = [
            sys.executable,
            str(root / "bench" / "packets.py"),
            "--cached",
            str(args.cached),
            "--classes",
            str(args.classes or 2),
        ]
        log(f"{which}: {' '.join(command)}")
        done = subprocess.run(
            command, cwd=root, capture_output=True, text=True, check=True
        )
        runs[which].append(json.loads(done.stdout))
    return {
        "against": str(args.against),
        "load_average_before_after": [load_before, os.getloadavg()[0]],
        "by_level": {
            level: {
                which: {
                    "runs": [
                        (r[level]["cpu_ms_per_packet"], r[level]["ratio"])
                        for r in found
                    ],
                    "lowest": min(
                        (r[level]["cpu_ms_per_packet"], r[level]["ratio"])
                        for r in found
                    ),
                }
                for which, found in runs.items()
            }
            for level in ("primary", "lower_secondary")
        },
        "note": "(CPU ms per packet, ratio to raw) per run, runs in the order "
        "this, against, against, this, repeated",
    }


def _parts(verify_chunks, packets) -> dict[str, float]:
    """ms per packet in each named step of one more pass: CPU time inside the
    wrappers (each reading of the clock, some 0.6 µs, counts in its step; the
    wall clock would count other processes' time on a shared machine)."""
    breakdown = verify_breakdown(time.process_time)
    breakdown.seconds.clear()
    start = time.process_time()
    verify_chunks()
    total = time.process_time() - start
    breakdown.restore()
    return {
        label: round(seconds / len(packets) * 1000, 3)
        for label, seconds in breakdown.report(total).items()
    }


def _c_floor(packets, raw_cost: float) -> dict[str, float]:
    """CPU ms per packet of what verification does in C and cannot skip: the
    parse, the XSD, one canonicalisation of the whole tree, the SHA-256 of each
    referenced Id's canonical form once, and the signature values (raw_cost);
    best of three passes. What verify_packet spends beyond it is Python."""
    from lxml import etree

    from hocbaso.packet import parse as packet_parse
    from hocbaso.signing import xmldsig as X

    parser, schema = packet_parse._parser(), packet_parse._schema
    trees = [etree.fromstring(p, parser) for p in packets]
    versions = [t.get("version") for t in trees]
    forms = []
    for root in trees:
        ids, canonical = X.index_ids(root), X.CanonicalTree(root)
        referenced = set(re.findall(r'URI="#([^"]+)"', etree.tostring(root).decode()))
        forms.append([canonical.canonical(ids[i]) for i in referenced])
    steps = {
        # each tree dropped at once, as verification drops it
        "parse": lambda: [etree.fromstring(p, parser) is None for p in packets],
        # on new trees, as verification has them (validating a tree again is
        # cheaper); the parse is taken off below
        "xsd": lambda: [
            schema(v).validate(etree.fromstring(p, parser))
            for p, v in zip(packets, versions, strict=True)
        ],
        "c14n": lambda: [len(etree.tostring(t, method="c14n")) for t in trees],
        "sha256": lambda: [hashlib.sha256(f).digest() for fs in forms for f in fs],
    }
    out = {}
    for name, step in steps.items():
        best = float("inf")
        for _round in range(3):
            start = time.process_time()
            step()
            best = min(best, time.process_time() - start)
        out[name] = round(best / len(packets) * 1000, 3)
    out["xsd"] = round(out["xsd"] - out["parse"], 3)
    out["signature values (raw)"] = round(raw_cost * 1000, 3)
    out["total"] = round(sum(out.values()), 3)
    out["ratio_to_raw"] = round(out["total"] / (raw_cost * 1000), 2)
    return out


def _counts(packets):
    return [(d.count(RSA_METHOD), d.count(ECDSA_METHOD)) for _, d in packets]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main() -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scale", default="small", choices=("tiny", "small", "district")
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--classes",
        type=int,
        help="sign this many classes, half primary, half lower secondary "
        "(default: all at tiny and small scale, 60 at district scale)",
    )
    parser.add_argument("--profile", action="store_true")
    parser.add_argument(
        "--cached",
        type=Path,
        help="verify the packets of this cached registry-benchmark district "
        "(--classes: classes per level, default 2)",
    )
    parser.add_argument(
        "--against",
        type=Path,
        help="with --cached: measure this checkout and the one given in turn",
    )
    parser.add_argument(
        "--pairs", type=int, default=1, help="with --against: ABBA this many times"
    )
    args = parser.parse_args()
    if args.against is not None:
        if args.cached is None:
            parser.error("--against needs --cached")
        report = run_against(args)
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return report
    if args.cached is not None:
        with tempfile.TemporaryDirectory(prefix="hocbaso-bench-") as tmp:
            data = Path(tmp)
            shutil.copyfile(
                args.cached / "data" / "hocbaso.sqlite3", data / "hocbaso.sqlite3"
            )
            setup_django(data)
            report = run_cached(args.cached, args.classes or 2, args.profile)
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return report
    if args.classes is None and args.scale == "district":
        args.classes = 60
    with tempfile.TemporaryDirectory(prefix="hocbaso-bench-") as tmp:
        setup_django(Path(tmp))
        report = run(args)
    print(json.dumps(report, indent=2, ensure_ascii=False))
    return report


if __name__ == "__main__":
    main()
