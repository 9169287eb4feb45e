"""The packet's shape: data, Ids, column names and the empty signer slots (§6.2)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from lxml import etree

from hocbaso.packet import NAMESPACE, PacketContentError, build_packet
from hocbaso.packet.examples import primary_example, secondary_example

NS = {"h": NAMESPACE}


def tree(data: bytes) -> etree._Element:
    return etree.fromstring(data)


def test_it_writes_the_root_with_namespace_and_version() -> None:
    root = tree(build_packet(primary_example()))
    assert root.tag == f"{{{NAMESPACE}}}HOC_BA"
    assert root.get("version") == "1.0"


def test_it_puts_the_record_and_each_subject_under_the_data_with_ids() -> None:
    root = tree(build_packet(secondary_example()))
    data = root.find("h:DU_LIEU_HOC_BA", NS)
    assert data.get("Id") == "data"
    assert data.find("h:THONG_TIN_HOC_BA", NS).get("Id") == "thongtinhocba"
    ids = [e.get("Id") for e in data.iterfind("h:_bangdiem/h:DIEM_TONG_KET", NS)]
    assert ids == [
        "diemtongket-TOAN",
        "diemtongket-NV",
        "diemtongket-MT",
        "diemtongket-GDTC",
    ]


def test_it_writes_the_lookup_code_as_a_hyphenated_uuid() -> None:
    root = tree(build_packet(primary_example()))
    code = root.findtext(
        "h:DU_LIEU_HOC_BA/h:THONG_TIN_HOC_BA/h:madinhdanhhocba", namespaces=NS
    )
    assert code == "3f2b8c1d-9e7a-4b6c-8d0e-1f2a3b4c5d6e"


def test_it_writes_scores_with_one_decimal_and_comment_marks_as_codes() -> None:
    root = tree(build_packet(secondary_example()))
    rows = {
        r.findtext("h:mamonhoc", namespaces=NS): r
        for r in root.iterfind(".//h:DIEM_TONG_KET", NS)
    }
    assert rows["NV"].findtext("h:diemhocky2", namespaces=NS) == "7.0"
    assert rows["MT"].findtext("h:diemcanam", namespaces=NS) == "Đ"
    assert rows["GDTC"].findtext("h:diemcanam", namespaces=NS) == "M"


def test_it_writes_primary_qualities_and_competencies_as_feed_columns() -> None:
    record = tree(build_packet(primary_example())).find(".//h:THONG_TIN_HOC_BA", NS)
    assert record.findtext("h:phamchatyeunuoc", namespaces=NS) == "T"
    assert record.findtext("h:nangluctuhoc", namespaces=NS) == "Đ"
    assert record.findtext("h:nxetnangluctuhoc", namespaces=NS) == "Tiến bộ rõ."
    assert record.findtext("h:xeploai", namespaces=NS) == "HTT"


def test_it_makes_one_subject_teacher_slot_per_teacher_outside_the_data() -> None:
    root = tree(build_packet(secondary_example()))
    slots = root.findall("h:DANH_SACH_THONG_TIN_KY/h:DANH_SACH_GVBM/h:GVBM", NS)
    assert [s.get("soddcngvbm") for s in slots] == ["001080011111", "001186022222"]
    assert all(len(s) == 0 for s in slots)
    assert (
        root.find("h:DANH_SACH_THONG_TIN_KY/h:GVCN", NS).get("soddcngvcn")
        == "001185012345"
    )


def test_a_primary_packet_has_no_subject_teacher_slots() -> None:
    root = tree(build_packet(primary_example()))
    assert root.findall(".//h:GVBM", NS) == []


def test_it_writes_the_issuance_block_beside_the_leader_and_seal_slots() -> None:
    root = tree(build_packet(primary_example(issued=True)))
    issue = root.find("h:PHAT_HANH_HOC_BA", NS)
    assert [etree.QName(e).localname for e in issue] == [
        "THONG_TIN_PHAT_HANH",
        "CBQL",
        "KY_PHAT_HANH",
    ]
    block = issue.find("h:THONG_TIN_PHAT_HANH", NS)
    assert block.get("Id") == "phathanh"
    assert block.findtext("h:ngaykyphathanh", namespaces=NS) == "2025-06-25"
    assert block.findtext("h:diadanhphathanh", namespaces=NS) == "Hà Nội"


def test_an_unissued_packet_has_no_issuance_block() -> None:
    root = tree(build_packet(primary_example()))
    assert root.find(".//h:THONG_TIN_PHAT_HANH", NS) is None


def test_it_is_utf8_with_vietnamese_letters_unescaped() -> None:
    data = build_packet(primary_example())
    assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    assert "Lê Hoàng Bảo Ngọc".encode() in data


def test_it_refuses_a_snapshot_with_a_bad_personal_id_naming_the_field() -> None:
    s = primary_example()
    bad = replace(s, student=replace(s.student, personal_id="12345"))
    with pytest.raises(PacketContentError, match=r"student\.personal_id"):
        build_packet(bad)


def test_it_refuses_a_secondary_score_with_two_decimals() -> None:
    s = secondary_example()
    subjects = (
        replace(s.results.subjects[0], year=Decimal("7.65")),
        *s.results.subjects[1:],
    )
    bad = replace(s, results=replace(s.results, subjects=subjects))
    with pytest.raises(PacketContentError, match=r"subject TOAN\.year"):
        build_packet(bad)


def test_it_refuses_a_primary_record_missing_a_quality() -> None:
    s = primary_example()
    bad = replace(s, results=replace(s.results, qualities=s.results.qualities[1:]))
    with pytest.raises(PacketContentError, match="quality codes"):
        build_packet(bad)


def test_it_refuses_a_grade_of_the_other_level() -> None:
    with pytest.raises(PacketContentError, match=r"record\.grade"):
        build_packet(replace(primary_example(), grade=7))
