"""The demo's records carry teachers' comments, and the signed snapshot prints them."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest

from hocbaso.demo import comments
from hocbaso.demo.seed import seed_district
from hocbaso.records.models import SubjectAssessment, YearlyRecord
from hocbaso.records.snapshot import snapshot_of

TODAY = dt.date(2026, 11, 28)
LAST_YEAR = "2025-2026"


@pytest.fixture
def tiny(db):
    return seed_district(scale="tiny", seed=4, today=TODAY, password="x")


def _is_vietnamese_sentence(text: str) -> bool:
    return (
        unicodedata.is_normalized("NFC", text)
        and text[0].isupper()
        and text.endswith(".")
        and "  " not in text
        and any(ord(c) > 0x7F for c in text)
    )


def test_primary_records_comment_on_qualities_competencies_and_subjects(tiny):
    records = YearlyRecord.objects.filter(school_year__name=LAST_YEAR, grade__lte=5)
    assert records.exists()
    for record in records[:40]:
        for field in ("qualities", "competencies"):
            notes = record.comments[field]
            assert len(notes) == 2 and set(notes) <= set(getattr(record, field))
            assert all(map(_is_vietnamese_sentence, notes.values()))
    rows = SubjectAssessment.objects.filter(
        record__in=records, term="hk2", data__has_key="level"
    )
    assert not rows.filter(comment="").exists()
    excellent = rows.filter(subject_code="TV", data__level="T").first()
    assert excellent.comment == comments.primary_subject("TV", {"level": "T"})
    assert "chính tả" in excellent.comment


def test_secondary_rows_comment_each_term_from_its_marks(tiny):
    rows = SubjectAssessment.objects.filter(
        record__school_year__name=LAST_YEAR, record__grade__gte=6
    ).exclude(data__has_key="exempt")
    assert rows.exists() and not rows.filter(comment="").exists()
    assert all(
        _is_vietnamese_sentence(c) for c in set(rows.values_list("comment", flat=True))
    )
    assert comments.secondary_term(
        {"tx": ["9", "9"], "gk": "8.5", "ck": "9"}
    ).startswith("Nắm vững")
    assert comments.secondary_term(
        {"tx": ["Đ", "CĐ"], "gk": "Đ", "ck": "Đ"}
    ).startswith("Chưa hoàn thành")
    assert comments.secondary_term({"exempt": True}) == ""


def test_the_snapshot_carries_the_comments(tiny):
    record = (
        YearlyRecord.objects.filter(school_year__name=LAST_YEAR, grade=4)
        .select_related("transcript", "school_class", "school", "school_year")
        .first()
    )
    snapshot = snapshot_of(record)
    rated = [r for r in snapshot.results.qualities if r.comment]
    assert len(rated) == 2
    assert all(s.comment for s in snapshot.results.subjects if s.level != "M")
