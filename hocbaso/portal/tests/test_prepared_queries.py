"""Queries written with the ORM and compiled once (hocbaso.prepared): the
same rows as the ORM gives, and a builder that cannot be prepared is refused; an
insert compiled once writes the row the ORM writes and sends its signals."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Count, Max
from django.db.models.signals import post_save
from django.utils import timezone

from hocbaso.exchange.models import Identity
from hocbaso.portal.models import AccessAction, AccessEvent
from hocbaso.prepared import (
    PreparedInsert,
    PreparedQuery,
    PreparedQueryError,
)

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


def _row(pk: int) -> dict:
    row = AccessEvent.objects.filter(pk=pk).values().get()
    del row["id"]
    return row


def test_a_prepared_insert_writes_the_row_the_orm_writes():
    user = get_user_model().objects.create(username="reader")
    values = {
        "at": timezone.now().replace(microsecond=654321),
        "action": AccessAction.VIEW,
        "actor_kind": "staff",
        "actor_user": user,
        "actor_label": "Nguyễn Thị Hoà",
        "organisation": "Trường THPT Chu Văn An",
        "purpose": "tuyển sinh 'lớp 10'; --",
        "client": "c" * 32,
        "detail": {"contact": "a@b.vn", "n": [1, 2.5, None], "ý": {"x": True}},
    }
    insert = PreparedInsert(AccessEvent)
    first = insert(AccessEvent(**values))
    second = insert(AccessEvent(**values))  # compiled once, run again
    by_orm = AccessEvent.objects.create(**values)
    assert first.pk and second.pk == first.pk + 1
    assert not first._state.adding and first._state.db == "default"
    assert _row(first.pk) == _row(second.pk) == _row(by_orm.pk)
    assert AccessEvent.objects.get(pk=first.pk).detail == values["detail"]


def test_a_prepared_insert_sends_post_save_with_the_new_row():
    heard = []

    def listen(sender, instance, created, raw, **kwargs):
        heard.append((instance.pk, created, raw, instance._state.adding))

    post_save.connect(listen, sender=AccessEvent, dispatch_uid="test-prepared")
    try:
        event = PreparedInsert(AccessEvent)(
            AccessEvent(at=timezone.now(), action="view", client="x")
        )
    finally:
        post_save.disconnect(sender=AccessEvent, dispatch_uid="test-prepared")
    assert heard == [(event.pk, True, False, False)]


def test_a_prepared_insert_refuses_a_saved_row_and_a_field_set_on_save():
    saved = AccessEvent.objects.create(at=timezone.now(), action="view")
    insert = PreparedInsert(AccessEvent)
    with pytest.raises(PreparedQueryError):
        insert(saved)  # would write a second row, not update this one
    with pytest.raises(PreparedQueryError):
        PreparedInsert(Identity)(Identity())  # auto_now_add
    assert AccessEvent.objects.count() == 1
