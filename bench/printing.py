"""Transcripts printed (PDF) and printed + signed (PAdES soft copy) per second, on
one core and on a pool of worker processes, beside a yardstick in the same run.

The transcripts are the samples of hocbaso.printing.samples cut to two school years
(cover, identity page, a two-page spread per year: 6 pages), primary and lower
secondary in turn, as packets signed by every signer with a demo PKI made at run
time. Each print is what `hocbaso export` does per transcript: parse the signed
packets (safe parser), read their signature marks, typeset, and for the soft copy
attach the packets and sign with an RSA-2048 organisation seal (PAdES B-B), through
hocbaso.printing.pool (the seal loaded once per worker). The yardstick is one bare
typst compile of the same data (typst alone, no Python around it); the project's
tracker divides by a second one, a bare compile of a one-page document (a heading and
a paragraph in the bundled Noto Serif, a warm compiler, a new sys.inputs each time),
which does not move when the form grows. The pool gives the figure for a whole school.

    .venv/bin/python bench/printing.py [--n 40] [--years 2] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import typst

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hocbaso.printing import check_url_for, samples
from hocbaso.printing import render as render_module
from hocbaso.printing.document import transcript_pdf
from hocbaso.printing.pool import PrintJob, PrintPool, SealFiles
from hocbaso.signing.pki import create_demo_pki

BASE = "https://hocba.example.vn/"


def jobs(n: int, packets: dict[str, list[bytes]]) -> list[PrintJob]:
    out = []
    for i in range(n):
        kind = "primary" if i % 2 else "secondary"
        code = samples.PRIMARY_CODE if kind == "primary" else samples.SECONDARY_CODE
        out.append(
            PrintJob(
                key=i,
                lookup_code=code,
                check_url=check_url_for(BASE, code),
                packets=tuple(packets[kind]),
                notes=tuple("Tình trạng: có hiệu lực." for _ in packets[kind]),
                status_lines=("In từ cơ sở dữ liệu học bạ số.",),
            )
        )
    return out


def timed(pool: PrintPool, items: list[PrintJob]) -> tuple[float, float, int]:
    """Transcripts per second of wall-clock time, CPU ms per transcript in this
    process (with workers, only the parent's share), and the bytes of the last."""
    start, cpu = time.perf_counter(), time.process_time()
    size = 0
    for _, pdf, error in pool.run(items):
        assert error is None, error
        size = len(pdf or b"")
    wall = time.perf_counter() - start
    return len(items) / wall, 1000 * (time.process_time() - cpu) / len(items), size


def bare_compile_rate(items: list[PrintJob], repeat: int) -> tuple[float, float]:
    """typst alone: the template compiled over data prepared beforehand."""
    captured: list[dict] = []
    real = render_module.compile_typst
    render_module.compile_typst = lambda data: captured.append(data) or b""
    try:
        for job in items[:2]:
            transcript_pdf(
                job.packets, lookup_code=job.lookup_code, check_url=job.check_url
            )
    finally:
        render_module.compile_typst = real
    real(captured[0])  # the compiler made, the fonts read
    start, cpu = time.perf_counter(), time.process_time()
    for k in range(repeat):
        real(captured[k % len(captured)])
    wall = time.perf_counter() - start
    return repeat / wall, 1000 * (time.process_time() - cpu) / repeat


ONE_PAGE = """#set page(paper: "a4")
#set text(font: "Noto Serif", lang: "vi")
= Học bạ số
Bản in từ cơ sở dữ liệu học bạ số, mã tra cứu #sys.inputs.at("n").
"""


def one_page_compile_cpu_ms(repeat: int) -> float:
    """CPU ms of a bare typst compile of a one-page document, warm compiler."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "one.typ"
        source.write_text(ONE_PAGE, encoding="utf-8")
        compiler = typst.Compiler(
            str(source),
            root=folder,
            font_paths=[str(render_module.FONTS)],
            ignore_system_fonts=True,
        )
        compiler.compile(sys_inputs={"n": "warm"})
        cpu = time.process_time()
        for k in range(repeat):
            compiler.compile(sys_inputs={"n": str(k)})
        return 1000 * (time.process_time() - cpu) / repeat


def main() -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=40, help="transcripts per run")
    parser.add_argument("--years", type=int, default=2)
    parser.add_argument("--school", type=int, default=1500)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    pki = create_demo_pki()
    packets = {
        "primary": samples.signed_packets(
            samples.primary_transcript()[-args.years :], pki
        ),
        "secondary": samples.signed_packets(
            samples.secondary_transcript()[-args.years :], pki
        ),
    }
    with tempfile.TemporaryDirectory() as folder:
        credential = pki.organisation("Cơ sở dữ liệu học bạ số", "HOCBASO")
        p12 = Path(folder) / "seal.p12"
        p12.write_bytes(credential.to_pkcs12(b"bench"))
        seal = SealFiles(p12=str(p12), password=b"bench")
        items = jobs(args.n, packets)
        warm = items[:2]
        result: dict[str, object] = {
            "transcripts_per_run": args.n,
            "pages_per_transcript": 2 + 2 * args.years,
            "workers": args.workers,
        }
        bare, bare_cpu = bare_compile_rate(items, args.n)
        one_page_cpu = one_page_compile_cpu_ms(max(100, args.n))
        for label, workers in (("one_core", 0), ("pool", args.workers)):
            for kind, which in (("rendered", None), ("rendered_and_signed", seal)):
                with PrintPool(workers, seal=which) as pool:
                    list(pool.run(warm * max(1, workers)))  # workers up, fonts read
                    rate, cpu, size = timed(pool, items)
                result[f"{label}_{kind}_per_second"] = round(rate, 1)
                if workers == 0:
                    result[f"{label}_{kind}_cpu_ms"] = round(cpu, 1)
                result[f"{kind}_bytes"] = size
        result["yardstick_bare_typst_compiles_per_second"] = round(bare, 1)
        result["yardstick_bare_typst_cpu_ms"] = round(bare_cpu, 1)
        result["ratio_one_core_rendered_to_bare_typst"] = round(
            float(result["one_core_rendered_per_second"]) / bare, 2
        )
        # CPU per transcript against typst's own: the figure that load does not move
        result["cpu_ratio_rendered_to_bare_typst"] = round(
            float(result["one_core_rendered_cpu_ms"]) / bare_cpu, 2
        )
        result["cpu_ratio_rendered_and_signed_to_bare_typst"] = round(
            float(result["one_core_rendered_and_signed_cpu_ms"]) / bare_cpu, 2
        )
        result["yardstick_one_page_typst_cpu_ms"] = round(one_page_cpu, 2)
        # the tracker's figure: a signed soft copy against a one-page compile
        result["cpu_ratio_rendered_and_signed_to_one_page_typst"] = round(
            float(result["one_core_rendered_and_signed_cpu_ms"]) / one_page_cpu, 1
        )
        signed_pool = float(result["pool_rendered_and_signed_per_second"])
        result["school_transcripts"] = args.school
        result["school_seconds_on_the_pool"] = round(args.school / signed_pool, 1)
        result["school_seconds_cpu_bound"] = round(
            args.school
            * float(result["one_core_rendered_and_signed_cpu_ms"])
            / 1000
            / max(1, args.workers),
            1,
        )
        result["load_average_1min"] = round(os.getloadavg()[0], 2)
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
