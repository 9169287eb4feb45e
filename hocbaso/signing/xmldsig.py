"""XMLDSig building blocks shared by signing and verification.

XML Signature Syntax and Processing (https://www.w3.org/TR/xmldsig-core1/), in the
profile of domain.md §6.2: a default-namespace <Signature Id=…>, inclusive C14N 1.0
(§6.5.1) for SignedInfo and for each same-document Reference (§4.4.3.3), SHA-256
digests, and the signing time as a SignatureProperty covered by its own Reference.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

from lxml import etree

from hocbaso.signing.algorithms import C14N_10, DS_NS, SHA256, SignatureAlgorithm
from hocbaso.signing.errors import SigningError

Element = etree._Element
ID_ATTR = "Id"
XML_NS = "{http://www.w3.org/XML/1998/namespace}"
# Vietnam has kept UTC+7 without daylight saving since 1975: no tzdata needed.
VIETNAM = timezone(timedelta(hours=7), "ICT")
SIGNING_TIME_SUFFIX = "-signingtime"
_WITH_ID = etree.XPath(f"descendant-or-self::*[@{ID_ATTR}]")


def ds(name: str) -> str:
    """The Clark name of an XMLDSig element."""
    return f"{{{DS_NS}}}{name}"


def canonicalize(element: Element) -> bytes:
    """Inclusive C14N 1.0 without comments of element's subtree, in its document.

    The subtree is copied under a new root that declares every namespace in scope at the
    apex and carries the xml:* attributes it inherits (XML-C14N 1.0 §2.4), then the new
    document is canonicalised whole. Why not tostring(element, method="c14n")? With
    libxml2 2.14 (lxml 6) subtree C14N wrongly writes xmlns="" on grandchildren.
    """
    nsmap: Any = element.nsmap
    apex = etree.Element(element.tag, nsmap=nsmap)
    for xml_name, xml_value in _inherited_xml_attributes(element).items():
        apex.set(xml_name, xml_value)
    for name, value in element.attrib.items():
        apex.set(str(name), str(value))
    apex.text = element.text
    # One copy of the whole subtree (in a document of its own), then its children
    # moved under the apex: the same nodes as copying each child, in one C call.
    apex.extend(copy.deepcopy(element))
    data: bytes = etree.tostring(
        apex, method="c14n", exclusive=False, with_comments=False
    )
    return data


def _inherited_xml_attributes(element: Element) -> dict[str, str]:
    """xml:lang, xml:space… of the ancestors, the nearest winning (XML-C14N §2.4)."""
    found: dict[str, str] = {}
    for ancestor in element.iterancestors():
        for name, value in ancestor.attrib.items():
            key = str(name)
            if key.startswith(XML_NS) and key not in found:
                found[key] = str(value)
    return found


# In canonical XML every literal "<" is markup: text and attribute values escape it
# (XML-C14N 1.0 §2.3), comments are left out, and a document holding a processing
# instruction ("<?", whose data may hold "<") is canonicalised by copies instead.
_START_TAG = re.compile(rb"<(?![/?])")
# A canonical start tag: name, namespace declarations first, then attributes, every
# value in double quotes with '"' escaped as &quot;.
_START_TAG_PARTS = re.compile(
    rb'<([^\s>]+)((?:\sxmlns(?::[^\s=]+)?="[^"]*")*)((?:\s[^\s=]+="[^"]*")*)>'
)
_MATCH_START = re.Match.start
# An attribute of a canonical start tag, and an Id written there without escapes.
_ATTRIBUTE = re.compile(rb'\s([^\s=]+)="([^"]*)"')
_PLAIN_VALUE = re.compile(r'[^&<"\t\n\r]*')
_TAG_NAME_ENDS = b" >"
_APEX_NAMESPACES: dict[tuple[Any, ...], bytes] = {}
# Declarations (and a tag) kept only this long: a packet's are a few hundred
# bytes, while a stranger's may be megabytes (key and value each), which 1000
# entries would keep for gigabytes; longer ones are made again at each use.
_LONGEST_KEPT_DECLARATIONS = 4096
# Occurrences of ' Id="' beyond the tree's Ids before the one-pass index gives
# way to a search per value (a packet has a handful, in text).
_MAX_ID_LOOKALIKES = 256
_TOO_MANY: dict[bytes, list[int]] = {}


def _occurrences(text: bytes, needle: bytes) -> Iterator[int]:
    at = text.find(needle)
    while at >= 0:
        yield at
        at = text.find(needle, at + 1)


class CanonicalTree:
    """Inclusive C14N 1.0 of any element of one tree, from one pass over the whole.

    The tree is canonicalised once, whole (where libxml2 is right); an element's own
    canonical form is then its slice of that text, with its start tag given every
    namespace in scope (XML-C14N 1.0 §2.4: the apex of a document subset renders
    its whole namespace axis; below the apex an element renders the same
    declarations in both forms, since its nearest rendered ancestor is its parent
    either way). An element is found in that text by its Id, or as the first child
    of an element found so, or failing both by its place among all the start tags
    (an index of the whole tree, made only then); it ends at the end tag of its
    name that closes it. A tree with a processing instruction, or with xml:*
    attributes that an apex would inherit, falls back to ``canonicalize``. The
    tree must not change while the object is used.
    """

    def __init__(self, root: Element, ids: dict[str, Element] | None = None) -> None:
        self._root = root
        # index_ids(root), when the caller has it: Ids known to be unique, so the
        # first start tag found carrying an element's Id is that element's.
        self._ids = ids
        self._text: bytes = etree.tostring(
            root, method="c14n", exclusive=False, with_comments=False
        )
        self._order: dict[Element, int] | None = None
        self._starts: list[int] = []
        self._found: dict[Element, int | None] = {}
        self._cuts: dict[Element, tuple[bytes, bytes, bytes] | None] = {}
        self._id_at: dict[bytes, list[int]] | None = None
        # xml:* attributes anywhere (an apex may inherit them) or processing
        # instructions: canonicalise such trees element by element. A packet
        # has no "?" (memchr), so the slower two-byte search rarely runs.
        text = self._text
        self._exact = (b"?" not in text or b"<?" not in text) and b" xml:" not in text

    def canonical(self, element: Element) -> bytes:
        """The canonical form of element's subtree, as ``canonicalize`` gives it."""
        if element is self._root and self._exact:
            return self._text
        cut = self.cut(element)
        if cut is None:  # not of this tree, or not found exactly: copy it
            return canonicalize(element)
        name, attributes, rest = cut
        return b"<" + name + apex_namespaces(element) + attributes + b">" + rest

    def cut(self, element: Element) -> tuple[bytes, bytes, bytes] | None:
        """element's start tag in the whole text (its name and attributes, not
        its namespace declarations) and what follows it to the end of its end
        tag; None when it cannot be cut exactly. Kept: a Signature is read from
        it, then digested when a later signature references it."""
        if element in self._cuts:
            return self._cuts[element]
        start = self._start_of(element) if self._exact else None
        head = None if start is None else _START_TAG_PARTS.match(self._text, start)
        found = None
        if head is not None:
            name = head.group(1)
            rest = self._text[head.end() : self._end_of(name, head.end())]
            found = (name, head.group(3), rest)
        self._cuts[element] = found
        return found

    def digest(self, element: Element) -> bytes:
        """SHA-256 of element's canonical form: its cut is hashed as its start
        tag, then the rest as kept (a Signature's cut is some kilobytes, the
        data's tens), not joined into one copy first."""
        if element is self._root and self._exact:
            return hashlib.sha256(self._text).digest()
        cut = self._cuts[element] if element in self._cuts else self.cut(element)
        if cut is None:
            return hashlib.sha256(canonicalize(element)).digest()
        name, attributes, rest = cut
        tag = b"<" + name + apex_namespaces(element) + attributes + b">"
        found = hashlib.sha256(tag)
        found.update(rest)
        return found.digest()

    def _start_of(self, element: Element) -> int | None:
        """Where element's start tag is in the text; None if it cannot be told.

        Found without indexing the tree: by the element's Id, the only start tag
        that carries it (every literal "<" is markup and a '"' in a value is
        &quot;, so ' Id="…"' inside a tag's attributes is that attribute); a
        first child just after its parent's start tag (comments are not
        rendered); anything else by its place among all the start tags."""
        if element in self._found:
            return self._found[element]
        start = self._start_by_id(element)
        if start is None:
            start = self._start_as_first_child(element)
        if start is None and self._exact:
            order = self._order if self._order is not None else self._index()
            index = order.get(element)
            start = None if index is None else self._starts[index]
        self._found[element] = start
        return start

    def _start_by_id(self, element: Element) -> int | None:
        value = element.get(ID_ATTR)
        if value is None or not _PLAIN_VALUE.fullmatch(value):
            return None
        ids = self._ids
        if ids is not None and ids.get(value) is not element:
            return None  # another tree's element, whatever its Id
        if ids is None and element.getroottree().getroot() is not self._root:
            return None
        expected = (ID_ATTR.encode(), value.encode())
        text, found = self._text, None
        for at in self._id_positions(expected[1]):
            tag = text.rfind(b"<", 0, at)
            head = _START_TAG_PARTS.match(text, tag)
            if (
                tag != found
                and head is not None
                and expected in _ATTRIBUTE.findall(head.group(3))
            ):
                if ids is not None:
                    return tag
                if found is not None:
                    return None  # two elements carry it: tell them apart by place
                found = tag
        return found

    def _id_positions(self, value: bytes) -> Iterable[int]:
        """Where ' Id="value"' occurs in the text, in order. Every occurrence
        counts, in text as in tags, overlapping or not: the caller tells
        attributes from the rest.

        The occurrences of every value are found in one pass, on the first
        call (searching the text from its start for each referenced Id cost a
        lower-secondary packet more than its digests). A text with many more
        of them than the tree has Ids, which only look-alikes in text make,
        is searched for each value alone, as before: one pass in Python over
        a packet stuffed with look-alikes would cost more than those searches
        in C."""
        if self._id_at is None:
            self._id_at = self._index_id_positions()
        if self._id_at is _TOO_MANY:
            return _occurrences(self._text, b' %s="%s"' % (ID_ATTR.encode(), value))
        return self._id_at.get(value, ())

    def _index_id_positions(self) -> dict[bytes, list[int]]:
        text, limit = self._text, len(self._ids or ()) + _MAX_ID_LOOKALIKES
        found: dict[bytes, list[int]] = {}
        prefix = b' %s="' % ID_ATTR.encode()
        at = text.find(prefix)
        while at >= 0:
            limit -= 1
            if limit < 0:
                return _TOO_MANY
            start = at + len(prefix)
            end = text.find(b'"', start)
            if end < 0:
                break
            found.setdefault(text[start:end], []).append(at)
            at = text.find(prefix, at + 1)
        return found

    def _start_as_first_child(self, element: Element) -> int | None:
        parent = element.getparent()
        if parent is None or next(parent.iterchildren(etree.Element)) is not element:
            return None
        parent_start = self._start_of(parent)
        if parent_start is None:
            return None
        head = _START_TAG_PARTS.match(self._text, parent_start)
        return None if head is None else self._text.index(b"<", head.end())

    def _index(self) -> dict[Element, int]:
        if self._order is None:
            # Built in C (dict over zip, map over the matches): a lower-secondary
            # packet has some 850 elements, and only a few dozen are cut.
            elements: Any = self._root.iter(etree.Element)
            self._order = dict(zip(elements, itertools.count(), strict=False))
            self._starts = list(map(_MATCH_START, _START_TAG.finditer(self._text)))
            if len(self._starts) != len(self._order):
                self._exact = False  # cannot happen without "<?"; stay exact anyway
                self._order = {}
        return self._order

    def _end_of(self, name: bytes, after: int) -> int:
        """Where the end tag closing the start tag of name that ends at after
        ends: the next end tag of that name, past as many as open in between."""
        text, opening, closing = self._text, b"<" + name, b"</" + name + b">"
        depth, position = 1, after
        while True:
            close = text.index(closing, position)
            nested = text.find(opening, position, close)
            while nested >= 0 and text[nested + len(opening)] not in _TAG_NAME_ENDS:
                nested = text.find(opening, nested + 1, close)
            if nested >= 0:
                depth, position = depth + 1, nested + len(opening)
                continue
            depth, position = depth - 1, close + len(closing)
            if depth == 0:
                return position


