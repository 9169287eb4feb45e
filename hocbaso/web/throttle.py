"""A failure throttle for the staff logins (``/login/`` and ``/admin/login/``).

After ``ACCOUNT_LIMIT`` failures for one username, or ``CLIENT_LIMIT`` from one
client, within ``WINDOW``, that account or client is refused for ``BLOCK``
whatever the password: a right password during the block gets the same answer,
so the block is no oracle. A success clears the account's count, never the
client's, or a guesser holding one good login could reset the client's count
between guesses. Nobody is locked out for longer than ``BLOCK`` after the last
failure. Counters live in the database so every server process shares them.

The username is compared folded (NFKC, case) so "Admin" and "admin" share a
count; the client is the address Django sees (``REMOTE_ADDR``, which the
deployment's trusted proxy sets), as a keyed hash.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import unicodedata

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from hocbaso.web.models import LoginFailures

ACCOUNT_LIMIT = 5
CLIENT_LIMIT = 20
WINDOW = dt.timedelta(minutes=15)
BLOCK = dt.timedelta(minutes=15)


def _hash(kind: str, value: str) -> str:
    key = ("hocbaso.web.login:" + settings.SECRET_KEY).encode()
    digest = hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()
    return f"{kind}:{digest[:64]}"


def account_key(username: str) -> str:
    return _hash("account", unicodedata.normalize("NFKC", username).casefold().strip())


def keys_for(request, username: str) -> dict[str, int]:
    """The counters one attempt touches, with the limit of each."""
    keys = {account_key(username or ""): ACCOUNT_LIMIT}
    address = request.META.get("REMOTE_ADDR", "") if request is not None else ""
    if address:
        keys[_hash("client", address)] = CLIENT_LIMIT
    return keys


def blocked_until(keys: dict[str, int], now: dt.datetime | None = None):
    """The end of the longest block among ``keys``, or None when none is blocked."""
    now = now or timezone.now()
    ends = LoginFailures.objects.filter(
        key__in=list(keys), blocked_until__gt=now
    ).values_list("blocked_until", flat=True)
    return max(ends, default=None)


@transaction.atomic
def record_failure(keys: dict[str, int], now: dt.datetime | None = None) -> None:
    """Count one failure on every key; block a key that reaches its limit."""
    now = now or timezone.now()
    for key, limit in keys.items():
        row, _created = LoginFailures.objects.select_for_update().get_or_create(
            key=key, defaults={"window_start": now}
        )
        if row.window_start <= now - WINDOW:
            LoginFailures.objects.filter(pk=row.pk).update(
                failures=1, window_start=now, blocked_until=None
            )
            continue
        LoginFailures.objects.filter(pk=row.pk).update(failures=F("failures") + 1)
        if row.failures + 1 >= limit:
            LoginFailures.objects.filter(pk=row.pk).update(blocked_until=now + BLOCK)


def clear_account(username: str) -> None:
    LoginFailures.objects.filter(key=account_key(username or "")).delete()
