"""Write the audit trail: one call per access to a transcript.

    record_access(request, action=AccessAction.VIEW, transcript=t, purpose=...)

Callers pass what they know; the actor is read from the request (a logged-in
staff user or citizen, else anonymous) unless given. The client's address is
stored as a keyed hash so repeated attempts from one client can be counted
without keeping the address itself.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from hocbaso.portal.models import AccessAction, AccessEvent, ActorKind
from hocbaso.records.models import Transcript


def client_address(request: HttpRequest | None) -> str:
    if request is None:
        return ""
    return request.META.get("REMOTE_ADDR", "") or ""


def client_hash(request: HttpRequest | None) -> str:
    """A keyed hash of the client's address (empty without a request)."""
    address = client_address(request)
    if not address:
        return ""
    key = ("hocbaso.portal.client:" + settings.SECRET_KEY).encode()
    return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()[:32]


def _actor_from_request(request: HttpRequest | None) -> tuple[str, Any, str]:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        kind = ActorKind.STAFF if user.is_staff else ActorKind.CITIZEN
        return kind, user, user.get_full_name() or user.get_username()
    return ActorKind.ANONYMOUS, None, ""


def record_access(
    request: HttpRequest | None,
    *,
    action: AccessAction | str,
    transcript: Transcript | None,
    actor_kind: ActorKind | str | None = None,
    actor_label: str = "",
    organisation: str = "",
    purpose: str = "",
    detail: dict[str, Any] | None = None,
    at=None,
) -> AccessEvent:
    """Append one access event. ``detail`` must never carry a lookup code."""
    kind, user, label = _actor_from_request(request)
    return AccessEvent.objects.create(
        at=at or timezone.now(),
        action=str(action),
        transcript=transcript,
        school=transcript.school if transcript is not None else None,
        actor_kind=str(actor_kind or kind),
        actor_user=user,
        actor_label=(actor_label or label)[:200],
        organisation=organisation[:200],
        purpose=purpose[:300],
        client=client_hash(request),
        detail=detail or {},
    )
