"""Organisations' keys for the lookup API: issue, revoke, authenticate, count.

A key reads ``hbv_<prefix>_<secret>``: the prefix (10 hex digits) is public and
finds the row; the secret is 256 random bits. Only the SHA-256 of the whole key
is stored and compared in constant time (the registry's school tokens work the
same way, hocbaso/registry/api/tokens.py). A call with a key is throttled under
the key (``key:<prefix>``) with the key's own allowance of failures, limited by
its daily quota, and audited as its organisation; a call with a key that is not
valid is refused and counted as a failed lookup of the address.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from hocbaso.portal.models import AccessAction, AccessEvent, VerifierKey

SCHEME = "hbv"
QUOTA_PERIOD = timedelta(days=1)


class InvalidKeyError(Exception):
    """A key given but not valid (unknown, malformed or revoked)."""


@dataclass(frozen=True)
class IssuedKey:
    row: VerifierKey
    key: str


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue_key(
    organisation: str,
    *,
    daily_quota: int = 10_000,
    failure_allowance: int = 200,
    created_by=None,
    at: datetime | None = None,
) -> IssuedKey:
    """A new key for ``organisation``; the key itself is returned this once."""
    prefix, secret = secrets.token_hex(5), secrets.token_urlsafe(32)
    key = f"{SCHEME}_{prefix}_{secret}"
    row = VerifierKey.objects.create(
        organisation=organisation.strip()[:200],
        prefix=prefix,
        secret_sha256=hash_key(key),
        daily_quota=daily_quota,
        failure_allowance=failure_allowance,
        created_at=at or timezone.now(),
        created_by=created_by,
    )
    return IssuedKey(row, key)


def revoke_key(prefix: str, at: datetime | None = None) -> VerifierKey | None:
    row = VerifierKey.objects.filter(prefix=prefix, revoked_at__isnull=True).first()
    if row is not None:
        row.revoked_at = at or timezone.now()
        row.save(update_fields=["revoked_at"])
    return row


def presented_key(request: HttpRequest) -> str | None:
    """The key in ``Authorization: Bearer hbv_…``, or None without one."""
    scheme, _sp, value = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def authenticate(key: str) -> VerifierKey:
    """The active key row that ``key`` is; InvalidKeyError otherwise."""
    scheme, _sep, rest = key.partition("_")
    prefix, _sep, secret = rest.partition("_")
    if scheme != SCHEME or len(prefix) != 10 or not secret:
        raise InvalidKeyError
    row = VerifierKey.objects.filter(prefix=prefix, revoked_at__isnull=True).first()
    if row is None or not hmac.compare_digest(row.secret_sha256, hash_key(key)):
        raise InvalidKeyError
    return row


def calls_today(row: VerifierKey, now: datetime | None = None) -> int:
    """The key's lookups and verifications in the last day, refusals excluded."""
    since = (now or timezone.now()) - QUOTA_PERIOD
    return (
        AccessEvent.objects.filter(client=row.client, at__gte=since)
        .filter(
            Q(action=AccessAction.API)
            | Q(action=AccessAction.VERIFY)
            | Q(action=AccessAction.LOOKUP_FAILED)
        )
        .exclude(detail__has_key="throttled")
        .count()
    )
