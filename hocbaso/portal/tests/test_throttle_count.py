"""The throttle's count at every lookup reads one client's failures through an
index (client, action, time): failures of other clients, however many (a walk
through codes from many addresses), are not read. Without it the count went
through every failure of the hour: 16 ms a lookup with 50,000 failures from
5,000 other clients, 0.05 ms with it (docs/portal.md, "Throttling and walks
through codes").

A client in its wait is refused without counting again (its refusals are rows
the count reads), and the wait kept for it gives the standing the count gives:
it ends when the oldest counted failure leaves the window, and it is not
honoured once the failure that opened it is not in the database.
"""

from __future__ import annotations

import json
from datetime import timedelta
from unittest import mock

import pytest
from django.core.cache import caches
from django.db import connection, transaction
from django.utils import timezone

from hocbaso.portal import throttle
from hocbaso.portal.models import AccessEvent

pytestmark = pytest.mark.django_db

CLIENT = "c" * 32


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.HOCBASO_LOOKUP_FAILURE_LIMIT = 3
    settings.HOCBASO_LOOKUP_DELAY_SECONDS = 2
    settings.HOCBASO_LOOKUP_MAX_DELAY_SECONDS = 300
    settings.HOCBASO_LOOKUP_WINDOW_SECONDS = 3600
    caches["default"].clear()
    yield
    caches["default"].clear()


def _failed(at, n=1, **detail) -> None:
    for _ in range(n):
        AccessEvent.objects.create(
            at=at, action="lookup_failed", client=CLIENT, detail=detail
        )


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


def _counting():
    return mock.patch.object(
        throttle, "_FAILURES", wraps=throttle._FAILURES, create=False
    )


def test_a_client_in_its_wait_is_refused_without_counting_again():
    now = timezone.now()
    _failed(now - timedelta(seconds=1), n=5)  # two beyond the allowance: 8 s
    first = throttle.allowance_of(CLIENT, now=now)
    _failed(now, throttled=True)  # its refusal, as the views record it
    with _counting() as count:
        again = throttle.allowance_of(CLIENT, now=now + timedelta(seconds=3))
    assert count.call_count == 0
    assert (first.failures, first.wait_seconds) == (5, 7)
    assert (again.failures, again.wait_seconds) == (5, 4)
    caches["default"].clear()  # another process: the database's answer
    assert throttle.allowance_of(CLIENT, now=now + timedelta(seconds=3)) == again


def test_a_kept_wait_ends_when_the_oldest_failure_leaves_the_window():
    now = timezone.now()
    _failed(now - timedelta(seconds=3590), n=5)  # out of the window in 10 s
    _failed(now - timedelta(seconds=1))  # 6 failures: a wait of 16 s
    assert throttle.allowance_of(CLIENT, now=now).wait_seconds == 15
    with _counting() as count:
        later = throttle.allowance_of(CLIENT, now=now + timedelta(seconds=11))
    assert count.call_count == 1
    assert (later.failures, later.wait_seconds) == (1, 0)


def test_a_kept_wait_whose_failures_are_gone_is_not_honoured():
    now = timezone.now()
    with transaction.atomic():
        _failed(now, n=5)
        assert throttle.allowance_of(CLIENT, now=now).is_waiting
        transaction.set_rollback(True)  # the failures were never written
    assert not throttle.allowance_of(CLIENT, now=now).is_waiting
