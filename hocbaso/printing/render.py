"""The official paper form of a transcript as PDF, rendered by typst.

Steps of render_transcript:
1. check the pages (one transcript, one level, the lookup code) and the check URL
   (the code only in its fragment, domain.md §9);
2. build the data of every page as plain strings (_model, _primary, _secondary),
   Unicode NFC;
3. hand it to the template as the in-memory file data.json: typst reads it with
   json() and inserts every value as text, so no name is ever evaluated as markup;
4. compile with the bundled Noto Serif only (system fonts off), one compiler per
   process so the fonts are read once.

The data goes in a file, not in sys.inputs: sys.inputs are part of what every one of
typst's memoized steps is keyed by, so a new value there made typst lay out every
label, table and page again; through a file, typst reuses across printouts what it
laid out before (docs/printing.md, "Cost of a copy").
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import typst

from hocbaso.packet import PacketError, RecordLevel, RecordSnapshot, build_packet
from hocbaso.printing import _model, _primary, _secondary
from hocbaso.printing._format import nfc_tree
from hocbaso.printing.errors import RenderError
from hocbaso.printing.marks import SignatureMark
from hocbaso.printing.qr import check_site, ensure_code_not_logged, qr_svg

HERE = Path(__file__).parent
FONTS = HERE / "fonts"
TEMPLATE = HERE / "templates" / "transcript.typ"
# Length of the printed content digest in hex digits (64 bits): enough that no
# doctored printout matches by chance, short enough to read out on the phone.
DIGEST_HEX = 16
_DIGEST_DOMAIN = b"hocbaso:print-digest:1\n"
# Written in the PDF's keywords, so a soft copy tells which digest it printed.
DIGEST_KEYWORD = "hocbaso-digest:"

_LEVELS = {RecordLevel.PRIMARY: "primary", RecordLevel.SECONDARY: "secondary"}
_local = threading.local()
# The process that started typst: a child forked after that hangs in its first
# compile (typst's threads do not survive a fork), so it is refused instead.
_typst_pid: int | None = None


def content_digest(packets: Sequence[bytes]) -> str:
    """The digest printed on every page: 16 hex digits of SHA-256 over the packets.

    Each packet is fed as its length (8 bytes, big-endian) then its bytes, after a
    domain tag, so no two different lists of packets share an input. Pass the exact
    bytes the check will have at hand (see snapshot_digest for the default).
    """
    hasher = hashlib.sha256(_DIGEST_DOMAIN)
    for packet in packets:
        hasher.update(len(packet).to_bytes(8, "big"))
        hasher.update(packet)
    return hasher.hexdigest()[:DIGEST_HEX]


def snapshot_digest(pages: Sequence[RecordSnapshot]) -> str:
    """The default digest: content_digest over each page's canonical, unsigned packet.

    It depends on the content only, not on the signatures nor on the order the pages
    are given in (they are taken in school-year order, the order of the printout and
    of a soft copy's attachments), so the check recomputes it from the registry's
    packets: parse_packet, then build_packet. Raises RenderError
    when a page is not a valid record.
    """
    ordered = sorted(pages, key=lambda page: (page.school_year, page.grade))
    try:
        return content_digest([build_packet(page) for page in ordered])
    except PacketError as exc:
        raise RenderError(f"a page is not a valid record: {exc}") from exc


def render_transcript(
    pages: Sequence[RecordSnapshot],
    *,
    lookup_code: str,
    check_url: str,
    content_digest: str | None = None,
    status_lines: Sequence[str] | None = None,
    signatures: Sequence[Sequence[SignatureMark]] | None = None,
    record_notes: Sequence[str] | None = None,
) -> bytes:
    """The PDF of a transcript on its official form, A4, Noto Serif embedded.

    pages are the yearly records of one transcript (printed in school-year order);
    check_url opens the portal's check and is printed as a QR code on every page
    with the lookup code and the content digest (snapshot_digest of the pages unless
    given); status_lines are printed under them (for example the legal status);
    signatures, one sequence per page in the order of pages, fill the signature
    blocks with "Đã ký số" marks; record_notes, one per page, print under that
    year's header (for example its own legal status). Raises RenderError
    (CheckUrlError for the URL).
    """
    if signatures is not None and len(signatures) != len(pages):
        raise RenderError("signatures must give one list of marks per page")
    if record_notes is not None and len(record_notes) != len(pages):
        raise RenderError("record_notes must give one note per page")
    level = _check_pages(pages, lookup_code)
    ensure_code_not_logged(check_url, lookup_code)
    digest = content_digest or snapshot_digest(pages)
    ordered = sorted(
        zip(
            pages,
            signatures or [()] * len(pages),
            record_notes or [""] * len(pages),
            strict=True,
        ),
        key=lambda row: (row[0].school_year, row[0].grade),
    )
    data = _document(level, ordered, lookup_code, check_url, digest)
    data["status_lines"] = list(status_lines or ())
    return compile_typst(nfc_tree(data))


def _check_pages(pages: Sequence[RecordSnapshot], lookup_code: str) -> str:
    if not pages:
        raise RenderError("a printout needs at least one yearly record")
    codes = {page.lookup_code for page in pages}
    if codes != {lookup_code}:
        raise RenderError("every page must be a record of the transcript printed")
    levels = {page.level for page in pages}
    if len(levels) != 1:
        raise RenderError("primary and lower-secondary records print separately")
    return _LEVELS[levels.pop()]


def _document(
    level: str,
    ordered: list[tuple[RecordSnapshot, Sequence[SignatureMark], str]],
    lookup_code: str,
    check_url: str,
    digest: str,
) -> dict[str, Any]:
    pages = [page for page, _, _ in ordered]
    marks = [_model.Marks(page_marks) for _, page_marks, _ in ordered]
    notes = [note for _, _, note in ordered]
    latest = pages[-1]
    year_page = _primary.year_page if level == "primary" else _secondary.year_page
    return {
        "level": level,
        "title": f"Học bạ: {latest.student.full_name}",
        "keywords": [DIGEST_KEYWORD + digest],
        "lookup_code": lookup_code,
        "digest": digest,
        "check_site": check_site(check_url),
        "qr": qr_svg(check_url),
        "cover": _model.cover(level, latest),
        "identity": _model.identity(latest, marks[-1]),
        "history": _model.history(level, pages, marks),
        "years": [
            {**year_page(p, m), "note": n}
            for p, m, n in zip(pages, marks, notes, strict=True)
        ],
    }


def compile_typst(data: dict[str, Any]) -> bytes:
    """Compile the transcript template over data (JSON-ready) into PDF bytes."""
    # transcript.typ is the main file, read as typst reads the templates it imports
    # (from the folder, at each compile); data.json exists only in memory
    files = {"main.typ": TEMPLATE.read_bytes(), "data.json": json.dumps(data).encode()}
    try:
        # typst-py takes a dict of in-memory files; its stub predates them
        pdf = _compiler().compile(input=files)  # type: ignore[type-var]
    except RuntimeError as exc:  # typst.TypstError derives from RuntimeError
        raise RenderError(f"the form could not be typeset: {exc}") from exc
    if not isinstance(pdf, bytes):
        raise RenderError("typst returned no PDF")
    return pdf


def _compiler() -> typst.Compiler:
    """One compiler per thread: it reads the four font files once.

    Raises RenderError in a process forked after typst ran in its parent: use a
    process pool with the "spawn" or "forkserver" start method (docs/printing.md).
    """
    global _typst_pid
    if _typst_pid is not None and _typst_pid != os.getpid():
        raise RenderError(
            "typst cannot run in a process forked after it ran in the parent; "
            "start worker processes with 'spawn' or 'forkserver'"
        )
    _typst_pid = os.getpid()
    compiler: typst.Compiler | None = getattr(_local, "compiler", None)
    if compiler is None:
        compiler = typst.Compiler(
            str(TEMPLATE),
            root=str(TEMPLATE.parent),
            font_paths=[str(FONTS)],
            ignore_system_fonts=True,
        )
        _local.compiler = compiler
    return compiler
