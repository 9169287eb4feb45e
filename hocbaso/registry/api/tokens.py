"""Issuing, revoking and checking the schools' API tokens.

A token reads ``hbs_<prefix>_<secret>``: the prefix (10 hex digits) is public and
finds the row; the secret is 256 random bits. Only the SHA-256 of the whole token is
stored, compared in constant time (hmac.compare_digest); the token itself is
returned once, by ``issue_token``, and never again.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import DEFAULT_DB_ALIAS, IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hocbaso.prepared import PreparedQuery
from hocbaso.records.models import School
from hocbaso.registry import lookups
from hocbaso.registry.errors import NotFoundError, RegistryError
from hocbaso.registry.models import ApiToken

SCHEME = "hbs"
# Writing last_used_at on every call would make every read a write; a minute of
# precision is enough to tell an idle token from a busy one.
USE_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class IssuedToken:
    """A new token's row and the full token, which is shown this once."""

    row: ApiToken
    token: str


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(
    school: School | str,
    name: str,
    *,
    created_by=None,
    label: str = "",
    at: datetime | None = None,
) -> IssuedToken:
    """A new token for ``school``. Raises NotFoundError, RegistryError (no name)."""
    name = (name or "").strip()
    if not name:
        raise RegistryError(_("A token needs a name."), code="NAME_REQUIRED")
    school = lookups.school(school)
    for _attempt in range(5):  # a prefix collision is a 1 in 10**12 event: retry
        prefix, secret = secrets.token_hex(5), secrets.token_urlsafe(32)
        token = f"{SCHEME}_{prefix}_{secret}"
        try:
            with transaction.atomic():
                row = ApiToken.objects.create(
                    school=school,
                    name=name[:100],
                    prefix=prefix,
                    secret_sha256=hash_token(token),
                    created_at=at or timezone.now(),
                    created_by=created_by,
                    created_label=label[:150],
                )
        except IntegrityError:
            continue
        return IssuedToken(row, token)
    raise RegistryError(_("No token could be issued; try again."), code="TOKEN_ISSUE")


def revoke_token(
    prefix: str, *, by=None, label: str = "", at: datetime | None = None
) -> ApiToken:
    """Revoke the active token with ``prefix``. Raises NotFoundError."""
    row = ApiToken.objects.filter(prefix=prefix, revoked_at__isnull=True).first()
    if row is None:
        raise NotFoundError(
            _("There is no active token %(prefix)s.") % {"prefix": prefix}
        )
    row.revoked_at = at or timezone.now()
    row.revoked_by = by
    row.revoked_label = label[:150]
    row.save(update_fields=["revoked_at", "revoked_by", "revoked_label"])
    return row


def prefix_of(token: str) -> str | None:
    scheme, _sep, rest = token.partition("_")
    prefix, _sep, secret = rest.partition("_")
    if scheme != SCHEME or len(prefix) != 10 or not secret:
        return None
    return prefix


# The token's columns and its school's, read in one query: the Actor holds a whole
# School as a queryset with select_related would give it, with no lazy load later.
_TOKEN_FIELDS = ("id", "school_id", "prefix", "secret_sha256", "last_used_at")
_SCHOOL_FIELDS = tuple(f.attname for f in School._meta.concrete_fields)
_ACTIVE_BY_PREFIX = PreparedQuery(
    lambda prefix: (
        ApiToken.objects.filter(prefix=prefix, revoked_at__isnull=True)
        .order_by()
        .values(*_TOKEN_FIELDS, *(f"school__{name}" for name in _SCHOOL_FIELDS))[:1]
    ),
    str,
)


def authenticate(token: str, at: datetime) -> ApiToken | None:
    """The active token row that ``token`` is (its other columns deferred), or
    None."""
    prefix = prefix_of(token)
    if prefix is None:
        return None
    found = _ACTIVE_BY_PREFIX(prefix)
    if not found or not hmac.compare_digest(
        found[0]["secret_sha256"], hash_token(token)
    ):
        return None
    row = _token_of(found[0])
    if row.last_used_at is None or at - row.last_used_at >= USE_RESOLUTION:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=at)
    return row


def _token_of(values: dict) -> ApiToken:
    row = ApiToken.from_db(
        DEFAULT_DB_ALIAS, list(_TOKEN_FIELDS), [values[n] for n in _TOKEN_FIELDS]
    )
    school = [values[f"school__{name}"] for name in _SCHOOL_FIELDS]
    row.school = School.from_db(DEFAULT_DB_ALIAS, list(_SCHOOL_FIELDS), school)
    return row
