"""PAdES B-B written directly as one incremental update of the PDF typst wrote.

pyHanko's signer reads the whole cross-reference table back, builds every new
object as a tree, lays out the stamp and builds the CMS with asn1crypto: ~10 ms a
copy, ten times the RSA signature. A soft copy is always the same update of the
same kind of file, so this module writes it itself:

1. find the catalog and the first page through the trailer and the one classic
   cross-reference table (its entries are 20 bytes each: nothing else is read);
2. append the packets as embedded files (a name tree in the catalog), the stamp
   (its font objects built once per process, _pdfstamp.py), the signature field
   and the signature dictionary with a /Contents placeholder, the catalog and the
   page again with their new keys, a cross-reference section and a trailer with
   /Prev (ISO 32000-1 §7.5.6);
3. digest the byte ranges, sign the CMS signed attributes (content type, message
   digest, signing-certificate-v2: ETSI EN 319 142-1 §5.2.2) with the seal's key,
   and write the SignedData (RFC 5652 §5) into the placeholder.

prepare() returns None for any other file (an xref stream, an earlier revision,
encryption, a catalog that already has /Names, /AcroForm or /Extensions, a first
page with /Annots), sign() for a stamp letter the font lacks or a file name that
is not printable ASCII: sign_pdf then uses pyHanko, as it does for B-T and B-LTA.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from hocbaso.printing import _cms, _pdfstamp
from hocbaso.printing._format import VIETNAM

_TAIL = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
_TABLE = re.compile(rb"xref\r?\n0 (\d+)\r?\n")
# The trailer's keys: no nested dictionary, hex strings allowed (an /ID may be one).
_TRAILER = re.compile(
    rb"\s*trailer\s*<<((?:[^<>]|<[0-9A-Fa-f]*>)*)>>\s*startxref\s+(\d+)\s+%%EOF\s*$"
)
_REF = rb"\s+(\d+)\s+0\s+R"
_FIRST_ID = re.compile(rb"/ID\s*\[\s*(\([^()\\]*\)|<[0-9A-Fa-f]*>)")
_PAGE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")
_ESIC = (
    b"/Extensions << /ESIC << /Type /DeveloperExtensions /BaseVersion /1.7 "
    b"/ExtensionLevel 1 >> >>"
)
# The placeholders the byte range and the signature are written into.
_RANGE_WIDTH = 10
_RANGE = b"/ByteRange [0 " + b" ".join([b" " * _RANGE_WIDTH] * 3) + b"]"


@dataclass(frozen=True)
class Base:
    """What the update needs of the file it is appended to."""

    pdf: bytes
    size: int  # /Size: the next object number
    xref_at: int
    root: int
    info: bytes  # "/Info n 0 R" or b""
    first_id: bytes
    catalog: bytes  # the catalog's dictionary, as written
    page: int
    page_dict: bytes


def prepare(pdf: bytes) -> Base | None:
    """The file's trailer, catalog and first page, or None when it is not the
    plain single-revision file this writer appends to."""
    tail = _TAIL.search(pdf, max(0, len(pdf) - 64))
    if tail is None:
        return None
    xref_at = int(tail.group(1))
    table = _TABLE.match(pdf, xref_at)
    if table is None:
        return None
    size, entries = int(table.group(1)), table.end()
    trailer = _TRAILER.match(pdf, entries + 20 * size)
    if trailer is None or int(trailer.group(2)) != xref_at:
        return None
    keys = trailer.group(1)
    if any(k in keys for k in (b"/Prev", b"/Encrypt", b"/XRefStm")):
        return None
    root, first_id = re.search(rb"/Root" + _REF, keys), _FIRST_ID.search(keys)
    info = re.search(rb"/Info" + _REF, keys)
    if root is None or first_id is None:
        return None
    read = functools.partial(_object, pdf, entries, size)
    catalog = read(int(root.group(1)))
    if catalog is None or any(
        k in catalog for k in (b"/Names", b"/AcroForm", b"/Extensions", b"/Perms")
    ):
        return None
    pages = re.search(rb"/Pages" + _REF, catalog)
    tree = read(int(pages.group(1))) if pages else None
    kid = re.search(rb"/Kids\s*\[\s*(\d+)\s+0\s+R", tree) if tree else None
    page = read(int(kid.group(1))) if kid else None
    if page is None or not _PAGE.search(page) or b"/Annots" in page:
        return None
    return Base(
        pdf=pdf,
        size=size,
        xref_at=xref_at,
        root=int(root.group(1)),
        info=info.group(0) if info else b"",
        first_id=first_id.group(1),
        catalog=catalog,
        page=int(kid.group(1)) if kid else 0,
        page_dict=page,
    )


def _object(pdf: bytes, entries: int, size: int, number: int) -> bytes | None:
    """The dictionary of object number (generation 0, no stream), read through its
    20-byte cross-reference entry, or None."""
    if not 0 < number < size:
        return None
    entry = pdf[entries + 20 * number : entries + 20 * number + 18]
    if len(entry) != 18 or entry[10:18] != b" 00000 n":
        return None
    start = int(entry[:10])
    header = re.compile(rb"%d\s+0\s+obj\s*(<<)" % number).match(pdf, start)
    end = pdf.find(b"endobj", start)
    if header is None or end < 0:
        return None
    body = pdf[header.start(1) : end].rstrip()
    if b"stream" in body or not body.endswith(b">>"):
        return None
    return body


@dataclass(frozen=True)
class Signature:
    """What the signature says besides the CMS: the field, the texts, the time."""

    field: str
    box: tuple[int, int, int, int]
    stamp: str
    organisation: str
    reason: str
    location: str
    moment: datetime
    description: str  # of each embedded packet


def sign(
    base: Base,
    attachments: Sequence[tuple[str, bytes]],
    signature: Signature,
    parts: _cms.SealParts,
    sign_attributes: Callable[[bytes], bytes],
) -> bytes | None:
    """The signed update appended to base, or None when the stamp or a file name
    cannot be written here (sign_pdf then uses pyHanko)."""
    width = signature.box[2] - signature.box[0]
    height = signature.box[3] - signature.box[1]
    stamp = _pdfstamp.appearance(signature.stamp, width, height)
    if stamp is None or not all(_plain(name) for name, _ in attachments):
        return None
    out = _Update(base)
    names = _embed(out, attachments, signature)
    font = out.next
    for body in _pdfstamp.stamp_font().encoded(font):
        out.add(out.next, body)
    look = out.add(out.next, _xobject(stamp, width, height, font))
    sig_number, reserved = out.next, parts.size
    contents_at = out.add_signature(sig_number, signature, reserved)
    widget = _add_widget(out, signature, look, sig_number)
    form = out.add(out.next, b"<< /Fields [%d 0 R] /SigFlags 3 >>" % widget)
    out.add(base.page, _with(base.page_dict, b"/Annots [%d 0 R]" % widget))
    catalog = b"/AcroForm %d 0 R %s" % (form, _ESIC)
    if names:
        catalog += b" /Names << /EmbeddedFiles << /Names [%s] >> >>" % names
    out.add(base.root, _with(base.catalog, catalog))
    pdf = out.finish()
    return _fill(pdf, contents_at, reserved, parts, sign_attributes)


def _add_widget(out: _Update, signature: Signature, look: int, value: int) -> int:
    """The signature field and its widget on the first page, printable and
    locked (/F 132), showing the stamp."""
    return out.add(
        out.next,
        b"<< /Type /Annot /Subtype /Widget /FT /Sig /T %s /F 132 /Rect [%s] "
        b"/P %d 0 R /AP << /N %d 0 R >> /V %d 0 R >>"
        % (
            _text(signature.field),
            b" ".join(b"%d" % v for v in signature.box),
            out.base.page,
            look,
            value,
        ),
    )


def _plain(name: str) -> bool:
    """A file name written as is: printable ASCII (the name tree sorts bytes)."""
    return name.isascii() and name.isprintable()


class _Update:
    """An incremental update being written: objects, then xref and trailer."""

    def __init__(self, base: Base) -> None:
        self.base = base
        self.next = base.size
        self.chunks = [base.pdf if base.pdf.endswith(b"\n") else base.pdf + b"\n"]
        self.length = len(self.chunks[0])
        self.offsets: dict[int, int] = {}

    def add(self, number: int, body: bytes) -> int:
        self.offsets[number] = self.length
        self._write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
        self.next = max(self.next, number + 1)
        return number

    def add_signature(self, number: int, signature: Signature, reserved: int) -> int:
        """The signature dictionary; returns where its /Contents hex string starts."""
        local = signature.moment.astimezone(VIETNAM)
        head = (
            b"<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached "
            b"/M (D:%s+07'00') /Name %s /Reason %s /Location %s %s /Contents "
            % (
                local.strftime("%Y%m%d%H%M%S").encode(),
                _text(signature.organisation),
                _text(signature.reason),
                _text(signature.location),
                _RANGE,
            )
        )
        self.add(number, head + b"<" + b"0" * (2 * reserved) + b"> >>")
        return self.offsets[number] + len(b"%d 0 obj\n" % number) + len(head)

    def finish(self) -> bytearray:
        xref_at = self.length
        self._write(b"xref\n" + _xref(self.offsets))
        base = self.base
        new_id = os.urandom(16).hex().encode()
        self._write(
            b"trailer\n<< /Size %d /Root %d 0 R %s /ID [%s <%s>] /Prev %d >>\n"
            b"startxref\n%d\n%%%%EOF\n"
            % (
                self.next,
                base.root,
                base.info,
                base.first_id,
                new_id,
                base.xref_at,
                xref_at,
            )
        )
        return bytearray(b"".join(self.chunks))

    def _write(self, data: bytes) -> None:
        self.chunks.append(data)
        self.length += len(data)


def _xref(offsets: dict[int, int]) -> bytes:
    """The cross-reference section: one subsection per run of numbers."""
    numbers = sorted(offsets)
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    return b"".join(
        b"%d %d\n" % (run[0], len(run))
        + b"".join(b"%010d 00000 n\r\n" % offsets[n] for n in run)
        for run in runs
    )


def _with(dictionary: bytes, keys: bytes) -> bytes:
    """The dictionary as written, with keys added after its opening "<<"."""
    return b"<< " + keys + b" " + dictionary[2:]


def _text(value: str) -> bytes:
    """A PDF text string: UTF-16BE with its byte order mark, in hex (§7.9.2.2)."""
    return b"<FEFF" + value.encode("utf-16-be").hex().upper().encode() + b">"


def _embed(
    out: _Update, attachments: Sequence[tuple[str, bytes]], signature: Signature
) -> bytes:
    """The packets as embedded files; returns the name tree's /Names array."""
    when = signature.moment.astimezone(VIETNAM).strftime("D:%Y%m%d%H%M%S+07'00'")
    entries = []
    for name, data in sorted(attachments):
        packed = zlib.compress(data)
        stream = out.add(
            out.next,
            b"<< /Type /EmbeddedFile %s/Filter /FlateDecode "
            b"/Params << /Size %d /CheckSum <%s> /CreationDate (%s) /ModDate (%s) >> "
            b"/Length %d >>\nstream\n"
            % (
                b"/Subtype /application#2Fxml " if name.endswith(".xml") else b"",
                len(data),
                hashlib.md5(data).hexdigest().encode(),  # noqa: S324 (§7.11.4)
                when.encode(),
                when.encode(),
                len(packed),
            )
            + packed
            + b"\nendstream",
        )
        written = b"<" + name.encode().hex().encode() + b">"
        spec = out.add(
            out.next,
            b"<< /Type /Filespec /F %s /UF %s /EF << /F %d 0 R /UF %d 0 R >> "
            b"/Desc %s >>"
            % (written, written, stream, stream, _text(signature.description)),
        )
        entries.append(b"%s %d 0 R" % (written, spec))
    return b" ".join(entries)


