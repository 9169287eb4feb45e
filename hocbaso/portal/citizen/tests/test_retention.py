"""Retention (docs/privacy.md): the periodic task deletes what is past its time and
nothing else; the database refuses to delete an access event younger than the
floor, whatever the application asks; a shorter setting stops the start."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from hocbaso.notices.models import Notice
from hocbaso.portal.citizen import retention
from hocbaso.portal.citizen.models import CitizenAccount, ShareCode, ShareUse
from hocbaso.portal.citizen.tests.conftest import PARENT
from hocbaso.portal.models import AccessEvent
from hocbaso.season.models import PeriodicSlot
from hocbaso.web.models import LoginFailures

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 12, 7, 3, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def _floor_trigger():
    """The retention floor's trigger as citizen migration 0003 makes it (a
    transactional test's clean-up elsewhere puts back portal 0002's)."""
    module = importlib.import_module(
        "hocbaso.portal.citizen.migrations.0003_access_trail_retention"
    )
    with connection.cursor() as cursor:
        for sql in module.statements(connection.vendor):
            cursor.execute(sql)


def _event(at, transcript) -> AccessEvent:
    return AccessEvent.objects.create(
        at=at, action="view", transcript=transcript, actor_kind="anonymous"
    )


def _share(account, world, *, expires, revoked=None) -> ShareCode:
    share = ShareCode.objects.create(
        account=account,
        transcript=world.a.transcript,
        digest=f"{expires.timestamp():064.0f}"[-64:],
        hint="ABCDE",
        created_at=expires - 30 * DAY,
        expires_at=expires,
        revoked_at=revoked,
    )
    share.records.set([world.a.record])
    return share


@pytest.fixture
def account(django_user_model):
    user = django_user_model.objects.create_user("citizen-retention")
    return CitizenAccount.objects.create(user=user, personal_id=PARENT[0])


def _notice(world, sent_at):
    return Notice.objects.create(
        key=f"test:{sent_at.isoformat()}",
        kind="effective",
        recipient="me@example.org",
        transcript=world.a.transcript,
        subject="Học bạ",
        body="Học bạ đã có hiệu lực.",
        sent_at=sent_at,
    )


def test_only_what_is_past_its_retention_is_deleted(settings, world, account):
    settings.HOCBASO_SHARE_GRACE_DAYS = 30
    settings.HOCBASO_ACCESS_RETENTION_YEARS = 6
    now = timezone.now()
    past = _share(account, world, expires=now - 31 * DAY)
    revoked = _share(account, world, expires=now + DAY, revoked=now - 40 * DAY)
    kept = _share(account, world, expires=now - 29 * DAY)
    used = _event(now - 35 * DAY, world.a.transcript)
    ShareUse.objects.create(share=past, event=used)
    ancient = _event(now.replace(year=now.year - 6) - DAY, world.a.transcript)
    five = _event(now.replace(year=now.year - 5) - DAY, world.a.transcript)
    stale = LoginFailures.objects.create(key="client:a", window_start=now - 2 * DAY)
    blocked = LoginFailures.objects.create(
        key="client:b", window_start=now - 2 * DAY, blocked_until=now + DAY
    )
    fresh = LoginFailures.objects.create(key="client:c", window_start=now)
    told = [_notice(world, now - days * DAY) for days in (2 * 365 + 1, 2 * 365 - 1)]

    deleted = retention.apply_retention(now)

    assert deleted == retention.Deleted(2, 1, 1, 1, 1)
    assert list(Notice.objects.values_list("pk", flat=True)) == [told[1].pk]
    assert list(ShareCode.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not ShareCode.objects.filter(pk__in=[past.pk, revoked.pk]).exists()
    assert set(AccessEvent.objects.values_list("pk", flat=True)) == {used.pk, five.pk}
    assert not AccessEvent.objects.filter(pk=ancient.pk).exists()
    left = set(LoginFailures.objects.values_list("pk", flat=True))
    assert left == {blocked.pk, fresh.pk} and stale.pk not in left
    assert retention.apply_retention(now) == retention.Deleted(0, 0, 0, 0, 0)


def test_the_database_refuses_to_shorten_the_trail(world):
    recent = _event(timezone.now() - 4 * 365 * DAY, world.a.transcript)
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessEvent.objects.filter(pk=recent.pk).delete()
    old = _event(timezone.now() - 6 * 366 * DAY, world.a.transcript)
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessEvent.objects.filter(pk=old.pk).update(purpose="changed")
    AccessEvent.objects.filter(pk=old.pk).delete()
    assert AccessEvent.objects.filter(pk=recent.pk).exists()


def test_a_trail_shorter_than_the_floor_stops_the_start(settings):
    settings.HOCBASO_ACCESS_RETENTION_YEARS = 4
    with pytest.raises(ImproperlyConfigured, match="at least 5"):
        retention.access_years()


def test_the_workers_enqueue_it_once_a_day(settings):
    settings.HOCBASO_TASKS_BACKEND = "immediate"
    assert retention.enqueue_if_due(NOW) is True
    assert retention.enqueue_if_due(NOW + dt.timedelta(hours=23)) is False
    assert retention.enqueue_if_due(NOW + DAY) is True
    slot = PeriodicSlot.objects.get(name="delete_past_retention")
    assert slot.due_at == NOW + 2 * DAY