def apex_namespaces(element: Element) -> bytes:
    """The namespace declarations of element's canonical start tag as an apex."""
    nsmap: Any = element.nsmap
    # The mapping as lxml lists it, unsorted: the same mapping listed in another
    # order is only another key for the same value (a packet lists it one way).
    key = (element.tag, *nsmap.items())
    found = _APEX_NAMESPACES.get(key)
    if found is None:
        bare = etree.tostring(
            etree.Element(element.tag, nsmap=nsmap), method="c14n", exclusive=False
        )
        parts = _START_TAG_PARTS.match(bare)
        assert parts is not None
        found = parts.group(2)
        if len(found) + len(element.tag) <= _LONGEST_KEPT_DECLARATIONS:
            if len(_APEX_NAMESPACES) > 1000:
                _APEX_NAMESPACES.clear()
            _APEX_NAMESPACES[key] = found
    return found


def digest_of(element: Element) -> bytes:
    """SHA-256 of the canonical form of element."""
    return hashlib.sha256(canonicalize(element)).digest()


def b64(data: bytes) -> str:
    """Base64 without line breaks (XMLDSig §4.5 allows either)."""
    return base64.b64encode(data).decode("ascii")


def index_ids(root: Element) -> dict[str, Element]:
    """Every element with an Id attribute, by Id; a duplicate Id is refused.

    Duplicate Ids are the door to signature-wrapping attacks: a reference must resolve
    to exactly one element.
    """
    found: dict[str, Element] = {}
    # Elements only (no comment or processing instruction), root included, in
    # document order; XPath selects them in C rather than visiting every node here.
    elements: Any = _WITH_ID(root)
    for element in elements:
        value = element.get(ID_ATTR)
        if value in found:
            raise SigningError(
                f"line {element.sourceline}: the Id {value!r} appears twice"
            )
        found[value] = element
    return found


