"""Namespace declarations are bounded: canonicalising a tree (every signature
check) costs libxml2 time growing with the square of the namespaces declared,
so 2 MiB of declarations would hold a verifier for hours. A packet declares a
handful; one declaring more than MAX_NAMESPACE_DECLARATIONS is refused, in any
encoding, naming the line of the element that goes over."""

from __future__ import annotations

import re

import pytest
from lxml import etree

from hocbaso.packet import PacketForbiddenError, build_packet, parse_packet
from hocbaso.packet.examples import secondary_example
from hocbaso.packet.parse import MAX_NAMESPACE_DECLARATIONS


@pytest.fixture(scope="module")
def packet() -> bytes:
    return build_packet(secondary_example())


def _declared(data: bytes) -> int:
    return sum(1 for _ in etree.iterwalk(etree.fromstring(data), events=("start-ns",)))


def _with_declarations(data: bytes, count: int, element: bytes) -> bytes:
    """data with count unused prefixes declared on the first <element ...>."""
    at = data.index(b">", data.index(b"<" + element))
    declarations = b"".join(b' xmlns:u%d="urn:u:%d"' % (n, n) for n in range(count))
    return data[:at] + declarations + data[at:]


def _root_name(data: bytes) -> bytes:
    return etree.QName(etree.fromstring(data)).localname.encode()


def test_a_packet_at_the_limit_is_read(packet: bytes) -> None:
    spare = MAX_NAMESPACE_DECLARATIONS - _declared(packet)

    data = _with_declarations(packet, spare, _root_name(packet))

    assert parse_packet(data) == secondary_example()


@pytest.mark.parametrize("element", [None, b"hovaten"], ids=["root", "deeper"])
def test_one_declaration_over_the_limit_is_refused_naming_its_line(
    packet: bytes, element: bytes | None
) -> None:
    element = element or _root_name(packet)
    spare = MAX_NAMESPACE_DECLARATIONS - _declared(packet)
    data = _with_declarations(packet, spare + 1, element)

    with pytest.raises(PacketForbiddenError) as caught:
        parse_packet(data)

    assert caught.value.code == "NAMESPACES"
    line = data[: data.index(b"<" + element)].count(b"\n") + 1
    assert caught.value.line == line
    assert f"more than {MAX_NAMESPACE_DECLARATIONS} namespace" in str(caught.value)


def test_declarations_in_utf16_are_counted_from_the_tree(packet: bytes) -> None:
    stuffed = _with_declarations(packet, 5000, b"hovaten").decode()
    head, _, body = stuffed.partition("?>")
    assert "encoding" in head
    data = (head.replace("UTF-8", "UTF-16") + "?>" + body).encode("utf-16")
    assert b"xmlns:u" not in data  # a scan of the bytes would not see them

    with pytest.raises(PacketForbiddenError) as caught:
        parse_packet(data)

    assert caught.value.code == "NAMESPACES"


def test_declarations_spread_over_many_elements_are_counted_together(
    packet: bytes,
) -> None:
    # Seven on each of twenty elements: none has many in scope, all are counted.
    starts = [m.start() for m in re.finditer(rb"<[a-z]+>", packet)][-20:]
    data = packet
    for n, at in enumerate(reversed(starts)):
        end = data.index(b">", at)
        mine = b"".join(b' xmlns:s%d_%d="urn:s"' % (n, i) for i in range(7))
        data = data[:end] + mine + data[end:]
    assert _declared(data) > MAX_NAMESPACE_DECLARATIONS

    with pytest.raises(PacketForbiddenError) as caught:
        parse_packet(data)

    assert caught.value.code == "NAMESPACES" and caught.value.line is None
    assert str(caught.value).startswith("more than")
