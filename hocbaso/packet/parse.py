"""Packet bytes → validated tree → snapshot, refusing anything unsafe or unexpected.

Steps, each failing with a PacketError subclass that names the element and line:
1. size limit, before any parsing;
2. no DOCTYPE and no entity declaration (raw scan, then the parsed tree's docinfo);
   at most MAX_NAMESPACE_DECLARATIONS namespace declarations (canonicalising
   costs the square of them);
3. well-formed XML with a parser that resolves no entity and touches no network,
   nesting no deeper than libxml2's default limit (256 levels without huge_tree);
4. no comment and no processing instruction anywhere: signatures are computed over
   C14N without comments, so a comment inside a value (<hovaten>Vũ<!-- --> Trâm) would
   leave every signature valid while ``element.text`` stops at it;
5. the root's name, namespace and version;
6. the XSD schema of the packet's version (hocba-1.0.xsd or hocba-1.1.xsd);
7. no packet element inside a signature, where the schema does not look (lax);
8. the values the schema cannot tie together (level vs. subject table, slots vs. data).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

from lxml import etree

from hocbaso.packet import _columns as c
from hocbaso.packet import layout as L
from hocbaso.packet.errors import (
    PacketContentError,
    PacketForbiddenError,
    PacketSchemaError,
    PacketSyntaxError,
    PacketTooLargeError,
    PacketVersionError,
)
from hocbaso.packet.snapshot import (
    Certificate,
    HistoryRow,
    Issuance,
    Leader,
    Person,
    PrimaryResults,
    PrimarySubject,
    Rating,
    RecordLevel,
    RecordSnapshot,
    School,
    SecondaryResults,
    SecondarySubject,
    Student,
)

Element = etree._Element

# A yearly record is a few tens of kilobytes even with every signature; 2 MiB leaves
# room for long certificate chains and timestamps while bounding the parser's work.
MAX_PACKET_BYTES = 2 * 1024 * 1024
SCHEMA_FILES = {version: f"hocba-{version}.xsd" for version in L.PACKET_VERSIONS}
_FORBIDDEN = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=False,  # signed content must stay byte-for-byte the same
        # Kept in the tree so they can be refused (_refuse_hidden_nodes); removing
        # them would read "Vũ Trâm" from <!-- -->-split text, but silently accept
        # bytes the profile never writes.
        remove_comments=False,
        remove_pis=False,
        # CDATA sections merged into the text, as C14N renders them: a value split
        # by <![CDATA[…]]> reads whole, the same characters the signature covers.
        strip_cdata=True,
    )


@cache
def _schema(version: str) -> etree.XMLSchema:
    # Beside this module (importlib.resources costs a verifier's start-up ~10 ms).
    path = Path(__file__).resolve().parent / "schema" / SCHEMA_FILES[version]
    return etree.XMLSchema(etree.fromstring(path.read_bytes(), _parser()))


def load_packet_tree(data: bytes) -> Element:
    """Parse and validate packet bytes; the root element of the safe, schema-valid tree.

    Raises PacketTooLargeError, PacketForbiddenError, PacketSyntaxError,
    PacketVersionError or PacketSchemaError.
    """
    if len(data) > MAX_PACKET_BYTES:
        raise PacketTooLargeError(
            f"packet is {len(data)} bytes; the limit is {MAX_PACKET_BYTES}"
        )
    _refuse_declarations(data)
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise PacketSyntaxError(
            f"line {exc.lineno}: not well-formed XML: {exc.msg}"
        ) from exc
    _refuse_doctype(root)
    _refuse_many_namespaces(root)
    _refuse_hidden_nodes(root)
    _check_root(root)
    validate_tree(root)
    _refuse_packet_elements_in_signatures(root)
    return root


def _refuse_declarations(data: bytes) -> None:
    # A declaration starts "<!": without any "!" (one memchr) there is none; the
    # pattern's search costs a lower-secondary packet some 20 µs.
    if b"!" not in data:
        return
    match = _FORBIDDEN.search(data)
    if match is not None:
        line = data.count(b"\n", 0, match.start()) + 1
        kind = match.group(1).decode().upper()
        raise PacketForbiddenError(
            f"line {line}: <!{kind}> is not allowed in a packet", code=kind, line=line
        )


def _refuse_doctype(root: Element) -> None:
    """A second guard for encodings the raw scan cannot read (UTF-16 and the like)."""
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:  # type: ignore[attr-defined]
        raise PacketForbiddenError(
            "line 1: a DOCTYPE is not allowed in a packet", line=1
        )
    for entity in root.iter(etree.Entity):
        raise PacketForbiddenError(
            f"line {entity.sourceline}: entity reference {entity.text}",
            code="ENTITY",
            line=entity.sourceline,
        )


# Canonicalising a tree (every signature check) costs libxml2 time growing with
# the square of the namespaces declared: 800 declarations on the root cost a
# verification a second, the 100 000 that 2 MiB hold would cost hours. A packet
# of the profile declares a handful (the packet's, XMLDSig's, XAdES's).
MAX_NAMESPACE_DECLARATIONS = 128


def _refuse_many_namespaces(root: Element) -> None:
    """At most MAX_NAMESPACE_DECLARATIONS namespace declarations in the tree,
    counted in C (only the first ones come back to Python)."""
    declarations: Any = etree.iterwalk(root, events=("start-ns",))
    for declared, _ in enumerate(declarations, start=1):
        if declared > MAX_NAMESPACE_DECLARATIONS:
            line = _crowded_line(root)
            where = f"line {line}: " if line is not None else ""
            raise PacketForbiddenError(
                f"{where}more than {MAX_NAMESPACE_DECLARATIONS} namespace"
                " declarations; a packet declares a handful",
                code="NAMESPACES",
                line=line,
            )


def _crowded_line(root: Element) -> int | None:
    """The line of the first element with more namespaces in scope than the
    limit; None when the declarations are spread over many elements. (A walk
    through the declarations themselves costs lxml the square of one element's
    many, which is what is refused.)"""
    elements: Any = root.iter(etree.Element)
    for element in elements:
        if len(element.nsmap) > MAX_NAMESPACE_DECLARATIONS:
            return int(element.sourceline)
    return None


def _refuse_hidden_nodes(root: Element) -> None:
    """No comment or processing instruction, in the root or beside it.

    C14N without comments (every Reference of the profile) leaves comments out, so
    a comment splitting a value is invisible to the signatures while lxml's .text
    stops at it: "8<!---->.4" would read 8. The profile writes neither.
    """
    outside: Any = [*root.itersiblings(preceding=True), *root.itersiblings()]
    inside: Any = root.iter(etree.Comment, etree.ProcessingInstruction)
    for node in (*outside, *inside):
        parent = node.getparent()
        where = "" if parent is None else f" inside {etree.QName(parent).localname}"
        if isinstance(node, etree._Comment):
            kind, code = "an XML comment", "COMMENT"
        else:
            kind, code = "a processing instruction", "PROCESSING_INSTRUCTION"
        raise PacketForbiddenError(
            f"line {node.sourceline}: {kind}{where} is not allowed in a packet;"
            " signatures do not cover it and a value split by it reads differently",
            code=code,
            line=node.sourceline,
        )


# The schema lets a slot hold any ds:* content without looking inside (lax): a
# second slot or a copy of the data could hide there from the schema while a reader
# walking the tree would find it.
_ANY_PACKET_ELEMENT = L.q("*")


def _refuse_packet_elements_in_signatures(root: Element) -> None:
    for path in L.SLOT_PATHS:
        for slot in root.iterfind(path):
            for signature in slot:
                found = next(signature.iter(_ANY_PACKET_ELEMENT), None)
                if found is not None:
                    raise PacketContentError(
                        f"line {found.sourceline}: {etree.QName(found).localname}"
                        f" inside a signature in {etree.QName(slot).localname}:"
                        " packet elements belong only where the schema places them"
                    )


def _check_root(root: Element) -> None:
    if root.tag != L.q(L.ROOT):
        raise PacketSchemaError(
            f"line {root.sourceline}: root element is {root.tag},"
            f" expected {L.q(L.ROOT)}"
        )
    version = root.get("version")
    if version not in L.PACKET_VERSIONS:
        raise PacketVersionError(
            f"line {root.sourceline}: {L.ROOT} version {version!r} is not supported;"
            f" this software reads versions {', '.join(L.PACKET_VERSIONS)}"
        )


def validate_tree(root: Element) -> None:
    """Validate a tree against the XSD of its version; PacketSchemaError names the
    bad elements (an unknown version is checked against the newest schema, whose
    fixed version attribute then refuses it)."""
    version = root.get("version")
    schema = _schema(version if version in L.PACKET_VERSIONS else L.PACKET_VERSION)
    if schema.validate(root):
        return
    # Drop the namespace from element names: "Element 'sodinhdanh': ...".
    clark = f"{{{L.NAMESPACE}}}"
    errors: list[Any] = schema.error_log.filter_from_errors()[:5]  # type: ignore[attr-defined]
    messages = [f"line {e.line}: {e.message.replace(clark, '')}" for e in errors]
    raise PacketSchemaError("packet does not follow the schema: " + "; ".join(messages))


def parse_packet(data: bytes) -> RecordSnapshot:
    """The snapshot a packet carries; equal to the one it was built from.

    Raises a PacketError subclass (see load_packet_tree; PacketContentError when the
    values contradict each other).
    """
    return snapshot_from_tree(load_packet_tree(data))


def snapshot_from_tree(root: Element) -> RecordSnapshot:
    """Read the snapshot from an already validated tree."""
    data = _child(root, L.DATA)
    record = _child(data, L.RECORD)
    fields = _texts(record)
    level = fields["macaphoc"].text
    results = _read_results(record, fields, data, level)
    snapshot = RecordSnapshot(
        student=Student(**read_columns(record, fields, c.STUDENT)),
        school=School(**read_columns(record, fields, c.SCHOOL)),
        results=results,
        homeroom_teacher=Person(**read_columns(record, fields, c.HOMEROOM)),
        leader=Leader(**read_columns(record, fields, c.LEADER)),
        history=tuple(_read_history(record)),
        issuance=_read_issuance(root),
        certificates=tuple(_read_certificates(record)),
        **read_columns(record, fields, c.HEAD + c.CLASS + c.TAIL + c.TAIL_1_1),
    )
    _check_slots(root, snapshot)
    return snapshot


def _child(parent: Element, name: str) -> Element:
    found = parent.find(L.q(name))
    if found is None:
        raise PacketSchemaError(f"line {parent.sourceline}: {name} is missing")
    return found


def _texts(parent: Element) -> dict[str, Element]:
    """The element children of parent by local name (the schema makes names unique).

    The local name is the tag after its "{namespace}" (what etree.QName gives,
    without building one per element: a packet has several hundred)."""
    children: Any = parent.iterchildren(etree.Element)
    return {e.tag.rpartition("}")[2]: e for e in children}


def read_columns(
    parent: Element, fields: dict[str, Element], columns: tuple[c.Column, ...]
) -> dict[str, Any]:
    """The attribute values of one table's columns, None for absent optional ones."""
    values: dict[str, Any] = {}
    for column in columns:
        element = fields.get(column.name)
        if element is None:
            if not column.optional:
                raise PacketSchemaError(
                    f"line {parent.sourceline}: {column.name} is missing"
                )
            values[column.attr] = None
            continue
        text = element.text or ""
        # Most of a packet's hundred-odd columns are text, kept as lxml gives it
        # (the codec's str() of a str is that str).
        if column.codec is c.TEXT:
            values[column.attr] = text
            continue
        try:
            values[column.attr] = column.codec.from_text(text)
        except ValueError as exc:
            raise PacketContentError(
                f"line {element.sourceline}: {column.name} {element.text!r}"
                f" is not valid: {exc}"
            ) from exc
    return values