def format_signing_time(moment: datetime) -> str:
    """Vietnam local time with its +07:00 offset, to the second (domain.md §6.2)."""
    if moment.tzinfo is None:
        raise SigningError("the signing time must be an aware datetime")
    return moment.astimezone(VIETNAM).replace(microsecond=0).isoformat()


def new_signature(
    signature_id: str,
    algorithm: SignatureAlgorithm,
    reference_ids: Sequence[str],
    signing_time: datetime,
) -> Element:
    """An unsigned Signature: references with empty digests, the signing-time Object.

    References come in order: reference_ids' first ones (the covered data), then the
    signing time as the second family, then the rest (earlier signatures).
    """
    nsmap: Any = {None: DS_NS}  # lxml-stubs do not allow the default prefix
    signature = etree.Element(ds("Signature"), {ID_ATTR: signature_id}, nsmap=nsmap)
    signed_info = etree.SubElement(signature, ds("SignedInfo"))
    etree.SubElement(signed_info, ds("CanonicalizationMethod"), Algorithm=C14N_10)
    etree.SubElement(signed_info, ds("SignatureMethod"), Algorithm=algorithm.value)
    for target in reference_ids:
        _add_reference(signed_info, target)
    etree.SubElement(signature, ds("SignatureValue"))
    time_id = signature_id + SIGNING_TIME_SUFFIX
    obj = etree.SubElement(signature, ds("Object"), {ID_ATTR: time_id})
    properties = etree.SubElement(obj, ds("SignatureProperties"))
    prop = etree.SubElement(
        properties, ds("SignatureProperty"), Target="#" + signature_id
    )
    etree.SubElement(prop, ds("SigningTime")).text = format_signing_time(signing_time)
    return signature


