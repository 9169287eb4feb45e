"""The throttle's count at every lookup reads one client's failures through an
index (client, action, time): failures of other clients, however many (a walk
through codes from many addresses), are not read. Without it the count went
through every failure of the hour: 16 ms a lookup with 50,000 failures from
5,000 other clients, 0.05 ms with it (docs/portal.md, "Throttling and walks
through codes")."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.utils import timezone

from hocbaso.portal import throttle
from hocbaso.portal.models import AccessEvent

pytestmark = pytest.mark.django_db


def _index_name() -> str:
    (index,) = [
        i for i in AccessEvent._meta.indexes if i.fields == ["client", "action", "at"]
    ]
    return index.name


def _plan(sql: str, params: list) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # an empty test table is read whole; the question is which index
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
            return json.dumps(cursor.fetchone()[0])
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return " ".join(str(row) for row in cursor.fetchall())


def test_the_count_reads_the_clients_failures_through_its_index():
    throttle.allowance_of("a" * 32)  # compiled on this database
    compiled = throttle._FAILURES._compiled[connection.alias]
    params = list(compiled.params)
    since = timezone.now()
    for position, index, adapt in compiled.slots:
        value = ("a" * 32, since)[index]
        params[position] = value if adapt is None else adapt(value)
    assert _index_name() in _plan(compiled.sql, params)
