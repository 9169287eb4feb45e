"""Guessing lookup codes is throttled per client (domain.md §9).

Every failed lookup is an AccessEvent ``lookup_failed`` keyed by the client's hash
(audit.client_hash), so the count lives in the database and holds across every
gunicorn worker, and the department sees a walk through codes in the audit trail.
A client with settings.HOCBASO_LOOKUP_FAILURE_LIMIT failures within
settings.HOCBASO_LOOKUP_WINDOW_SECONDS is refused (HTTP 429) until the window
slides past them; refused attempts are recorded too, so hammering keeps it shut.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from hocbaso.portal.audit import client_hash
from hocbaso.portal.models import AccessAction, AccessEvent


def failures(client: str) -> int:
    since = timezone.now() - timedelta(seconds=settings.HOCBASO_LOOKUP_WINDOW_SECONDS)
    return AccessEvent.objects.filter(
        client=client, action=AccessAction.LOOKUP_FAILED, at__gte=since
    ).count()


def is_throttled(request: HttpRequest) -> bool:
    """Whether this client has used up its failed lookups for now."""
    client = client_hash(request)
    return bool(client) and failures(client) >= settings.HOCBASO_LOOKUP_FAILURE_LIMIT


def throttled_message() -> str:
    minutes = max(1, settings.HOCBASO_LOOKUP_WINDOW_SECONDS // 60)
    return _(
        "Too many lookups with a wrong code from your connection. For the safety of "
        "students' records, please wait %(minutes)s minutes and try again, or ask "
        "the school for the correct code."
    ) % {"minutes": minutes}


def suspicious_count() -> int:
    """Failed lookups in a day from one client that the department's page lists."""
    return settings.HOCBASO_LOOKUP_FAILURE_LIMIT