def _add_reference(signed_info: Element, target: str) -> None:
    reference = etree.SubElement(signed_info, ds("Reference"), URI="#" + target)
    transforms = etree.SubElement(reference, ds("Transforms"))
    etree.SubElement(transforms, ds("Transform"), Algorithm=C14N_10)
    etree.SubElement(reference, ds("DigestMethod"), Algorithm=SHA256)
    etree.SubElement(reference, ds("DigestValue"))


def fill_digests(signature: Element, ids: dict[str, Element]) -> None:
    """Compute every Reference's DigestValue; the Signature must be in its slot."""
    for reference in signature.iterfind(f"{ds('SignedInfo')}/{ds('Reference')}"):
        target = ids[(reference.get("URI") or "#")[1:]]
        value = reference.find(ds("DigestValue"))
        assert value is not None
        value.text = b64(digest_of(target))


def references_match(signature: Element, ids: dict[str, Element]) -> bool:
    """Whether every Reference's DigestValue is the digest of its target now."""
    for reference in signature.iterfind(f"{ds('SignedInfo')}/{ds('Reference')}"):
        target = ids.get((reference.get("URI") or "#")[1:])
        if target is None or reference.findtext(ds("DigestValue")) != b64(
            digest_of(target)
        ):
            return False
    return True


def signed_info_of(signature: Element) -> Element:
    """The SignedInfo child; SigningError if it is missing."""
    found = signature.find(ds("SignedInfo"))
    if found is None:
        raise SigningError(f"line {signature.sourceline}: Signature has no SignedInfo")
    return found


def add_key_info(signature: Element, chain: Sequence[Any]) -> None:
    """KeyInfo/X509Data: the signer's subject name, its certificate, then intermediates.

    XMLDSig §4.5.4: all certificates in one X509Data relate to the same key; the order
    signer-first is this profile's (domain.md §6.2 decision).
    """
    from cryptography.hazmat.primitives.serialization import Encoding

    key_info = etree.Element(ds("KeyInfo"))
    data = etree.SubElement(key_info, ds("X509Data"))
    etree.SubElement(data, ds("X509SubjectName")).text = chain[
        0
    ].subject.rfc4514_string()
    for cert in chain:
        etree.SubElement(data, ds("X509Certificate")).text = b64(
            cert.public_bytes(Encoding.DER)
        )
    value = signature.find(ds("SignatureValue"))
    assert value is not None
    value.addnext(key_info)
