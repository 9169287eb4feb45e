"""Deleting what is past its retention (docs/privacy.md, "Retention").

A periodic task of the workers (``hocbaso worker``, once a day whatever the
number of workers: ``enqueue_if_due``) deletes, in one transaction:

1. share codes expired or revoked more than ``HOCBASO_SHARE_GRACE_DAYS`` ago (the
   family still sees a code's uses for that long), with their uses; the access
   events of those uses stay, under rule 3;
2. the staff login throttle's rows (``web.LoginFailures``) whose window and block
   ended more than ``THROTTLE_KEEP`` ago: they only ever count the last minutes;
3. access events older than ``HOCBASO_ACCESS_RETENTION_YEARS`` (the access trail
   exists so that the data subject can know who read their data; after that time
   it is deleted). The database itself refuses to delete an access event younger
   than ``ACCESS_TRAIL_MIN_YEARS`` (migration 0003): no setting, bug or shell can
   shorten the trail below it, and start-up refuses a shorter setting;
4. e-mail notices (``hocbaso.notices``: address, pupil's name, text) sent more
   than ``NOTICE_KEEP`` ago: they told of an event the family has long read; the
   access trail keeps the events themselves.

Transcripts, yearly records, submissions, the ledger and the consents are never
deleted: the transcript is a permanent school record, and the consents are the
proof of what was agreed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from hocbaso.notices.models import Notice
from hocbaso.portal.citizen.models import ShareCode, ShareUse
from hocbaso.portal.models import AccessEvent
from hocbaso.web.models import LoginFailures

RETENTION_EVERY = dt.timedelta(days=1)
THROTTLE_KEEP = dt.timedelta(days=1)
# Two school years of sent notices stay listed on the family's page.
NOTICE_KEEP = dt.timedelta(days=2 * 365)
# The floor the database enforces (citizen migration 0003); a decision of the
# project (docs/privacy.md): the trail covers at least a pupil's whole level.
ACCESS_TRAIL_MIN_YEARS = 5


@dataclass(frozen=True)
class Deleted:
    share_codes: int
    share_uses: int
    throttle_rows: int
    access_events: int
    notices: int


def access_years() -> int:
    years = settings.HOCBASO_ACCESS_RETENTION_YEARS
    if years < ACCESS_TRAIL_MIN_YEARS:
        raise ImproperlyConfigured(
            f"HOCBASO_ACCESS_RETENTION_YEARS must be at least "
            f"{ACCESS_TRAIL_MIN_YEARS}: {years}"
        )
    return years


def trail_cutoff(now: dt.datetime) -> dt.datetime:
    """The start of the kept trail: the same day and time ``years`` back (29
    February becomes 28 February)."""
    years = access_years()
    try:
        return now.replace(year=now.year - years)
    except ValueError:
        return now.replace(year=now.year - years, day=28)


def apply_retention(now: dt.datetime | None = None) -> Deleted:
    """Delete what is past its retention; the counts."""
    now = now or timezone.now()
    grace = dt.timedelta(days=settings.HOCBASO_SHARE_GRACE_DAYS)
    with transaction.atomic():
        old_codes = ShareCode.objects.filter(
            Q(expires_at__lt=now - grace) | Q(revoked_at__lt=now - grace)
        )
        old_events = AccessEvent.objects.filter(at__lt=trail_cutoff(now))
        uses = ShareUse.objects.filter(Q(share__in=old_codes) | Q(event__in=old_events))
        share_uses = uses.delete()[0]
        codes = list(old_codes.values_list("pk", flat=True))
        ShareCode.records.through.objects.filter(sharecode_id__in=codes).delete()
        share_codes = ShareCode.objects.filter(pk__in=codes).delete()[0]
        throttle = LoginFailures.objects.filter(
            window_start__lt=now - THROTTLE_KEEP
        ).filter(Q(blocked_until__isnull=True) | Q(blocked_until__lt=now))
        throttle_rows = throttle.delete()[0]
        access_events = old_events.delete()[0]
        notices = Notice.objects.filter(sent_at__lt=now - NOTICE_KEEP).delete()[0]
    return Deleted(share_codes, share_uses, throttle_rows, access_events, notices)


@task()
def delete_past_retention() -> dict:
    """The periodic task: ``apply_retention`` now."""
    return asdict(apply_retention())


def enqueue_if_due(now: dt.datetime | None = None) -> bool:
    """Enqueue ``delete_past_retention`` if its day came (one worker of many)."""
    from hocbaso.season import engine

    return engine.run_if_due(
        "delete_past_retention", RETENTION_EVERY, delete_past_retention.enqueue, now=now
    )
