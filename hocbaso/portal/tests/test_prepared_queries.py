"""Queries written with the ORM and compiled once (hocbaso.registry.prepared): the
same rows as the ORM gives, and a builder that cannot be prepared is refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Count, Max
from django.utils import timezone

from hocbaso.portal.models import AccessAction, AccessEvent
from hocbaso.registry.prepared import PreparedQuery, PreparedQueryError

pytestmark = pytest.mark.django_db


def _failures(client, since):
    return (
        AccessEvent.objects.filter(
            client=client, action=AccessAction.LOOKUP_FAILED, at__gte=since
        )
        .exclude(detail__has_key="throttled")
        .order_by()
        .values("client")
        .annotate(n=Count("pk"), last=Max("at"))
    )


def _event(client: str, at: dt.datetime, **detail) -> None:
    AccessEvent.objects.create(
        at=at, action=AccessAction.LOOKUP_FAILED, client=client, detail=detail
    )


def test_a_prepared_query_answers_as_the_orm_does_for_every_argument():
    now = timezone.now().replace(microsecond=123456)
    for n in range(3):
        _event("a", now - dt.timedelta(minutes=10 * n), reason="nothing")
    _event("a", now, throttled=True)
    _event("b", now - dt.timedelta(hours=2), reason="malformed")
    prepared = PreparedQuery(_failures, str, dt.datetime)
    for client in ("a", "b", "c", "a' OR 1=1 --"):
        for hours in (1, 3):
            since = now - dt.timedelta(hours=hours)
            assert prepared(client, since) == list(_failures(client, since))
    (row,) = prepared("a", now - dt.timedelta(hours=1))
    assert row["n"] == 3 and row["last"] == now and row["last"].tzinfo is not None


def test_an_argument_used_twice_or_not_at_all_is_refused():
    twice = PreparedQuery(
        lambda c: AccessEvent.objects.filter(client=c, organisation=c).values("pk"),
        str,
    )
    unused = PreparedQuery(lambda c: AccessEvent.objects.values("pk"), str)
    for query in (twice, unused):
        with pytest.raises(PreparedQueryError):
            query("a")


def test_a_builder_that_gives_model_instances_is_refused():
    query = PreparedQuery(lambda c: AccessEvent.objects.filter(client=c), str)
    with pytest.raises(PreparedQueryError):
        query("a")