def _read_results(
    record: Element, fields: dict[str, Element], data: Element, level: str | None
) -> PrimaryResults | SecondaryResults:
    table_name = (
        L.PRIMARY_SUBJECTS if level == RecordLevel.PRIMARY else L.SECONDARY_SUBJECTS
    )
    table = data.find(L.q(table_name))
    if table is None:
        raise PacketContentError(
            f"line {record.sourceline}: macaphoc {level}"
            f" needs the subject table {table_name}"
        )
    rows = [(row, _texts(row)) for row in table]
    if level == RecordLevel.PRIMARY:
        if "xeploai" not in fields:
            raise PacketContentError(
                f"line {record.sourceline}: macaphoc 02 needs the primary year fields"
            )
        return PrimaryResults(
            subjects=tuple(_read_primary_subject(r, f) for r, f in rows),
            qualities=_read_ratings(fields, c.QUALITY_COLUMNS),
            competencies=_read_ratings(fields, c.COMPETENCY_COLUMNS),
            **read_columns(record, fields, c.PRIMARY_RESULTS),
        )
    if "hocky1" not in fields:
        raise PacketContentError(
            f"line {record.sourceline}: macaphoc 03 needs"
            " the lower-secondary year fields"
        )
    return SecondaryResults(
        subjects=tuple(_read_secondary_subject(r, f) for r, f in rows),
        **read_columns(record, fields, c.SECONDARY_RESULTS),
    )


