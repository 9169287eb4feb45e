"""What a signature cannot see must not change what is read: comments and processing
instructions are refused anywhere, CDATA is read whole, nesting is bounded.

C14N without comments (the profile's only canonicalisation) drops comments, and
lxml's ``.text`` stops at the first one, so "8<!---->.4" would verify as signed and
read 8 (the comment-truncation class of XML signature flaws)."""

from __future__ import annotations

import re

import pytest
from lxml import etree

from hocbaso.packet import (
    PacketForbiddenError,
    PacketSyntaxError,
    build_packet,
    parse_packet,
)
from hocbaso.packet.examples import primary_example, secondary_example


@pytest.fixture
def packet() -> bytes:
    return build_packet(secondary_example())


def _split(data: bytes, element: bytes, marker: bytes) -> bytes:
    """data with the first <element>'s text split in two by marker."""
    match = re.search(b"<" + element + b">([^<]+)</", data)
    assert match is not None
    text = match.group(1)
    cut = max(1, len(text.decode()[: len(text.decode()) // 2].encode()))
    return data[: match.start(1) + cut] + marker + data[match.start(1) + cut :]


@pytest.mark.parametrize(
    ("element", "example"),
    [
        (b"hovaten", secondary_example),
        (b"diemcanam", secondary_example),
        (b"xeploai", primary_example),
    ],
)
@pytest.mark.parametrize("marker", [b"<!-- -->", b"<!---->"])
def test_a_comment_splitting_a_value_is_refused_naming_the_element(
    element: bytes, example, marker: bytes
) -> None:
    data = _split(build_packet(example()), element, marker)

    with pytest.raises(PacketForbiddenError) as caught:
        parse_packet(data)

    assert caught.value.code == "COMMENT"
    assert f"comment inside {element.decode()}" in str(caught.value)
    assert caught.value.line == data[: data.index(marker)].count(b"\n") + 1


def test_a_processing_instruction_inside_a_value_is_refused(packet: bytes) -> None:
    data = _split(packet, b"hovaten", b"<?x y?>")

    with pytest.raises(PacketForbiddenError, match="inside hovaten") as caught:
        parse_packet(data)

    assert caught.value.code == "PROCESSING_INSTRUCTION"


@pytest.mark.parametrize(
    "where",
    ["prolog", "epilog", "between elements"],
)
@pytest.mark.parametrize(
    ("node", "code"),
    [
        (b"<!-- note -->", "COMMENT"),
        (b"<?xml-stylesheet href='a'?>", "PROCESSING_INSTRUCTION"),
    ],
)
def test_comments_and_instructions_are_refused_wherever_they_are(
    packet: bytes, where: str, node: bytes, code: str
) -> None:
    if where == "prolog":
        data = packet.replace(b"?>\n", b"?>\n" + node, 1)
    elif where == "epilog":
        data = packet.rstrip() + node
    else:
        data = packet.replace(b"<tenlop>", node + b"<tenlop>", 1)

    with pytest.raises(PacketForbiddenError) as caught:
        parse_packet(data)

    assert caught.value.code == code


def test_a_comment_in_utf16_is_refused_from_the_tree(packet: bytes) -> None:
    text = packet.decode().replace("UTF-8", "UTF-16")
    text = text.replace("<hovaten>Lê", "<hovaten>Lê<!-- -->", 1)

    with pytest.raises(PacketForbiddenError, match="inside hovaten"):
        parse_packet(text.encode("utf-16"))


def test_a_value_split_by_cdata_is_read_whole_as_the_signature_covers_it(
    packet: bytes,
) -> None:
    data = _split(packet, b"hovaten", b"]]>")
    start = data.index(b"<hovaten>") + len(b"<hovaten>")
    data = data[:start] + b"<![CDATA[" + data[start:]

    snapshot = parse_packet(data)

    assert snapshot.student.full_name == secondary_example().student.full_name
    # C14N renders the CDATA as text: the bytes the signatures digest are unchanged.
    tree = etree.fromstring(data)
    assert etree.tostring(tree, method="c14n") == etree.tostring(
        etree.fromstring(packet), method="c14n"
    )


def test_cdata_holding_comment_markup_is_text_not_a_comment(packet: bytes) -> None:
    data = packet.replace(b"<tenlop>7A3<", b"<tenlop><![CDATA[7A<!---->3]]><", 1)

    snapshot = parse_packet(data)

    assert snapshot.class_name == "7A<!---->3"


def test_nesting_deeper_than_the_parser_limit_is_refused(packet: bytes) -> None:
    deep = b"<a>" * 300 + b"</a>" * 300
    data = packet.replace(b"<tenlop>", deep + b"<tenlop>", 1)

    with pytest.raises(PacketSyntaxError, match="line"):
        parse_packet(data)
