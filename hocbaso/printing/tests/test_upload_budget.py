"""A hostile upload is refused promptly: every walk counts against one budget."""

from __future__ import annotations

import io
import zlib
from collections.abc import Callable
from dataclasses import replace

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader

from hocbaso.printing import PdfSealSigner, PrintingError, attached_packets, sign_pdf
from hocbaso.printing._budget import LIMITS, Budget, BudgetExceededError
from hocbaso.printing.tests.helpers import NOW, Rendered
from hocbaso.printing.verify import _read_attachments, verify_pdf
from hocbaso.signing import KeyFileSigner, Status
from hocbaso.signing.pki import DemoPki

Name = generic.NameObject


@pytest.fixture(scope="module")
def signed(primary: Rendered, seal: KeyFileSigner) -> bytes:
    return sign_pdf(
        primary.pdf,
        PdfSealSigner(seal),
        attachments=[("hocba.xml", b"<a/>")],
        reason="Bản sao điện tử học bạ",
        location="Hà Nội",
        signing_time=NOW,
    )


def with_tree(pdf: bytes, build: Callable[[IncrementalPdfFileWriter], object]) -> bytes:
    """pdf with an update whose root's attachment tree is what build returns."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    tree = build(writer)
    names = generic.DictionaryObject({Name("/EmbeddedFiles"): tree})
    writer.root[Name("/Names")] = writer.add_object(names)
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def file_spec(writer: IncrementalPdfFileWriter, data: bytes, **entries) -> object:
    stream = generic.StreamObject(
        {Name(k): v for k, v in entries.items()}, encoded_data=data
    )
    files = generic.DictionaryObject({Name("/F"): writer.add_object(stream)})
    return writer.add_object(generic.DictionaryObject({Name("/EF"): files}))


def leaves(writer: IncrementalPdfFileWriter, count: int, data: bytes = b"<a/>"):
    spec = {"/Filter": Name("/FlateDecode")}
    pairs = generic.ArrayObject()
    for n in range(count):
        pairs += [
            generic.TextStringObject(f"f{n:05}.xml"),
            file_spec(writer, zlib.compress(data), **spec),
        ]
    return writer.add_object(generic.DictionaryObject({Name("/Names"): pairs}))


def shared_tree(writer: IncrementalPdfFileWriter) -> object:
    """8 kids on each of 16 levels, all the same node: 8^16 paths in 17 objects."""
    node = leaves(writer, 1)
    for _ in range(16):
        kids = generic.ArrayObject([node] * 8)
        node = writer.add_object(generic.DictionaryObject({Name("/Kids"): kids}))
    return node


def wide_tree(writer: IncrementalPdfFileWriter) -> object:
    """Distinct nodes, 2 levels of 40 kids: 1,600 leaves' nodes, each seen once."""
    level = [leaves(writer, 0) for _ in range(1600)]
    parents = [
        writer.add_object(
            generic.DictionaryObject(
                {Name("/Kids"): generic.ArrayObject(level[i : i + 40])}
            )
        )
        for i in range(0, 1600, 40)
    ]
    return writer.add_object(
        generic.DictionaryObject({Name("/Kids"): generic.ArrayObject(parents)})
    )


def refusal(pdf: bytes, pki: DemoPki, **options: object) -> str | None:
    result = verify_pdf(pdf, [pki.root.certificate], at=NOW, **options)  # type: ignore[arg-type]
    if result.refused_code is not None:
        assert result.status is Status.INVALID
        assert result.attachments == ()
        assert [c.name for c in result.checks] == ["budget"]
    return result.refused_code


def walk_budget(pdf: bytes, budget: Budget) -> Budget:
    """The budget after reading pdf's attachments (the refusal expected)."""
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    with pytest.raises(BudgetExceededError):
        _read_attachments(reader, budget)
    return budget


def test_a_tree_sharing_its_nodes_is_refused_at_the_first_repeat(
    signed: bytes, pki: DemoPki
) -> None:
    pdf = with_tree(signed, shared_tree)
    assert refusal(pdf, pki) == "PDF_TREE_SHARED_NODE"
    assert walk_budget(pdf, Budget()).nodes <= 2 * 17 + 8


def test_a_tree_with_too_many_nodes_stops_at_the_limit(
    signed: bytes, pki: DemoPki
) -> None:
    pdf = with_tree(signed, wide_tree)
    assert refusal(pdf, pki) == "PDF_TREE_TOO_LARGE"
    assert walk_budget(pdf, Budget()).nodes == LIMITS.tree_nodes + 1


def test_two_thousand_attachments_are_refused_after_the_limit(
    signed: bytes, pki: DemoPki
) -> None:
    pdf = with_tree(signed, lambda w: leaves(w, 2000))
    limits = replace(LIMITS, tree_nodes=100_000)
    assert refusal(pdf, pki, limits=limits) == "PDF_TOO_MANY_ATTACHMENTS"
    budget = walk_budget(pdf, Budget(limits))
    assert budget.attachments == LIMITS.attachments + 1
    with pytest.raises(PrintingError, match="more than 32 attachments"):
        attached_packets(pdf, limits=limits)


