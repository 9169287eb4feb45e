"""The work an uploaded soft copy may cost before it is refused.

Anyone may upload a PDF to the check page, so reading one must stay cheap whatever
its shape. A depth limit alone does not do it: a name tree whose nodes share their
kids (8 references to the same node, 16 levels deep) fits in a few kilobytes and
has 8^16 paths. Every walk therefore counts what it visits against one budget per
upload: the objects seen (a node is visited once, a second visit is refused), the
attachments, the bytes inflated from their streams, the revisions and signatures,
and the wall time. Going over any of them raises BudgetExceededError with a stable
code and its limit; the caller answers with a refusal, never a partial result.
"""

from __future__ import annotations

import re
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pyhanko.pdf_utils import generic

from hocbaso.printing.errors import PrintingError


@dataclass(frozen=True, slots=True)
class Limits:
    """The most one upload may cost; a transcript's soft copy uses a fraction.

    A five-year primary transcript has about 1,050 objects, 2 revisions, one
    signature carrying 2 or 3 certificates and 5 attachments of about 20 KiB each.
    Certificates are bounded because each one carried is a candidate for path
    building, whose work grows with their number.
    """

    objects: int = 20_000
    tree_nodes: int = 1_000
    attachments: int = 32
    attachment_bytes: int = 2 * 1024 * 1024
    inflated_bytes: int = 16 * 1024 * 1024
    revisions: int = 16
    signatures: int = 8
    certificates: int = 16
    seconds: float = 10.0


LIMITS = Limits()


def _(message: str) -> str:
    """Mark a message for translation; translated where it is shown, not here."""
    return message


# The stable codes and their sentences (translated where they are shown).
MESSAGES = {
    "PDF_TOO_MANY_OBJECTS": _("the file has more than %(limit)s objects"),
    "PDF_TREE_TOO_LARGE": _("the attachment tree has more than %(limit)s nodes"),
    "PDF_TREE_SHARED_NODE": _("the attachment tree visits the same node twice"),
    "PDF_TREE_TOO_DEEP": _("the attachment tree is deeper than %(limit)s levels"),
    "PDF_TOO_MANY_ATTACHMENTS": _("the file has more than %(limit)s attachments"),
    "PDF_ATTACHMENT_TOO_LARGE": _(
        "an attachment inflates to more than %(limit)s bytes"
    ),
    "PDF_INFLATES_TOO_MUCH": _("the attachments inflate to more than %(limit)s bytes"),
    "PDF_ATTACHMENT_FILTER": _("an attachment is encoded with an unsupported filter"),
    "PDF_TOO_MANY_REVISIONS": _("the file has more than %(limit)s revisions"),
    "PDF_TOO_MANY_SIGNATURES": _("the file has more than %(limit)s signatures"),
    "PDF_TOO_MANY_CERTIFICATES": _(
        "a signature carries more than %(limit)s certificates"
    ),
    "PDF_TOO_SLOW": _("checking the file took longer than %(limit)s seconds"),
}


class BudgetExceededError(PrintingError):
    """An upload costs more than its budget; code is one of MESSAGES' keys."""

    def __init__(self, code: str, limit: int | float) -> None:
        self.code, self.limit = code, limit
        super().__init__(MESSAGES[code] % {"limit": limit})

    @property
    def template(self) -> str:
        """The untranslated sentence, to translate then fill with params."""
        return MESSAGES[self.code]

    @property
    def params(self) -> dict[str, int | float]:
        return {"limit": self.limit}


