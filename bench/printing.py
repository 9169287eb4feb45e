"""Transcripts printed (PDF) and printed + signed (PAdES soft copy) per second, on
one core and on a pool of worker processes, beside a yardstick in the same run.

The transcripts are the samples of hocbaso.printing.samples cut to two school years
(cover, instructions, identity page, a two-page spread per year: 7 pages; 9 for
lower secondary, whose left page of a year runs over when every subject has a
comment, as it does for the pupils here), primary and lower secondary in turn,
each another pupil (name, parents, address, marks and comments of its own, the
class's subjects and signers) with a lookup code of its own, as packets signed by
every signer with a demo PKI made at run time. No
transcript is printed twice in one process: typst memoizes across compiles, so a
repeated transcript measures its cache, not a school's export.
Each print is what `hocbaso export` does per transcript: parse the signed packets
(safe parser), read their signature marks, typeset, and for the soft copy attach
the packets and sign with an RSA-2048 organisation seal (PAdES B-B), through
hocbaso.printing.pool (the seal loaded once per worker). The yardstick is one bare
typst compile of the same data (typst alone, no Python around it); the project's
tracker divides by a second one, a bare compile of a one-page document (a heading and
a paragraph in the bundled Noto Serif, a warm compiler, a new sys.inputs each time),
which does not move when the form grows. The pool gives the figure for a whole school;
cpu_ms_by_stage says where a signed copy's CPU goes.

    .venv/bin/python bench/printing.py [--n 40] [--years 2] [--workers 2]
        [--side-by-side DIR]

--side-by-side DIR compiles another copy of the templates (a folder holding its own
transcript.typ, e.g. the form before a change) beside the product's, in the same
process, taking turns, each on transcripts of its own (a transcript shared by both
would be half served from typst's cache): template_cpu_ms gives both, and their ratio;
signed_copy_cpu_ms does the same for whole signed copies (read, form, typst, sign),
each against the one-page compile in cpu_ratio_signed_{product,other}_…. The other
templates get their data as they read it (sys.inputs before 2026-12-08, else the
file data.json), so DIR may be the templates folder of a checkout of an older
commit (git worktree add /tmp/old <commit>).
"""

from __future__ import annotations

import argparse
import functools
import io
import json
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any
from unittest import mock

import segno
import typst

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hocbaso.packet import (
    PrimaryResults,
    PrimarySubject,
    Rating,
    RecordSnapshot,
    SecondarySubject,
)
from hocbaso.printing import _fastpades, check_url_for, qr_svg, samples
from hocbaso.printing import render as render_module
from hocbaso.printing.document import (
    DEFAULT_LOCATION,
    SOFT_COPY_REASON,
    read_packet,
    transcript_pdf,
)
from hocbaso.printing.pool import PrintJob, PrintPool, SealFiles
from hocbaso.printing.softcopy import PdfSealSigner, sign_pdf
from hocbaso.signing.pki import DemoPki, create_demo_pki

BASE = "https://hocba.example.vn/"


# The pupils of the distinct transcripts: each has a name, parents, an address, marks
# and comments of its own, so no transcript's tables repeat another's (typst reuses
# what it laid out before when a value comes again, as a class's printouts share
# their labels, subjects and signers but not their marks and comments).
NAMES = ("Nguyễn Văn An", "Trần Thị Bích Ngọc", "Lê Quang Huy", "Phạm Thu Hà")
PARENTS = ("Nguyễn Văn Bình", "Trần Thị Cúc", "Lê Đức Dũng", "Phạm Thị Hạnh")
PRAISE = (
    "Đọc diễn cảm, viết đúng chính tả",
    "Tính nhanh, giải toán có lời văn tốt",
    "Phát âm chuẩn, mạnh dạn giao tiếp",
    "Có năng khiếu vẽ, phối màu đẹp",
    "Chăm chỉ, tự giác làm bài tập",
    "Hăng hái phát biểu xây dựng bài",
    "Trình bày vở sạch, chữ viết đẹp",
)
ADVICE = (
    "cần mở rộng vốn từ khi viết văn",
    "cần cẩn thận hơn khi tính toán",
    "cần luyện thêm kĩ năng nghe",
    "cần mạnh dạn hơn khi thuyết trình",
    "cần đọc thêm sách ngoài giờ học",
)


