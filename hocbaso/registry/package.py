"""Reading what a school sends: one signed packet, or a class package (gói tin).

The package format (schema/package-1.0.xsd, docs/registry.md) is a container of
packets: each one base64-encoded with its SHA-256, so the registry keeps exactly the
bytes that were signed. Every packet inside carries the issuance signature (the
school's seal) as any single packet does; the package adds no signature of its own
[decision]: the seal of each record already binds it to the school.

Steps of ``read_document``, each refusing the whole receipt with a ReceiptCode:
1. size limit, before parsing; no DOCTYPE or entity declaration;
2. well-formed XML, parsed without entities or network, nesting bounded (libxml2's
   256 levels); then, from the tree, so any encoding is read (UTF-16 too): no
   DOCTYPE or entity, and no comment or processing instruction where it could split
   a value (inside the root; anywhere in a single packet, which allows none);
3. the root: a packet (kept as is; its own checks come per record) or a package;
4. a package: the XSD, the declared count, each packet's base64 and SHA-256, and
   its school code, which must be the submitting school's.
"""

from __future__ import annotations

import binascii
import hashlib
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import pybase64
from django.utils.translation import gettext as _
from lxml import etree

from hocbaso.packet import MAX_PACKET_BYTES, NAMESPACE
from hocbaso.registry.codes import Problem, ReceiptCode

PACKAGE_NAMESPACE = "urn:hocbaso:package:1"
PACKAGE_VERSION = "1.0"
MAX_PACKAGE_BYTES = 64 * 1024 * 1024
_FORBIDDEN = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
_XSD = "http://www.w3.org/2001/XMLSchema"


class DocumentError(Exception):
    """The bytes are refused as a whole; ``problem`` says why."""

    def __init__(self, code: ReceiptCode, message: str) -> None:
        super().__init__(message)
        self.problem = Problem(code.value, message)


@dataclass(frozen=True)
class Document:
    """What was received: its kind and the packet bytes it carries, in order."""

    kind: str  # "packet" or "package"
    packets: tuple[bytes, ...]
    school_code: str | None = None
    school_year: str | None = None
    class_name: str | None = None
    # The SHA-256 (hex) of each packet, in order, when already computed.
    digests: tuple[str, ...] | None = None


def _parser() -> etree.XMLParser:
    # Comments and instructions kept, to be refused (_refuse_hidden_nodes); CDATA
    # merged into the text (strip_cdata), as the schema and C14N read it.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=False,
        remove_pis=False,
        strip_cdata=True,
    )


@cache
def _schema() -> etree.XMLSchema:
    """The published schema, as validated here: a packet's text taken as a string.

    libxml2 checking xs:base64Binary costs as much as decoding it (about 3 ms a
    megabyte); ``_decode`` then decodes each packet strictly anyway (base64
    characters and padding, whitespace allowed as base64Binary allows it) and
    refuses the receipt with the same code, naming the record. Everything else of
    the schema is checked as published.
    """
    path = resources.files("hocbaso.registry") / "schema" / "package-1.0.xsd"
    tree = etree.fromstring(path.read_bytes(), _parser())
    for extension in tree.iter(f"{{{_XSD}}}extension"):
        if extension.get("base") == "xs:base64Binary":
            extension.set("base", "xs:string")
    return etree.XMLSchema(tree)


def _q(name: str) -> str:
    return f"{{{PACKAGE_NAMESPACE}}}{name}"


def read_document(data: bytes, school_code: str) -> Document:
    """The packets of a packet or a package; DocumentError refuses the receipt."""
    if len(data) > MAX_PACKAGE_BYTES:
        raise DocumentError(
            ReceiptCode.TOO_LARGE,
            _("The file has %(size)s bytes; the limit is %(limit)s.")
            % {"size": len(data), "limit": MAX_PACKAGE_BYTES},
        )
    # "<!" found by memchr first: a package is megabytes of base64 without one.
    if b"<!" in data and _FORBIDDEN.search(data):
        raise DocumentError(
            ReceiptCode.MALFORMED_XML, _("A DOCTYPE or an entity is not allowed.")
        )
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise DocumentError(
            ReceiptCode.MALFORMED_XML,
            _("The file is not well-formed XML (line %(line)s).")
            % {"line": exc.lineno},
        ) from exc
    is_packet = etree.QName(root).namespace == NAMESPACE
    _refuse_hidden_nodes(root, anywhere=is_packet)
    if is_packet:
        return _single_packet(data)
    if root.tag != _q("GOI_TIN"):
        raise DocumentError(
            ReceiptCode.UNKNOWN_DOCUMENT,
            _("The file is neither a transcript packet nor a class package."),
        )
    return _package(root, school_code)


