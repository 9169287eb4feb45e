"""Wall time of checking one copy from the command line, process start included.

Makes a small PKI valid today, a lower-secondary packet signed by its five signers
and a soft copy (PDF, sealed, the packet attached) in a temporary directory, then
runs, alternated, each command several times:

- ``python -c pass``: the interpreter alone, the floor;
- before: ``hocbaso verify FILE --offline`` (the management command: Django starts);
- after: ``hocbaso-verify FILE`` (``python -m hocbaso.verifier``), a packet and the
  soft copy;

in three byte-code modes: compiled modules cached (the usual case, an installed
package), PYTHONDONTWRITEBYTECODE=1 (reads the cache there is, writes none), and
no cache at all (PYTHONDONTWRITEBYTECODE=1 with an empty PYTHONPYCACHEPREFIX: every
module compiled at every start, a fresh checkout that never writes .pyc). Reports
the minimum and median wall time and the median CPU time of each.

    .venv/bin/python bench/verifier_start.py [--runs 7]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def make_copies(directory: Path) -> dict[str, Path]:
    """The signed packet, the soft copy and the trust directory."""
    from hocbaso.packet import parse_packet
    from hocbaso.printing import PdfSealSigner, check_url_for, render_transcript
    from hocbaso.signing import KeyFileSigner
    from hocbaso.signing.pki import create_demo_pki
    from hocbaso.verifier.tests.signed import build_signed

    signed = build_signed(directory)
    packet = signed.packets["valid"]
    (directory / "packet.xml").write_bytes(packet)
    snapshot = parse_packet(packet)
    code = snapshot.lookup_code.replace("-", "")
    url = check_url_for("https://hocba.example.vn/tra-cuu/", code)
    pdf = render_transcript([snapshot], lookup_code=code, check_url=url)
    # The soft copy's seal: the department's certificate under a root of its own,
    # added to the trust directory.
    # Issued a day ago: a certificate valid only from this second may read "not
    # yet valid" to a verifier run within it.
    yesterday = datetime.now(UTC) - timedelta(days=1)
    pki = create_demo_pki(
        "Bench Department Root CA", "Bench Department CA", now=yesterday
    )
    department = pki.organisation("Sở Giáo dục và Đào tạo", "01")
    pki.write_trust_directory(directory / "dept")
    for file in (directory / "dept").iterdir():
        file.rename(signed.trust_dir / f"dept-{file.name}")
    from hocbaso.printing import sign_pdf

    seal = PdfSealSigner(KeyFileSigner(department.key, department.chain))
    soft = sign_pdf(
        pdf,
        seal,
        attachments=[("2024-2025.xml", packet)],
        reason="Bản sao điện tử học bạ",
        location="Hà Nội",
    )
    (directory / "soft.pdf").write_bytes(soft)
    return {
        "packet": directory / "packet.xml",
        "pdf": directory / "soft.pdf",
        "trust": signed.trust_dir,
    }


def commands(files: dict[str, Path]) -> dict[str, list[str]]:
    python = sys.executable
    before = "from hocbaso.cli import main; main()"
    return {
        "python -c pass": [python, "-c", "pass"],
        "before: hocbaso verify packet": [
            python, "-c", before, "verify", str(files["packet"]),
            "--trust-store", str(files["trust"]), "--offline",
        ],
        "after: hocbaso-verify packet": [
            python, "-m", "hocbaso.verifier", str(files["packet"]),
            "--trust", str(files["trust"]),
        ],
        "after: hocbaso-verify soft copy": [
            python, "-m", "hocbaso.verifier", str(files["pdf"]),
            "--trust", str(files["trust"]),
        ],
    }  # fmt: skip


def modes(scratch: Path) -> dict[str, dict[str, str]]:
    base = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    base["PYTHONPATH"] = str(ROOT)
    base["HOCBASO_DATA_DIR"] = str(scratch / "data")
    return {
        "cached": base,
        "PYTHONDONTWRITEBYTECODE=1": {**base, "PYTHONDONTWRITEBYTECODE": "1"},
        "no cache": {
            **base,
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONPYCACHEPREFIX": str(scratch / "empty-pycache"),
        },
    }


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds, exit status) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, cwd=ROOT)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.returncode


def measure(runs: int, scratch: Path, files: dict[str, Path]) -> dict:
    timings: dict[str, dict[str, list[tuple[float, float]]]] = {}
    for mode, env in modes(scratch).items():
        table = {name: [] for name in commands(files)}
        for name, argv in commands(files).items():  # warm the byte-code cache
            status = run_once(argv, env)[2]
            if status != 0:
                raise SystemExit(f"{name} ({mode}) exited {status}")
        for _round in range(runs):  # alternated, so a busy moment hits them all
            for name, argv in commands(files).items():
                wall, cpu, _status = run_once(argv, env)
                table[name].append((wall, cpu))
        timings[mode] = table
    return {
        mode: {
            name: {
                "wall_min_s": round(min(w for w, _ in rows), 3),
                "wall_median_s": round(statistics.median(w for w, _ in rows), 3),
                "cpu_median_s": round(statistics.median(c for _, c in rows), 3),
            }
            for name, rows in table.items()
        }
        for mode, table in timings.items()
    }


def main() -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hocbaso-bench-") as tmp:
        scratch = Path(tmp)
        (scratch / "data").mkdir()
        files = make_copies(scratch)
        report = {"runs": args.runs, **measure(args.runs, scratch, files)}
    print(json.dumps(report, indent=2, ensure_ascii=False))
    return report


if __name__ == "__main__":
    main()
