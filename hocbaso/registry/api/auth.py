"""Who calls the API: a school's system with its token, or staff with a session.

Both answer the registry's ``Actor``, so the actions decide what each may do
(actors.py): ``request.auth`` is always an Actor. The token is tried first; a token
that is sent and fails is a 401 at once rather than a fall-through to the session.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from hocbaso.registry.actors import Actor
from hocbaso.registry.api import tokens
from hocbaso.registry.api.errors import TokenInvalidError


class SchoolToken(HttpBearer):
    """``Authorization: Bearer hbs_…``: one school's system."""

    def authenticate(self, request: HttpRequest, token: str) -> Actor:
        row = tokens.authenticate(token.strip(), timezone.now())
        if row is None:
            raise TokenInvalidError()
        return Actor.of_school_token(row.school, row.prefix)


class StaffSession(SessionAuth):
    """A staff login (Django session), with ninja's CSRF check on unsafe methods.

    Without a logged-in session there is nothing to forge, so no CSRF check runs
    and the caller gets the 401 that says how to authenticate, not a CSRF 403.
    """

    def __call__(self, request: HttpRequest) -> Actor | None:
        if not request.user.is_authenticated:
            return None
        user = super().__call__(request)
        return Actor.of_user(user) if user else None


token_auth = SchoolToken()
session_auth = StaffSession()
AUTH = [token_auth, session_auth]


def actor_of(request: HttpRequest) -> Actor:
    return request.auth  # type: ignore[attr-defined]
