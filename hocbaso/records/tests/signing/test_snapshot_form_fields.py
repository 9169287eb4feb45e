"""The form's fields beside the results reach the snapshot and its 1.1 packet."""

from __future__ import annotations

from decimal import Decimal

from hocbaso.packet import Certificate, PrimaryResults, build_packet, parse_packet
from hocbaso.records.models import YearlyRecord
from hocbaso.records.snapshot import records_with_rows, snapshot_of


def _primary(district) -> YearlyRecord:
    return records_with_rows(district.records(district.primary))[0]


def _reload(record: YearlyRecord) -> YearlyRecord:
    return records_with_rows(YearlyRecord.objects.filter(pk=record.pk))[0]


def test_the_new_fields_reach_a_1_1_packet(district, db):
    record = _primary(district)
    YearlyRecord.objects.filter(pk=record.pk).update(
        height_cm=Decimal("128.5"),
        weight_kg=Decimal("26.0"),
        absences_excused=2,
        absences_unexcused=1,
        disability_not_assessed=True,
        foreign_language="Tiếng Anh",
        certificates="Chứng chỉ tin học\n\n  Chứng nhận bơi an toàn  ",
        contests="Giải Ba Hội khỏe Phù Đổng",
    )
    snapshot = snapshot_of(_reload(record))
    assert (snapshot.height_cm, snapshot.weight_kg) == (Decimal("128.5"), Decimal(26))
    assert (snapshot.absences_excused, snapshot.absences_unexcused) == (2, 1)
    assert snapshot.disability_not_assessed is True
    assert snapshot.certificates == (
        Certificate("Chứng chỉ tin học"),
        Certificate("Chứng nhận bơi an toàn"),
    )
    assert snapshot.contests == "Giải Ba Hội khỏe Phù Đổng"
    names = {s.code: s.name for s in snapshot.results.subjects}
    assert names["NN1"] == "Ngoại ngữ 1 (Tiếng Anh)"
    data = build_packet(snapshot)
    assert b'version="1.1"' in data
    assert parse_packet(data) == snapshot


def test_a_record_without_them_is_still_packed_1_0(district, db):
    snapshot = snapshot_of(_primary(district))
    assert not snapshot.needs_version_1_1
    assert b'version="1.0"' in build_packet(snapshot)


def test_a_pupil_who_did_not_complete_carries_the_principals_decision(district, db):
    """Circular 27, Art. 12: undecided, nothing is written; then up or stays."""
    record = _primary(district)
    results = {**record.results, "result": "CHT", "completed": False, "title": None}
    for decision in (None, True, False):
        YearlyRecord.objects.filter(pk=record.pk).update(
            results=results, principal_promotion=decision
        )
        snapshot = snapshot_of(_reload(record))
        assert isinstance(snapshot.results, PrimaryResults)
        assert snapshot.results.promoted is decision
        assert parse_packet(build_packet(snapshot)).results.promoted is decision
