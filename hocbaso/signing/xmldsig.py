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
from collections.abc import Sequence
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
_TAG_NAME = re.compile(rb"[^\s>/]+")
_APEX_NAMESPACES: dict[tuple[Any, ...], bytes] = {}


class CanonicalTree:
    """Inclusive C14N 1.0 of any element of one tree, from one pass over the whole.

    The tree is canonicalised once, whole (where libxml2 is right); an element's own
    canonical form is then its slice of that text, with its start tag given every
    namespace in scope (XML-C14N 1.0 §2.4: the apex of a document subset renders
    its whole namespace axis; below the apex an element renders the same
    declarations in both forms, since its nearest rendered ancestor is its parent
    either way). A tree with a processing instruction, or with xml:* attributes
    that an apex would inherit, falls back to ``canonicalize``. The tree must not
    change while the object is used.
    """

    def __init__(self, root: Element) -> None:
        self._root = root
        self._text: bytes = etree.tostring(
            root, method="c14n", exclusive=False, with_comments=False
        )
        self._order: dict[Element, int] | None = None
        self._starts: list[int] = []
        self._ends: dict[Element, int] = {}
        # xml:* attributes anywhere (an apex may inherit them) or processing
        # instructions: canonicalise such trees element by element.
        self._exact = b"<?" not in self._text and b" xml:" not in self._text

    def canonical(self, element: Element) -> bytes:
        """The canonical form of element's subtree, as ``canonicalize`` gives it."""
        if not self._exact:
            return canonicalize(element)
        order = self._order if self._order is not None else self._index()
        start_index = order.get(element)
        if start_index is None:
            return canonicalize(element)
        start = self._starts[start_index]
        head = _START_TAG_PARTS.match(self._text, start)
        if head is None:  # cannot happen for libxml2's output; stay exact regardless
            return canonicalize(element)
        end = self._end_of(element, start)
        if element is self._root:
            return self._text[start:end]
        name, attributes = head.group(1), head.group(3)
        return (
            b"<"
            + name
            + _apex_namespaces(element)
            + attributes
            + b">"
            + self._text[head.end() : end]
        )

    def digest(self, element: Element) -> bytes:
        """SHA-256 of element's canonical form."""
        return hashlib.sha256(self.canonical(element)).digest()

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

    def _end_of(self, element: Element, start: int) -> int:
        """Where element's end tag ends.

        Between that end tag and the start tag of element's next element sibling
        there is only element's tail, whose canonical text holds no ">" (escaped
        as &gt;, XML-C14N 1.0 §2.3; comments are not rendered): the end is the
        last ">" before that sibling. The last child ends the same way before
        its parent's end tag, whose end is found first (kept: siblings share it).
        """
        found = self._ends.get(element)
        if found is not None:
            return found
        following = next(element.itersiblings(etree.Element), None)
        parent = element.getparent()
        if following is not None:
            limit = self._starts[self._order[following]]  # type: ignore[index]
        elif parent is None:
            limit = len(self._text)
        else:
            parent_start = self._starts[self._order[parent]]  # type: ignore[index]
            name = _TAG_NAME.match(self._text, parent_start + 1)
            assert name is not None  # every start tag has a name
            limit = self._end_of(parent, parent_start) - len(name.group()) - 3
        end = self._text.rindex(b">", start, limit) + 1
        self._ends[element] = end
        return end


def _apex_namespaces(element: Element) -> bytes:
    """The namespace declarations of element's canonical start tag as an apex."""
    nsmap: Any = element.nsmap
    key = (element.tag, tuple(sorted(nsmap.items(), key=lambda i: i[0] or "")))
    found = _APEX_NAMESPACES.get(key)
    if found is None:
        bare = etree.tostring(
            etree.Element(element.tag, nsmap=nsmap), method="c14n", exclusive=False
        )
        parts = _START_TAG_PARTS.match(bare)
        assert parts is not None
        found = parts.group(2)
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
