"""Guessing lookup codes is slowed per client, not punished (docs/security.md).

Every failed lookup is an AccessEvent ``lookup_failed`` keyed by the client's
bucket (clients.client_hash), so the count lives in the database, holds across
gunicorn workers and restarts, and the department sees a walk through codes.

Within settings.HOCBASO_LOOKUP_WINDOW_SECONDS a client has
HOCBASO_LOOKUP_FAILURE_LIMIT failures free; each further failure opens a wait
after it, HOCBASO_LOOKUP_DELAY_SECONDS doubled per failure beyond the allowance,
at most HOCBASO_LOOKUP_MAX_DELAY_SECONDS. Only while a client is in its wait is
it refused (HTTP 429), right codes included; once the wait is over a right code
is served. Refusals are recorded (``throttled`` in the detail) but do not
lengthen the wait, so an office behind one address is never locked out for
longer than the wait its last failure opened. A successful lookup never resets
the count: otherwise a guesser would interleave a code it knows.

The count reads one client's failures through an index (client, action, time).
While a client waits, the wait is taken from the cache (``_kept_wait``) instead
of counting again, checked against the database by one indexed read.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import caches
from django.db.models import Count, Max, Min
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from hocbaso.portal.audit import client_of
from hocbaso.portal.models import AccessAction, AccessEvent
from hocbaso.prepared import PreparedQuery
from hocbaso.registry.holdings import HOLDINGS_CACHE


@dataclass(frozen=True)
class Allowance:
    """Where one client stands: its counted failures and how long it must wait."""

    client: str
    failures: int
    wait_seconds: int

    @property
    def is_waiting(self) -> bool:
        return self.wait_seconds > 0


def delay_after(failures: int, free: int | None = None) -> int:
    """Seconds of wait that the ``failures``-th failure opens (0 within the
    allowance): the base delay doubled for each failure beyond it, capped."""
    free = settings.HOCBASO_LOOKUP_FAILURE_LIMIT if free is None else free
    beyond = failures - free
    if beyond < 0:
        return 0
    base = settings.HOCBASO_LOOKUP_DELAY_SECONDS
    cap = settings.HOCBASO_LOOKUP_MAX_DELAY_SECONDS
    return cap if beyond >= 32 else min(cap, base * 2**beyond)


def allowance_of(
    client: str, *, free: int | None = None, now: datetime | None = None
) -> Allowance:
    """The client's standing from its failures in the window (one query), or
    from the wait they opened, kept while it holds (below)."""
    now = now or timezone.now()
    free = settings.HOCBASO_LOOKUP_FAILURE_LIMIT if free is None else free
    if (kept := _kept_wait(client, free, now)) is not None:
        return kept
    since = now - timedelta(seconds=settings.HOCBASO_LOOKUP_WINDOW_SECONDS)
    counted = _FAILURES(client, since)
    if not counted:
        return Allowance(client, 0, 0)
    row = counted[0]
    until = row["last"] + timedelta(seconds=delay_after(row["n"], free))
    standing = Allowance(client, row["n"], _seconds(until - now))
    if standing.is_waiting:
        _keep_wait(standing, free, until, row, now)
    return standing


# Every lookup asks this: compiled once (hocbaso/prepared.py), as the ORM's
# building of it cost ten times its run.
_FAILURES = PreparedQuery(
    lambda client, since: (
        AccessEvent.objects.filter(
            client=client, action=AccessAction.LOOKUP_FAILED, at__gte=since
        )
        .exclude(detail__has_key="throttled")
        .order_by()
        .values("client")
        .annotate(n=Count("pk"), last=Max("at"), first=Min("at"))
    ),
    str,
    datetime,
)


def _seconds(left: timedelta) -> int:
    return max(0, math.ceil(left.total_seconds()))


# A client in its wait is refused without counting again: each refusal is a row
# the count would read (a client hammering in its wait made every request read
# all its refusals, about 20 ms each with 50 000 of them). The wait is kept in the
# configured cache until it ends or until the oldest counted failure leaves the
# window (the count, so the wait, may shrink then), and is honoured only while
# the failure that opened it is in the database: the database stays what
# counts, across processes, whatever the cache.
def _wait_key(client: str, free: int) -> str:
    limits = (
        free,
        settings.HOCBASO_LOOKUP_DELAY_SECONDS,
        settings.HOCBASO_LOOKUP_MAX_DELAY_SECONDS,
        settings.HOCBASO_LOOKUP_WINDOW_SECONDS,
    )
    return "portal:throttle-wait:" + ":".join(map(str, (client, *limits)))


def _keep_wait(
    standing: Allowance, free: int, until: datetime, row: dict, now: datetime
) -> None:
    window = timedelta(seconds=settings.HOCBASO_LOOKUP_WINDOW_SECONDS)
    holds_until = min(until, row["first"] + window)
    if holds_until > now:
        kept = (standing.failures, until, holds_until, row["last"])
        caches[HOLDINGS_CACHE].set(
            _wait_key(standing.client, free), kept, _seconds(holds_until - now)
        )


def _kept_wait(client: str, free: int, now: datetime) -> Allowance | None:
    kept = caches[HOLDINGS_CACHE].get(_wait_key(client, free))
    if kept is None:
        return None
    failures, until, holds_until, last = kept
    if now >= holds_until or not _FAILED_AT(client, last):
        return None
    return Allowance(client, failures, _seconds(until - now))


_FAILED_AT = PreparedQuery(
    lambda client, at: AccessEvent.objects.filter(
        client=client, action=AccessAction.LOOKUP_FAILED, at=at
    ).values("pk")[:1],
    str,
    datetime,
)


def allowance(request: HttpRequest, *, free: int | None = None) -> Allowance:
    return allowance_of(client_of(request), free=free)


def is_throttled(request: HttpRequest) -> bool:
    """Whether this client is in the wait its last failed lookup opened."""
    return allowance(request).is_waiting


def throttled_message(wait_seconds: int) -> str:
    return _(
        "Too many lookups with a wrong code from your connection. For the safety of "
        "students' records, please wait %(seconds)s seconds and try again, or ask "
        "the school for the correct code. Organisations that check many "
        "transcripts can ask the department for an API key."
    ) % {"seconds": max(1, wait_seconds)}


def suspicious_count() -> int:
    """Failed lookups in a day from one client that the department's page lists."""
    return settings.HOCBASO_LOOKUP_FAILURE_LIMIT
