"""Finding a package's records: the transcripts and records of its packets, read
in one query compiled once per process (docs/scaling.md, "Storing a record")."""

from __future__ import annotations

import dataclasses

import pytest
from django.db.models.sql.compiler import SQLCompiler

from hocbaso.records.models import Round, Transcript, YearlyRecord
from hocbaso.records.snapshot import records_with_rows, snapshot_of
from hocbaso.registry import checks

pytestmark = pytest.mark.django_db


def _package(district):
    chosen = [r.pk for r in district.records(district.primary, Round.MAIN)[:3]]
    records = records_with_rows(YearlyRecord.objects.filter(pk__in=chosen))
    return records, [snapshot_of(r) for r in records]


@pytest.fixture
def compiled(monkeypatch):
    """The models of the queries compiled to SQL meanwhile."""
    models, as_sql = [], SQLCompiler.as_sql

    def counted(self, *args, **kwargs):
        models.append(self.query.model)
        return as_sql(self, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", counted)
    return models


def _assert_found(found, snapshot, record) -> None:
    transcript, held = found[(snapshot.lookup_code, snapshot.school_year)]
    assert (transcript.pk, transcript.school_id) == (
        record.transcript_id,
        record.transcript.school_id,
    )
    assert (held.pk, held.grade, held.round, held.status) == (
        record.pk,
        record.grade,
        record.round,
        record.status,
    )
    assert (held.school.code, held.school_class.name) == (
        record.school.code,
        record.school_class.name,
    )
    assert held.school_year.main_lock_date == record.school_year.main_lock_date
    assert (held.school_id, held.school_year_id) == (
        record.school_id,
        record.school_year_id,
    )


def test_a_packages_records_are_read_in_one_query_compiled_once(
    district, django_assert_num_queries, compiled
):
    records, snapshots = _package(district)
    checks.find_records(snapshots)  # compiled at its first use in the process
    compiled.clear()
    with django_assert_num_queries(1):
        found = checks.find_records(snapshots)
    assert compiled == []
    for snapshot, record in zip(snapshots, records, strict=True):
        _assert_found(found, snapshot, record)


def test_a_code_or_year_the_registry_lacks_is_told_apart(
    district, django_assert_num_queries, monkeypatch
):
    """An unknown code: no transcript; a known code in a year it has no record of:
    its transcript alone. In slices too (a package longer than a slice)."""
    records, snapshots = _package(district)
    unknown = dataclasses.replace(snapshots[0], lookup_code="Z" * 32)
    other_year = dataclasses.replace(snapshots[1], school_year="2001-2002")
    package = [unknown, other_year, *snapshots]
    checks.find_records(package)
    monkeypatch.setattr(checks, "_SLICE", 2)
    # Four codes in two slices, then the unknown code alone.
    with django_assert_num_queries(2 + 1):
        found = checks.find_records(package)
    assert found[("Z" * 32, unknown.school_year)] == (None, None)
    transcript, record = found[(other_year.lookup_code, "2001-2002")]
    assert record is None
    assert transcript == Transcript.objects.get(lookup_code=other_year.lookup_code)
    for snapshot, record in zip(snapshots, records, strict=True):
        _assert_found(found, snapshot, record)