def _read_primary_subject(row: Element, fields: dict[str, Element]) -> PrimarySubject:
    subject = PrimarySubject(**read_columns(row, fields, c.PRIMARY_SUBJECT))
    _check_subject_id(row, subject.code)
    return subject


def _read_secondary_subject(
    row: Element, fields: dict[str, Element]
) -> SecondarySubject:
    teacher = None
    if "soddcngvbm" in fields:
        teacher = Person(**read_columns(row, fields, c.SUBJECT_TEACHER))
    subject = SecondarySubject(
        teacher=teacher, **read_columns(row, fields, c.SECONDARY_SUBJECT)
    )
    _check_subject_id(row, subject.code)
    return subject


def _check_subject_id(row: Element, code: str) -> None:
    if row.get(L.ID_ATTR) != L.subject_id(code):
        raise PacketContentError(
            f"line {row.sourceline}: {L.SUBJECT} Id {row.get(L.ID_ATTR)!r}"
            f" must be {L.subject_id(code)!r}"
        )


def _read_ratings(
    fields: dict[str, Element], columns: dict[str, str]
) -> tuple[Rating, ...]:
    ratings = []
    for code, column in columns.items():
        comment = fields.get(c.COMMENT_PREFIX + column)
        ratings.append(
            Rating(
                code,
                fields[column].text or "",
                None if comment is None else comment.text,
            )
        )
    return tuple(ratings)


