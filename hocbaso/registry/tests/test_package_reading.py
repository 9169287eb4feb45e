"""Reading a class package's container (package.read_document), before any packet
is checked: what is refused whole, with which code, and what is read exactly."""

import base64
import hashlib

import pytest

from hocbaso.registry.codes import ReceiptCode
from hocbaso.registry.package import DocumentError, build_package, read_document

SCHOOL = "01001001"
PACKETS = [
    b'<?xml version="1.0" encoding="UTF-8"?>\n<HOC_BA_SO>m\xe1\xbb\x99t</HOC_BA_SO>',
    bytes(range(256)) * 3,  # any bytes: the container does not read the packets
]


def _package(packets=PACKETS) -> bytes:
    return build_package(packets, school_code=SCHOOL, school_year="2025-2026")


def _with_text(number: int, text: bytes, digest: bytes | None = None) -> bytes:
    """The package with record ``number``'s base64 (and its digest) replaced."""
    package = _package()
    old = base64.b64encode(PACKETS[number - 1])
    package = package.replace(old, text)
    if digest is not None:
        old_digest = hashlib.sha256(PACKETS[number - 1]).hexdigest().encode()
        package = package.replace(old_digest, digest)
    return package


def _refusal(data: bytes) -> DocumentError:
    with pytest.raises(DocumentError) as caught:
        read_document(data, SCHOOL)
    return caught.value


def test_a_package_gives_back_every_packet_byte_for_byte_with_its_digest():
    document = read_document(_package(), SCHOOL)

    assert document.kind == "package"
    assert document.packets == tuple(PACKETS)
    assert document.digests == tuple(hashlib.sha256(p).hexdigest() for p in PACKETS)
    assert (document.school_code, document.school_year) == (SCHOOL, "2025-2026")


def test_base64_broken_over_lines_is_read_as_base64binary_allows():
    wrapped = base64.encodebytes(PACKETS[1])  # 76 characters a line
    assert b"\n" in wrapped

    document = read_document(_with_text(2, wrapped), SCHOOL)

    assert document.packets[1] == PACKETS[1]


@pytest.mark.parametrize(
    "text",
    [
        b"QUJD*w==",  # a character outside the alphabet
        "QUJDờ==".encode(),  # a letter outside ASCII
        b"QUJ",  # cut short
        b"QUJD====",  # padding beyond the last group
    ],
    ids=["alphabet", "non-ascii", "short", "padding"],
)
def test_a_record_that_is_not_base64_refuses_the_package_naming_the_record(text):
    error = _refusal(_with_text(2, text))

    assert error.problem.code == ReceiptCode.PACKAGE_SCHEMA.value
    assert "Record 2 " in str(error)


def test_a_record_that_does_not_match_its_digest_is_named():
    error = _refusal(_with_text(1, base64.b64encode(b"other bytes")))

    assert error.problem.code == ReceiptCode.PACKAGE_DIGEST_MISMATCH.value
    assert "Record 1 " in str(error)


def test_the_rest_of_the_schema_is_still_checked():
    package = _package().replace(b'stt="2"', b'stt="zwei"')

    error = _refusal(package)

    assert error.problem.code == ReceiptCode.PACKAGE_SCHEMA.value


@pytest.mark.parametrize(
    "declaration",
    [b'<!DOCTYPE GOI_TIN [<!ENTITY x "y">]>', b"<!doctype GOI_TIN>"],
)
def test_a_doctype_or_entity_anywhere_refuses_the_package(declaration):
    package = _package().replace(b"?>", b"?>" + declaration, 1)

    error = _refusal(package)

    assert error.problem.code == ReceiptCode.MALFORMED_XML.value


def test_a_comment_is_not_mistaken_for_a_declaration():
    package = _package().replace(b"?>", b"?><!-- from the school's software -->", 1)

    assert read_document(package, SCHOOL).packets == tuple(PACKETS)


def test_a_doctype_in_utf16_is_refused_cleanly_from_the_tree():
    # The raw scan reads bytes as ASCII and misses UTF-16; libxml2 then failed
    # inside the schema validation (an internal error, HTTP 500).
    text = _package().decode().replace("UTF-8", "UTF-16")
    text = text.replace("?>", '?>\n<!DOCTYPE GOI_TIN [<!ENTITY a "01001001">]>', 1)
    text = text.replace(f">{SCHOOL}<", ">&a;<")

    error = _refusal(text.encode("utf-16"))

    assert error.problem.code == ReceiptCode.MALFORMED_XML.value


@pytest.mark.parametrize("marker", [b"<!---->", b"<?pi x?>"])
def test_a_comment_or_instruction_splitting_a_value_refuses_the_package(marker):
    # .text would read 01001 while the schema validated 01001001.
    package = _package().replace(b">01001001<", b">01001" + marker + b"001<", 1)

    error = _refusal(package)

    assert error.problem.code == ReceiptCode.MALFORMED_XML.value
    assert "Line 2 " in str(error)


def test_cdata_is_read_whole_as_the_schema_reads_it():
    package = _package().replace(b">01001001<", b"><![CDATA[01001]]>001<", 1)

    assert read_document(package, SCHOOL).school_code == SCHOOL


def test_nesting_beyond_the_parser_limit_is_malformed():
    package = _package().replace(
        b"</GOI_TIN>", b"<a>" * 300 + b"</a>" * 300 + b"</GOI_TIN>"
    )

    assert _refusal(package).problem.code == ReceiptCode.MALFORMED_XML.value