def _xobject(stamp: bytes, width: int, height: int, font: int) -> bytes:
    return (
        b"<< /Type /XObject /Subtype /Form /BBox [0 0 %d %d] "
        b"/Resources << /Font << /F1 %d 0 R >> >> /Length %d >>\nstream\n"
        % (width, height, font, len(stamp))
        + stamp
        + b"\nendstream"
    )


def _fill(
    pdf: bytearray,
    contents_at: int,
    reserved: int,
    parts: _cms.SealParts,
    sign_attributes: Callable[[bytes], bytes],
) -> bytes | None:
    """Write the byte range, digest it, write the CMS into the placeholder."""
    end = contents_at + 2 * reserved + 2
    ranges = (contents_at, end, len(pdf) - end)
    range_at = pdf.rfind(_RANGE, 0, contents_at)  # the nearest: this dictionary's
    filled = (
        b"/ByteRange [0 "
        + b" ".join(str(v).rjust(_RANGE_WIDTH).encode() for v in ranges)
        + b"]"
    )
    pdf[range_at : range_at + len(_RANGE)] = filled
    with memoryview(pdf) as view:
        digest = hashlib.sha256(view[:contents_at])
        digest.update(view[end:])
    cms = _cms.signed_data(parts, digest.digest(), sign_attributes)
    if len(cms) > reserved:
        return None
    pdf[contents_at + 1 : contents_at + 1 + 2 * len(cms)] = cms.hex().upper().encode()
    return bytes(pdf)
