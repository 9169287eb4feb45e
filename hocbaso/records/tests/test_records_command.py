"""``manage.py records list``."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from hocbaso.records.models import RecordStatus


def _run(*args):
    out = StringIO()
    call_command("records", "list", *args, stdout=out)
    return out.getvalue()


def test_it_lists_yearly_records_as_json_with_vietnamese_letters(world):
    rows = json.loads(_run("--json", "--school", "TH-A"))
    transcript = world.a.transcript
    assert rows == [
        {
            "lookup_code": transcript.lookup_code,
            "student": {"code": "HSA000001", "name": "Nguyễn Minh Anh"},
            "school": "TH-A",
            "year": world.year.name,
            "grade": 4,
            "class": "4A1",
            "status": "draft",
        }
    ]
    assert "Nguyễn Minh Anh" in _run("--json")  # not \u-escaped


def test_it_filters_by_status_and_limits_the_count(world):
    world.b.record.status = RecordStatus.SUBMITTED
    world.b.record.save()
    rows = json.loads(_run("--json", "--status", "submitted"))
    assert [row["student"]["code"] for row in rows] == ["HSB000001"]
    assert len(json.loads(_run("--json", "--limit", "2"))) == 2


def test_without_json_it_prints_a_table(world):
    table = _run()
    assert table.splitlines()[0].split()[:3] == ["Lookup", "code", "Student"]
    assert "Trần Quốc Bảo" in table
    assert table.rstrip().endswith("4 records")


def test_a_negative_limit_is_refused(db):
    with pytest.raises(CommandError, match="--limit"):
        _run("--limit", "-1")