def _refuse_hidden_nodes(root: etree._Element, *, anywhere: bool) -> None:
    """What the raw scan cannot see (another encoding), and what would make ``.text``
    read less than the schema validated and a signature covers: a comment or an
    instruction splitting a value (<matruong>01001<!---->001</matruong> reads 01001).
    A comment before or after a package's root changes no value and is kept."""
    docinfo = root.getroottree().docinfo
    if (
        docinfo.doctype
        or docinfo.internalDTD is not None
        or next(root.iter(etree.Entity), None) is not None
    ):
        raise DocumentError(
            ReceiptCode.MALFORMED_XML, _("A DOCTYPE or an entity is not allowed.")
        )
    nodes = root.iter(etree.Comment, etree.ProcessingInstruction)
    outside = [*root.itersiblings(preceding=True), *root.itersiblings()]
    for node in [*outside, *nodes] if anywhere else nodes:
        raise DocumentError(
            ReceiptCode.MALFORMED_XML,
            _(
                "Line %(line)s has an XML comment or processing instruction, which"
                " is not allowed there: a signature does not cover it, and a value"
                " split by it would read differently."
            )
            % {"line": node.sourceline},
        )


def _single_packet(data: bytes) -> Document:
    if len(data) > MAX_PACKET_BYTES:
        raise DocumentError(
            ReceiptCode.TOO_LARGE,
            _("A packet has at most %(limit)s bytes.") % {"limit": MAX_PACKET_BYTES},
        )
    return Document("packet", (data,))


def _package(root: etree._Element, school_code: str) -> Document:
    schema = _schema()
    if not schema.validate(root):
        error = schema.error_log.last_error
        raise DocumentError(
            ReceiptCode.PACKAGE_SCHEMA,
            _("The package does not follow its schema (line %(line)s): %(error)s")
            % {"line": error.line, "error": error.message},
        )
    head = root.find(_q("THONG_TIN_GOI_TIN"))
    code = head.findtext(_q("matruong"))
    if code != school_code:
        raise DocumentError(
            ReceiptCode.PACKAGE_SCHOOL_MISMATCH,
            _("The package is of school %(code)s, not of the submitting school.")
            % {"code": code},
        )
    decoded = [_decode(e) for e in root.iter(_q("HOC_BA_SO"))]
    packets = tuple(packet for packet, _digest in decoded)
    if int(head.findtext(_q("soluong"))) != len(packets):
        raise DocumentError(
            ReceiptCode.PACKAGE_SCHEMA,
            _("The package declares %(declared)s records but holds %(held)s.")
            % {"declared": head.findtext(_q("soluong")), "held": len(packets)},
        )
    return Document(
        "package",
        packets,
        school_code=code,
        school_year=head.findtext(_q("namhoc")),
        class_name=head.findtext(_q("tenlop")),
        digests=tuple(digest for _packet, digest in decoded),
    )


def _decode(element: etree._Element) -> tuple[bytes, str]:
    """The packet's bytes and their SHA-256 (hex), checked against the attribute."""
    number = element.get("stt")
    text = element.text or ""
    try:
        try:  # one line of base64, as build_package writes it
            packet = pybase64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            # else whitespace allowed (base64Binary), nothing more; a character
            # outside ASCII is a ValueError, not a binascii.Error
            packet = pybase64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise DocumentError(
            ReceiptCode.PACKAGE_SCHEMA,
            _("Record %(n)s of the package is not base64.") % {"n": number},
        ) from exc
    digest = hashlib.sha256(packet).hexdigest()
    if digest != element.get("sha256"):
        raise DocumentError(
            ReceiptCode.PACKAGE_DIGEST_MISMATCH,
            _("Record %(n)s of the package does not match its SHA-256.")
            % {"n": number},
        )
    return packet, digest


def build_package(
    packets: list[bytes],
    *,
    school_code: str,
    school_year: str,
    class_name: str | None = None,
) -> bytes:
    """A class package of signed packets, as a school's software would write it."""
    root = etree.Element(_q("GOI_TIN"), nsmap={None: PACKAGE_NAMESPACE})
    root.set("version", PACKAGE_VERSION)
    head = etree.SubElement(root, _q("THONG_TIN_GOI_TIN"))
    etree.SubElement(head, _q("matruong")).text = school_code
    etree.SubElement(head, _q("namhoc")).text = school_year
    if class_name:
        etree.SubElement(head, _q("tenlop")).text = class_name
    etree.SubElement(head, _q("soluong")).text = str(len(packets))
    listing = etree.SubElement(root, _q("DANH_SACH_HOC_BA"))
    for number, packet in enumerate(packets, 1):
        item = etree.SubElement(listing, _q("HOC_BA_SO"))
        item.set("stt", str(number))
        item.set("sha256", hashlib.sha256(packet).hexdigest())
        item.text = pybase64.b64encode(packet).decode("ascii")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