@dataclass
class Budget:
    """What one upload has spent so far; each spend raises past its limit."""

    limits: Limits = LIMITS
    clock: Callable[[], float] = time.monotonic
    nodes: int = 0
    attachments: int = 0
    inflated: int = 0
    started: float = field(default=-1.0)
    _seen: set[tuple[int, int]] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.started = self.clock()

    def check_time(self) -> None:
        if self.clock() - self.started > self.limits.seconds:
            raise BudgetExceededError("PDF_TOO_SLOW", self.limits.seconds)

    def count(self, what: str, value: int, limit: int) -> None:
        if value > limit:
            raise BudgetExceededError(what, limit)

    def visit(self, value: Any) -> Any:
        """The object value points to, counted; a second visit is refused."""
        self.nodes += 1
        self.count("PDF_TREE_TOO_LARGE", self.nodes, self.limits.tree_nodes)
        self.check_time()
        if not isinstance(value, generic.IndirectObject):
            return value
        key = (value.idnum, value.generation)
        if key in self._seen:
            raise BudgetExceededError("PDF_TREE_SHARED_NODE", 1)
        self._seen.add(key)
        return value.get_object()  # type: ignore[no-untyped-call]

    def inflate(self, stream: Any) -> bytes:
        """An attachment's bytes, inflated no further than the limits allow."""
        self.attachments += 1
        self.count(
            "PDF_TOO_MANY_ATTACHMENTS", self.attachments, self.limits.attachments
        )
        room = min(
            self.limits.attachment_bytes, self.limits.inflated_bytes - self.inflated
        )
        data = _decoded(stream, room)
        if len(data) > room:
            if room < self.limits.attachment_bytes:
                raise BudgetExceededError(
                    "PDF_INFLATES_TOO_MUCH", self.limits.inflated_bytes
                )
            raise BudgetExceededError(
                "PDF_ATTACHMENT_TOO_LARGE", self.limits.attachment_bytes
            )
        self.inflated += len(data)
        return data


# A classic cross-reference subsection's header, "<first> <count>", followed by its
# first 20-byte entry; an xref stream's dictionary declares its /Size (an embedded
# file's /Params has a /Size too, its length in bytes: only /XRef dictionaries
# count).
_SUBSECTION = re.compile(
    rb"(?<![0-9])[0-9]{1,10}[ \t]+([0-9]{1,10})[ \t]*\r?\n"
    rb"(?=[0-9]{10}[ \t][0-9]{5}[ \t][nf])"
)
_XREF_STREAM = re.compile(rb"/Type[ \t\r\n]*/XRef(?![A-Za-z])")
_SIZE = re.compile(rb"/Size[ \t\r\n]*([0-9]{1,12})")
_DICTIONARY_SPAN = 4096


def prescan(pdf: bytes, budget: Budget) -> None:
    """Refuse a file whose cross-reference tables declare more objects, or which
    has more revisions, than the budget allows, before a PDF reader parses them:
    pyHanko reads a table of 900,000 entries (18 MB) for 9 s before anything can
    be counted. Regular expressions over the bytes take a fraction of that."""
    limits = budget.limits
    declared = 0
    for match in _SUBSECTION.finditer(pdf):  # stops at the first one too many
        declared += int(match.group(1))
        budget.count("PDF_TOO_MANY_OBJECTS", declared, limits.objects)
    for size in _xref_stream_sizes(pdf):
        budget.count("PDF_TOO_MANY_OBJECTS", size, limits.objects)
    # One startxref per revision, two for a linearized first revision.
    budget.count(
        "PDF_TOO_MANY_REVISIONS", pdf.count(b"startxref") // 2, limits.revisions
    )


def _xref_stream_sizes(pdf: bytes) -> list[int]:
    """The /Size of each cross-reference stream: read in its dictionary, between
    the object's "obj" and its "stream" keywords."""
    sizes = []
    for match in _XREF_STREAM.finditer(pdf):
        start = pdf.rfind(
            b"obj", max(0, match.start() - _DICTIONARY_SPAN), match.start()
        )
        end = pdf.find(b"stream", match.end(), match.end() + _DICTIONARY_SPAN)
        if start != -1 and end != -1:
            sizes += [int(m.group(1)) for m in _SIZE.finditer(pdf, start, end)]
    return sizes


def _decoded(stream: Any, room: int) -> bytes:
    """At most room + 1 bytes of the stream: raw, or one FlateDecode without
    parameters (what sign_pdf writes); other filters are refused, so no decoder
    ever inflates more than the budget."""
    if not isinstance(stream, generic.StreamObject):
        raise BudgetExceededError("PDF_ATTACHMENT_FILTER", 0)
    filters = list(stream._filters())
    raw = stream.encoded_data
    if not filters:
        return raw[: room + 1]
    name, params = filters[0]
    plain = params is None or isinstance(params, generic.NullObject) or not params
    if len(filters) != 1 or name != "/FlateDecode" or not plain:
        raise BudgetExceededError("PDF_ATTACHMENT_FILTER", 0)
    try:
        return zlib.decompressobj().decompress(raw, room + 1)
    except zlib.error as exc:
        raise PrintingError(f"an attachment's stream is corrupt: {exc}") from exc