def pupil(page: RecordSnapshot, i: int) -> RecordSnapshot:
    """The sample page as the i-th pupil's: identity, marks and comments."""
    student = replace(
        page.student,
        full_name=f"{NAMES[i % len(NAMES)]} {i}",
        personal_id=f"0013150{i:05d}",
        birth_date=page.student.birth_date.replace(day=1 + i % 28),
        address=f"Số {i + 1} ngõ {i % 40 + 2} Mỹ Đình, Hà Nội",
        father_name=f"{PARENTS[i % 4]} {i}",
        mother_name=f"{PARENTS[(i + 1) % 4]} {i}",
    )
    results = page.results
    if isinstance(results, PrimaryResults):
        results = replace(
            results,
            subjects=tuple(_primary(s, i, k) for k, s in enumerate(results.subjects)),
            qualities=tuple(_rating(r, i, 1) for r in results.qualities),
            competencies=tuple(_rating(r, i, 2) for r in results.competencies),
        )
    else:
        results = replace(
            results,
            subjects=tuple(_secondary(s, i, k) for k, s in enumerate(results.subjects)),
        )
    comment = page.homeroom_comment and _comment(i, 3)
    return replace(page, student=student, results=results, homeroom_comment=comment)


def _comment(i: int, k: int) -> str:
    praise, advice = PRAISE[(i + k) % len(PRAISE)], ADVICE[(i + 2 * k) % len(ADVICE)]
    return f"{praise}; {advice} (học sinh số {i})."


def _primary(subject: PrimarySubject, i: int, k: int) -> PrimarySubject:
    score = subject.test_score and Decimal(5 + (i + k) % 6)
    level = "T" if (i + k) % 3 else "H"
    return replace(subject, level=level, test_score=score, comment=_comment(i, k))


def _rating(rating: Rating, i: int, k: int) -> Rating:
    return replace(rating, comment=_comment(i, k))


def _secondary(subject: SecondarySubject, i: int, k: int) -> SecondarySubject:
    if not isinstance(subject.year, Decimal):
        return replace(subject, comment=_comment(i, k))
    term1 = Decimal(50 + (7 * i + 3 * k) % 50) / 10
    term2 = Decimal(50 + (5 * i + k) % 50) / 10
    year = ((term1 + 2 * term2) / 3).quantize(Decimal("0.1"))
    retest = subject.retest and max(year, Decimal(5))
    return replace(
        subject,
        term1=term1,
        term2=term2,
        year=year,
        retest=retest,
        comment=_comment(i, k),
    )


def distinct_transcripts(
    n: int, years: int, pki: DemoPki
) -> list[tuple[str, list[bytes]]]:
    """n transcripts, primary and lower secondary in turn, each with its own lookup
    code and pupil: typst memoizes across compiles, so printing one transcript
    again costs a fraction of printing a new one, and a school's export prints
    only new ones."""
    out = []
    for i in range(n):
        pages = (samples.secondary_transcript, samples.primary_transcript)[i % 2]()
        code = uuid.uuid5(uuid.NAMESPACE_URL, f"bench-{i}").hex
        pages = [replace(pupil(p, i), lookup_code=code) for p in pages[-years:]]
        out.append((code, samples.signed_packets(pages, pki)))
    return out


def jobs(transcripts: list[tuple[str, list[bytes]]]) -> list[PrintJob]:
    return [
        PrintJob(
            key=i,
            lookup_code=code,
            check_url=check_url_for(BASE, code),
            packets=tuple(packets),
            notes=tuple("Tình trạng: có hiệu lực." for _ in packets),
            status_lines=("In từ cơ sở dữ liệu học bạ số.",),
        )
        for i, (code, packets) in enumerate(transcripts)
    ]


