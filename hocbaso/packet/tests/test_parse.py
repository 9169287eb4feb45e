"""Safe parsing: refusals name the element and line; the snapshot comes back equal."""

from __future__ import annotations

import pytest

from hocbaso.packet import (
    MAX_PACKET_BYTES,
    PacketContentError,
    PacketForbiddenError,
    PacketSchemaError,
    PacketSyntaxError,
    PacketTooLargeError,
    PacketVersionError,
    build_packet,
    issue_packet,
    parse_packet,
)
from hocbaso.packet.examples import ISSUANCE, primary_example, secondary_example


@pytest.fixture
def packet() -> bytes:
    return build_packet(secondary_example())


def test_it_gives_back_the_snapshot_it_was_built_from() -> None:
    for snapshot in (
        primary_example(),
        primary_example(issued=True),
        secondary_example(),
    ):
        assert parse_packet(build_packet(snapshot)) == snapshot


def test_it_refuses_a_doctype(packet: bytes) -> None:
    data = packet.replace(b"?>\n", b"?>\n<!DOCTYPE HOC_BA>\n", 1)
    with pytest.raises(PacketForbiddenError, match="line 2: <!DOCTYPE>"):
        parse_packet(data)


def test_it_refuses_an_external_entity(packet: bytes) -> None:
    dtd = b'<!DOCTYPE HOC_BA [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    data = packet.replace(b"?>\n", b"?>\n" + dtd, 1).replace(
        b"<tenlop>7A3", b"<tenlop>&xxe;"
    )
    with pytest.raises(PacketForbiddenError):
        parse_packet(data)


def test_it_refuses_an_entity_declaration_hidden_in_utf16(packet: bytes) -> None:
    text = packet.decode().replace("UTF-8", "UTF-16")
    text = text.replace("?>\n", '?>\n<!DOCTYPE HOC_BA [<!ENTITY a "aaaa">]>\n', 1)
    with pytest.raises(PacketForbiddenError, match="DOCTYPE"):
        parse_packet(text.encode("utf-16"))


def test_it_refuses_a_truncated_file_naming_the_line(packet: bytes) -> None:
    with pytest.raises(PacketSyntaxError, match=r"line \d+"):
        parse_packet(packet[: len(packet) // 2])


def test_it_refuses_an_oversize_file_before_parsing() -> None:
    data = b"<" * (MAX_PACKET_BYTES + 1)
    with pytest.raises(PacketTooLargeError, match="limit"):
        parse_packet(data)


def test_it_refuses_another_version(packet: bytes) -> None:
    with pytest.raises(PacketVersionError, match=r"version '2\.0'"):
        parse_packet(packet.replace(b'version="1.0"', b'version="2.0"', 1))


def test_a_schema_error_names_the_element_and_line(packet: bytes) -> None:
    data = packet.replace(b"<sodinhdanh>001315001234<", b"<sodinhdanh>12AB<")
    with pytest.raises(
        PacketSchemaError, match=r"line 15: Element .sodinhdanh.: .*12AB"
    ):
        parse_packet(data)


def test_it_refuses_an_unknown_element_in_the_data(packet: bytes) -> None:
    data = packet.replace(b"<tenlop>", b"<ghichu>x</ghichu><tenlop>", 1)
    with pytest.raises(PacketSchemaError, match="ghichu"):
        parse_packet(data)


def test_it_refuses_a_slot_that_names_another_signer_than_the_data(
    packet: bytes,
) -> None:
    data = packet.replace(
        b'<GVCN soddcngvcn="001185012345"', b'<GVCN soddcngvcn="001185099999"'
    )
    with pytest.raises(PacketContentError, match="GVCN"):
        parse_packet(data)


def test_it_refuses_a_subject_id_that_does_not_match_its_code(packet: bytes) -> None:
    data = packet.replace(b'Id="diemtongket-NV"', b'Id="diemtongket-XX"')
    with pytest.raises(PacketContentError, match="diemtongket-NV"):
        parse_packet(data)


def test_it_refuses_a_primary_level_code_over_a_secondary_table(packet: bytes) -> None:
    data = packet.replace(b"<macaphoc>03<", b"<macaphoc>02<")
    with pytest.raises(PacketContentError, match="_dsbangdiem"):
        parse_packet(data)


def test_issuing_adds_the_block_the_snapshot_then_carries() -> None:
    issued = issue_packet(build_packet(primary_example()), ISSUANCE)
    assert parse_packet(issued) == primary_example(issued=True)


def test_issuing_twice_is_refused() -> None:
    with pytest.raises(PacketContentError, match="already issued"):
        issue_packet(build_packet(primary_example(issued=True)), ISSUANCE)
