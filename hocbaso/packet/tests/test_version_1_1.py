"""Version 1.1 (docs/packet.md): new fields round-trip, 1.0 packets read as before."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from hocbaso.packet import (
    PacketContentError,
    PacketSchemaError,
    PacketVersionError,
    build_packet,
    parse_packet,
)
from hocbaso.packet.examples import (
    complete_example,
    primary_example,
    secondary_example,
)

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize("example", [primary_example, secondary_example])
def test_a_1_1_packet_round_trips_every_new_field(example) -> None:
    snapshot = complete_example(example())
    data = build_packet(snapshot)
    assert b'version="1.1"' in data
    back = parse_packet(data)
    assert back == snapshot
    assert back.height_cm == Decimal("132.5")
    assert back.weight_kg == Decimal("29.0")
    assert back.disability_not_assessed is True
    assert back.contests == "Giải Nhì Hội khỏe Phù Đổng cấp phường"
    assert [c.name for c in back.certificates] == [
        "Chứng chỉ tiếng Anh Cambridge Movers",
        "Chứng nhận bơi an toàn",
    ]
    assert back.certificates[1].issued_on is None


def test_a_record_without_the_new_fields_is_still_written_1_0() -> None:
    data = build_packet(primary_example(issued=True))
    assert data == (DATA / "primary-1.0.xml").read_bytes()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("primary-1.0.xml", primary_example(issued=True)),
        ("secondary-1.0.xml", secondary_example()),
    ],
)
def test_a_stored_1_0_packet_reads_as_it_always_did(name, expected) -> None:
    snapshot = parse_packet((DATA / name).read_bytes())
    assert snapshot == expected
    assert snapshot.height_cm is None and snapshot.certificates == ()


def test_a_1_0_packet_cannot_carry_a_1_1_field() -> None:
    """Relabelling a 1.1 packet as 1.0 must not slip the new elements past 1.0."""
    data = build_packet(complete_example(primary_example()))
    data = data.replace(b'version="1.1"', b'version="1.0"', 1)
    with pytest.raises(PacketSchemaError, match="chieucao"):
        parse_packet(data)


def test_an_unknown_version_is_refused() -> None:
    data = build_packet(primary_example()).replace(
        b'version="1.0"', b'version="1.2"', 1
    )
    with pytest.raises(PacketVersionError, match=r"1\.0, 1\.1"):
        parse_packet(data)


@pytest.mark.parametrize(
    ("element", "bad"),
    [
        ("chieucao", "-132.5"),
        ("chieucao", "0.0"),
        ("chieucao", "300.0"),
        ("chieucao", "132"),
        ("cannang", "29.0e0"),
        ("cannang", "250.0"),
        ("cokhuyettatkhongdanhgia", "2"),
        ("kquathamgiacuocthi", ""),
        ("tenchungchi", ""),
    ],
)
def test_the_schema_refuses_a_bad_value(element: str, bad: str) -> None:
    data = build_packet(complete_example(primary_example())).decode()
    start = data.index(f"<{element}>") + len(element) + 2
    end = data.index(f"</{element}>", start)
    with pytest.raises(PacketSchemaError, match=element):
        parse_packet((data[:start] + bad + data[end:]).encode())


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("weight_kg", Decimal("-3.0")),
        ("weight_kg", Decimal("0")),
        ("height_cm", Decimal("132.55")),
        ("height_cm", Decimal("NaN")),
    ],
)
def test_the_builder_names_a_bad_measure(field: str, value: Decimal) -> None:
    snapshot = replace(primary_example(), **{field: value})
    with pytest.raises(PacketContentError, match=f"record.{field}"):
        build_packet(snapshot)


def test_a_pupil_who_did_not_complete_carries_the_principals_decision() -> None:
    """Circular 27, Art. 11-12: CHT, then promoted or kept back by the principal."""
    base = primary_example()
    for promoted in (True, False):
        results = replace(
            base.results, result="CHT", completed=False, promoted=promoted
        )
        snapshot = replace(base, results=results)
        assert parse_packet(build_packet(snapshot)).results.promoted is promoted


@pytest.mark.parametrize(
    ("result", "completed", "promoted", "message"),
    [
        ("HT", True, False, "goes up"),
        ("CHT", True, True, "contradicts"),
        ("HTT", False, None, "contradicts"),
    ],
)
def test_completion_and_promotion_must_agree(result, completed, promoted, message):
    base = primary_example()
    results = replace(
        base.results, result=result, completed=completed, promoted=promoted
    )
    with pytest.raises(PacketContentError, match=message):
        build_packet(replace(base, results=results))