def test_an_attachment_inflating_past_its_limit_is_not_inflated_further(
    signed: bytes, pki: DemoPki
) -> None:
    bomb = b"\0" * (64 * 1024 * 1024)
    pdf = with_tree(signed, lambda w: leaves(w, 1, bomb))
    assert len(pdf) < len(signed) + 200_000
    assert refusal(pdf, pki) == "PDF_ATTACHMENT_TOO_LARGE"
    assert walk_budget(pdf, Budget()).inflated == 0


def test_attachments_inflating_past_the_total_are_refused(
    signed: bytes, pki: DemoPki
) -> None:
    pdf = with_tree(signed, lambda w: leaves(w, 5, b"x" * 4000))
    limits = replace(LIMITS, inflated_bytes=10_000)
    assert refusal(pdf, pki, limits=limits) == "PDF_INFLATES_TOO_MUCH"
    assert walk_budget(pdf, Budget(limits)).inflated == 8000


def test_an_attachment_with_another_filter_is_refused(
    signed: bytes, pki: DemoPki
) -> None:
    def lzw(writer: IncrementalPdfFileWriter) -> object:
        spec = file_spec(writer, b"\x80\x0b", **{"/Filter": Name("/LZWDecode")})
        pairs = generic.ArrayObject([generic.TextStringObject("a.xml"), spec])
        return writer.add_object(generic.DictionaryObject({Name("/Names"): pairs}))

    assert refusal(with_tree(signed, lzw), pki) == "PDF_ATTACHMENT_FILTER"


def test_too_many_revisions_are_refused_before_any_walk(
    signed: bytes, pki: DemoPki
) -> None:
    pdf = signed
    for _ in range(LIMITS.revisions):
        pdf = with_tree(pdf, lambda w: leaves(w, 1))
    assert refusal(pdf, pki) == "PDF_TOO_MANY_REVISIONS"


def test_too_many_objects_are_refused(signed: bytes, pki: DemoPki) -> None:
    limits = replace(LIMITS, objects=500)
    assert refusal(signed, pki, limits=limits) == "PDF_TOO_MANY_OBJECTS"


def test_the_walk_stops_when_the_time_is_spent(signed: bytes, pki: DemoPki) -> None:
    ticks = iter(range(0, 10_000, 3))
    clock = lambda: float(next(ticks))  # noqa: E731 - three seconds a look
    assert refusal(signed, pki, clock=clock) == "PDF_TOO_SLOW"


def test_a_soft_copy_within_the_budget_verifies(signed: bytes, pki: DemoPki) -> None:
    result = verify_pdf(signed, [pki.root.certificate], at=NOW)
    assert result.refused_code is None
    assert result.attachments == (("hocba.xml", b"<a/>"),)


def test_a_signature_carrying_too_many_certificates_is_refused(
    signed: bytes, pki: DemoPki
) -> None:
    limits = replace(LIMITS, certificates=1)
    assert refusal(signed, pki, limits=limits) == "PDF_TOO_MANY_CERTIFICATES"


def _big_table(entries: int, size: int) -> bytes:
    """A PDF whose classic cross-reference table has entries lines, its trailer
    claiming /Size size."""
    head = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
    lines = [b"0000000000 65535 f \n"] + [b"0000000009 00000 n \n"] * (entries - 1)
    table = b"xref\n0 %d\n" % entries + b"".join(lines)
    trailer = b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
    return head + table + trailer % (size, len(head))


@pytest.mark.parametrize("size", [3, 100_000])
def test_a_huge_cross_reference_table_is_refused_before_it_is_parsed(
    pki: DemoPki, monkeypatch: pytest.MonkeyPatch, size: int
) -> None:
    """Whatever the trailer claims, the table is counted on the bytes: the PDF
    reader is never started."""

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("the PDF reader parsed the table")

    monkeypatch.setattr("hocbaso.printing.verify.PdfFileReader", never)
    pdf = _big_table(100_000, size)
    assert refusal(pdf, pki) == "PDF_TOO_MANY_OBJECTS"


def test_many_revisions_are_refused_before_they_are_parsed(
    pki: DemoPki, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("hocbaso.printing.verify.PdfFileReader", None)
    pdf = _big_table(3, 3) + b"startxref\n0\n%%EOF\n" * 40
    assert refusal(pdf, pki) == "PDF_TOO_MANY_REVISIONS"


def test_a_cross_reference_stream_declaring_too_many_objects_is_refused(
    pki: DemoPki, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("hocbaso.printing.verify.PdfFileReader", None)
    data = zlib.compress(b"\0" * 7 * 1_000_000)
    xref = b"3 0 obj\n<< /Type /XRef /W [1 4 2] /Size 1000000 /Length %d >>\nstream\n"
    pdf = b"%PDF-1.7\n" + xref % len(data) + data + b"\nendstream\nendobj\n"
    assert refusal(pdf, pki) == "PDF_TOO_MANY_OBJECTS"


def test_an_embedded_files_size_is_not_taken_for_a_table(
    primary: Rendered, seal: KeyFileSigner, pki: DemoPki
) -> None:
    """/Params << /Size n >> gives an attachment's length, not a count of objects."""
    packet = b"<a>" + b"x" * 30_000 + b"</a>"
    pdf = sign_pdf(
        primary.pdf,
        PdfSealSigner(seal),
        attachments=[("hocba.xml", packet)],
        reason="Bản sao điện tử học bạ",
        location="Hà Nội",
        signing_time=NOW,
    )
    assert b"/Size 30007" in pdf
    assert refusal(pdf, pki, limits=replace(LIMITS, objects=25_000)) is None