def stages(items: list[PrintJob], seal: PdfSealSigner) -> dict[str, float]:
    """Where a signed copy's CPU goes, per transcript (new ones, in this process):
    reading the packets, the Python side of the printout (digest, QR, the form's
    data, JSON), typst, signing. Beside them, on the same copies in the same run,
    what the former mechanisms cost: pyHanko's signer (sign_pyhanko) and segno
    scoring the eight QR masks (qr_scored_masks against qr_fixed_mask)."""
    spent: dict[str, float] = {}
    real = render_module.compile_typst
    captured: list[dict] = []
    render_module.compile_typst = lambda data: captured.append(data) or b""

    def clock(key: str, work: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        start = time.process_time()
        out = work(*args, **kwargs)
        spent[key] = spent.get(key, 0.0) + time.process_time() - start
        return out

    try:
        for job in items:
            read = clock("read", list, map(read_packet, job.packets))
            page = dict(lookup_code=job.lookup_code, check_url=job.check_url)
            clock("python", transcript_pdf, read, **page)
            pdf = clock("typst", real, captured[-1])
            sign = functools.partial(
                sign_pdf,
                pdf,
                seal,
                attachments=[(r.attachment_name, r.data) for r in read],
                reason=SOFT_COPY_REASON,
                location=DEFAULT_LOCATION,
            )
            clock("sign", sign)
            with mock.patch.object(_fastpades, "prepare", lambda _: None):
                clock("sign_pyhanko", sign)
            clock("qr_fixed_mask", qr_svg, job.check_url)
            clock("qr_scored_masks", scored_qr_svg, job.check_url)
    finally:
        render_module.compile_typst = real
    return {k: round(1000 * v / len(items), 2) for k, v in spent.items()}


def scored_qr_svg(url: str) -> str:
    """The QR code as qr_svg made it before the mask was fixed."""
    out = io.BytesIO()
    segno.make_qr(url, error="m").save(
        out, kind="svg", xmldecl=False, svgns=True, border=2, dark="#000"
    )
    return out.getvalue().decode("ascii")


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


def bare_compile_rate(items: list[PrintJob], warm: PrintJob) -> tuple[float, float]:
    """typst alone: the template compiled over data prepared beforehand, once
    for each transcript."""
    captured: list[dict] = []
    real = render_module.compile_typst
    render_module.compile_typst = lambda data: captured.append(data) or b""
    try:
        for job in [warm, *items]:
            transcript_pdf(
                job.packets, lookup_code=job.lookup_code, check_url=job.check_url
            )
    finally:
        render_module.compile_typst = real
    real(captured[0])  # the compiler made, the fonts read
    start, cpu = time.perf_counter(), time.process_time()
    for data in captured[1:]:
        real(data)
    wall = time.perf_counter() - start
    return len(items) / wall, 1000 * (time.process_time() - cpu) / len(items)


def other_compile(other: Path) -> Callable[[dict], Any]:
    """A compile of the templates in other, handing them the data as they read it:
    through sys.inputs (the templates before 2026-12-08) or as the file data.json."""
    compiler = typst.Compiler(
        str(other / "transcript.typ"),
        root=str(other),
        font_paths=[str(render_module.FONTS)],
        ignore_system_fonts=True,
    )
    main = (other / "transcript.typ").read_bytes()
    if b"sys.inputs" in main:
        return lambda data: compiler.compile(sys_inputs={"data": json.dumps(data)})
    return lambda data: compiler.compile(
        input={"main.typ": main, "data.json": json.dumps(data).encode()}
    )


def take_turns(
    count: int, run: Callable[[str, int], Any], warm: int = 2
) -> dict[str, float]:
    """CPU ms of run("product", k) and run("other", k) over k < count, taking turns
    0 1 1 0 0 1 1 0 …: the transcripts alternate primary and lower secondary, so each
    gets as many of both; the first of each warms it up."""
    spent = {"product": 0.0, "other": 0.0}
    for k in range(count):
        which = ("product", "other")[(k + k // 2) % 2]
        start = time.process_time()
        run(which, k)
        if k >= warm:
            spent[which] += time.process_time() - start
    turns = (count - warm) / 2
    out = {key: round(1000 * value / turns, 1) for key, value in spent.items()}
    out["ratio_product_to_other"] = round(out["product"] / out["other"], 3)
    return out


def side_by_side_cpu_ms(items: list[PrintJob], other: Path) -> dict[str, float]:
    """CPU ms of a bare compile with the product's templates and with the ones in
    other, taking turns over new transcripts."""
    captured: list[dict] = []
    real = render_module.compile_typst
    render_module.compile_typst = lambda data: captured.append(data) or b""
    try:
        for job in items:
            transcript_pdf(
                job.packets, lookup_code=job.lookup_code, check_url=job.check_url
            )
    finally:
        render_module.compile_typst = real
    compilers = {"product": real, "other": other_compile(other)}
    return take_turns(len(captured), lambda which, k: compilers[which](captured[k]))


def side_by_side_signed_cpu_ms(
    items: list[PrintJob], other: Path, seal: PdfSealSigner
) -> dict[str, float]:
    """CPU ms of a whole signed copy (read the packets, the form's data, typst, sign)
    with the product's templates and with the ones in other, taking turns over new
    transcripts: what a change of the templates and of how they get their data
    does to a copy."""
    real = render_module.compile_typst
    compilers = {"product": real, "other": other_compile(other)}

    def copy(which: str, k: int) -> None:
        render_module.compile_typst = compilers[which]
        job = items[k]
        transcript_pdf(
            job.packets,
            lookup_code=job.lookup_code,
            check_url=job.check_url,
            status_lines=job.status_lines,
            record_notes=job.notes,
            seal=seal,
        )

    try:
        return take_turns(len(items), copy)
    finally:
        render_module.compile_typst = real


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
    parser.add_argument(
        "--side-by-side",
        type=Path,
        metavar="DIR",
        help="another templates folder to compile beside the product's",
    )
    args = parser.parse_args()
    pki = create_demo_pki()
    # Every in-process run prints transcripts of its own (typst memoizes across
    # compiles in a process); the pools' workers are new processes each time.
    n, warm_pool = args.n, 2 * max(1, args.workers)
    extra = 4 * n + 4 if args.side_by_side else 0
    everything = jobs(
        distinct_transcripts(4 * n + 5 + warm_pool + extra, args.years, pki)
    )
    sets = [everything[k * n : (k + 1) * n] for k in range(4)]
    spare = everything[4 * n : len(everything) - extra]
    turns = everything[len(everything) - extra :]
    with tempfile.TemporaryDirectory() as folder:
        credential = pki.organisation("Cơ sở dữ liệu học bạ số", "HOCBASO")
        p12 = Path(folder) / "seal.p12"
        p12.write_bytes(credential.to_pkcs12(b"bench"))
        seal = SealFiles(p12=str(p12), password=b"bench")
        result: dict[str, object] = {
            "transcripts_per_run": n,
            "workers": args.workers,
        }
        bare, bare_cpu = bare_compile_rate(sets[0], spare[0])
        one_page_cpu = one_page_compile_cpu_ms(max(100, n))
        runs = [
            ("one_core", 0, "rendered", None, sets[1], spare[1:3]),
            ("one_core", 0, "rendered_and_signed", seal, sets[2], spare[3:5]),
            ("pool", args.workers, "rendered", None, sets[0], spare[5:]),
            ("pool", args.workers, "rendered_and_signed", seal, sets[0], spare[5:]),
        ]
        for label, workers, kind, which, items, warm in runs:
            with PrintPool(workers, seal=which) as pool:
                list(pool.run(warm))  # workers up, fonts read, the seal loaded
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
        # The figure as measured before, two transcripts printed over and over
        # (typst's cache answers most of it), kept to compare with older runs.
        with PrintPool(0, seal=seal) as pool:
            again = sets[1][:2] * (n // 2)
            list(pool.run(sets[1][:2]))
            repeated_cpu = timed(pool, again)[1]
        result["cpu_ratio_same_two_transcripts_signed_to_one_page_typst"] = round(
            repeated_cpu / one_page_cpu, 1
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
        spent = result["cpu_ms_by_stage"] = stages(sets[3], seal.load())
        # The same run's copy with the former signer and QR mask scoring put back.
        former = (
            float(result["one_core_rendered_and_signed_cpu_ms"])
            + (spent["sign_pyhanko"] - spent["sign"])
            + (spent["qr_scored_masks"] - spent["qr_fixed_mask"])
        )
        result["cpu_ratio_with_former_signer_and_qr_to_one_page_typst"] = round(
            former / one_page_cpu, 1
        )
        if args.side_by_side:
            half = len(turns) // 2
            result["template_cpu_ms"] = side_by_side_cpu_ms(
                turns[:half], args.side_by_side
            )
            signed = side_by_side_signed_cpu_ms(
                turns[half:], args.side_by_side, seal.load()
            )
            result["signed_copy_cpu_ms"] = signed
            for which in ("product", "other"):
                key = f"cpu_ratio_signed_{which}_to_one_page_typst"
                result[key] = round(signed[which] / one_page_cpu, 1)
        result["load_average_1min"] = round(os.getloadavg()[0], 2)
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