def _read_history(record: Element) -> list[HistoryRow]:
    history = _child(record, L.HISTORY)
    return [
        HistoryRow(**read_columns(row, _texts(row), c.HISTORY_ROW)) for row in history
    ]


def _read_certificates(record: Element) -> list[Certificate]:
    """The certificate rows (version 1.1; a 1.0 schema refuses the table)."""
    table = record.find(L.q(L.CERTIFICATES))
    if table is None:
        return []
    return [
        Certificate(**read_columns(row, _texts(row), c.CERTIFICATE_ROW))
        for row in table
    ]


def _read_issuance(root: Element) -> Issuance | None:
    block = _child(root, L.ISSUE).find(L.q(L.ISSUANCE))
    if block is None:
        return None
    return Issuance(**read_columns(block, _texts(block), c.ISSUANCE))


def _check_slots(root: Element, snapshot: RecordSnapshot) -> None:
    """Each slot must name the signer the (signed) data names for that role."""
    signers = _child(root, L.SIGNER_LIST)
    teacher_slots = [
        s.get(L.SUBJECT_TEACHER_ATTR) for s in _child(signers, L.SUBJECT_TEACHER_LIST)
    ]
    expected = [t.personal_id for t in snapshot.subject_teachers()]
    if teacher_slots != expected:
        raise PacketContentError(
            f"line {signers.sourceline}: {L.SUBJECT_TEACHER_SLOT} slots"
            f" {teacher_slots} do not match"
            f" the subject teachers of the data {expected}"
        )
    issue = _child(root, L.ISSUE)
    pairs = [
        (
            _child(signers, L.HOMEROOM_SLOT),
            L.HOMEROOM_ATTR,
            snapshot.homeroom_teacher.personal_id,
        ),
        (_child(issue, L.LEADER_SLOT), L.LEADER_ATTR, snapshot.leader.personal_id),
        (_child(issue, L.SEAL_SLOT), L.SEAL_ATTR, snapshot.school.code),
    ]
    for slot, attr, value in pairs:
        if slot.get(attr) != value:
            raise PacketContentError(
                f"line {slot.sourceline}: {etree.QName(slot).localname}"
                f" {attr}={slot.get(attr)!r}"
                f" does not match the data ({value!r})"
            )
