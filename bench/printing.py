"""Transcripts printed (PDF) and printed + signed (PAdES soft copy) per second.

The transcripts are the samples of hocbaso.printing.samples cut to two school years
(cover, identity page, two year pages), primary and lower secondary in turn; the
soft copy attaches the two packets and is signed by an RSA-2048 organisation seal
from a demo PKI made at run time. Beside them, in the same run, one bare typst
compile of the same data times what typst alone costs. A process pool (one worker
per core, each loading the seal once) gives the figure for a whole school.

    .venv/bin/python bench/printing.py [--n 60] [--school 1500] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hocbaso.packet import RecordSnapshot, build_packet
from hocbaso.printing import (
    PdfSealSigner,
    check_url_for,
    render_transcript,
    samples,
    sign_pdf,
)
from hocbaso.printing import render as render_module
from hocbaso.signing import KeyFileSigner
from hocbaso.signing.pki import create_demo_pki

BASE = "https://hocba.example.vn/tra-cuu/"
_seal: PdfSealSigner | None = None


def transcripts(n: int, years: int) -> list[list[RecordSnapshot]]:
    primary = samples.primary_transcript()[-years:]
    secondary = samples.secondary_transcript()[-years:]
    return [primary if i % 2 else secondary for i in range(n)]


def render(pages: list[RecordSnapshot]) -> bytes:
    code = pages[0].lookup_code
    return render_transcript(
        pages,
        lookup_code=code,
        check_url=check_url_for(BASE, code),
        signatures=[samples.sample_marks(p) for p in pages],
    )


def soft_copy(pages: list[RecordSnapshot]) -> bytes:
    assert _seal is not None
    return sign_pdf(
        render(pages),
        _seal,
        attachments=[(f"{p.school_year}.xml", build_packet(p)) for p in pages],
        reason="Bản sao điện tử học bạ",
        location="Hà Nội",
    )


def init_worker(p12: bytes, password: bytes) -> None:
    """Each worker loads the seal once, as a print server would."""
    global _seal
    _seal = PdfSealSigner(KeyFileSigner.from_pkcs12(p12, password))
    soft_copy(transcripts(1, 2)[0])  # warm up: fonts, compiler, stamp font


def soft_copy_size(pages: list[RecordSnapshot]) -> int:
    return len(soft_copy(pages))


def rate(fn: Callable[[list[RecordSnapshot]], object], items: list) -> float:
    return timed(fn, items)[0]


def timed(
    fn: Callable[[list[RecordSnapshot]], object], items: list
) -> tuple[float, float]:
    """Items per second of wall-clock time, and CPU milliseconds per item (this
    process, all its threads): on a shared machine the second is the steadier."""
    start, cpu = time.perf_counter(), time.process_time()
    for item in items:
        fn(item)
    wall = time.perf_counter() - start
    return len(items) / wall, 1000 * (time.process_time() - cpu) / len(items)


def bare_compile_rate(items: list[list[RecordSnapshot]]) -> float:
    """typst alone: the template compiled over data prepared beforehand."""
    captured: list[dict] = []
    real = render_module.compile_typst
    render_module.compile_typst = lambda data: captured.append(data) or b""
    try:
        for pages in items:
            render(pages)
    finally:
        render_module.compile_typst = real
    return rate(lambda _: real(captured[0]), captured)


def pool_rate(items: list, workers: int, p12: bytes) -> float:
    # typst does not survive a fork once it has run: start the workers fresh.
    with ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=init_worker,
        initargs=(p12, b"bench"),
    ) as pool:
        list(pool.map(soft_copy_size, items[:workers]))  # every worker started
        start = time.perf_counter()
        list(pool.map(soft_copy_size, items, chunksize=4))
        return len(items) / (time.perf_counter() - start)


def main() -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=60)
    parser.add_argument("--years", type=int, default=2)
    parser.add_argument("--school", type=int, default=1500)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    pki = create_demo_pki()
    credential = pki.organisation("Sở Giáo dục và Đào tạo Hà Nội", "01", kind="rsa")
    p12 = credential.to_pkcs12(b"bench")
    init_worker(p12, b"bench")
    items = transcripts(args.n, args.years)
    sample = soft_copy(items[0])
    rendered, render_cpu = timed(render, items)
    signed, signed_cpu = timed(soft_copy, items)
    bare = bare_compile_rate(items)
    pooled = pool_rate(
        transcripts(args.n * args.workers, args.years), args.workers, p12
    )
    result = {
        "transcripts": args.n,
        "pages_per_transcript": 2 + args.years,
        "soft_copy_bytes": len(sample),
        "rendered_per_second": round(rendered, 1),
        "render_cpu_ms": round(render_cpu, 1),
        "rendered_and_signed_per_second": round(signed, 1),
        "rendered_and_signed_cpu_ms": round(signed_cpu, 1),
        "bare_typst_compiles_per_second": round(bare, 1),
        "workers": args.workers,
        "pool_rendered_and_signed_per_second": round(pooled, 1),
        "school_transcripts": args.school,
        "school_seconds_measured_pool": round(args.school / pooled, 1),
        # What the pool would take with every core to itself: CPU time shared out.
        "school_seconds_cpu_bound": round(
            args.school * signed_cpu / 1000 / args.workers, 1
        ),
    }
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
