"""Write the audit trail: one call per access to a transcript.

    record_access(request, action=AccessAction.VIEW, transcript=t, purpose=...)

Callers pass what they know; the actor is read from the request (a logged-in
staff user or citizen, else anonymous) unless given. The client's address is
stored as a keyed hash so repeated attempts from one client can be counted
without keeping the address itself (hocbaso.portal.clients: through trusted
proxies only; ``unknown`` when the request has no usable address).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from hocbaso.portal.clients import client_address, client_hash
from hocbaso.portal.models import AccessAction, AccessEvent, ActorKind
from hocbaso.prepared import PreparedInsert
from hocbaso.records.models import School, Transcript

__all__ = [
    "audit_verification",
    "client_address",
    "client_hash",
    "client_of",
    "events_about",
    "record_access",
]


def _actor_from_request(request: HttpRequest | None) -> tuple[str, Any, str]:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        kind = ActorKind.STAFF if user.is_staff else ActorKind.CITIZEN
        return kind, user, user.get_full_name() or user.get_username()
    return ActorKind.ANONYMOUS, None, ""


def client_of(request: HttpRequest | None) -> str:
    """``client_hash`` of the request, worked out once: a lookup asks it for the
    throttle's count and again for its access row."""
    if request is None:
        return ""
    client = getattr(request, "_portal_client", None)
    if client is None:
        client = request._portal_client = client_hash(request)
    return client


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
    client: str | None = None,
    school: School | None = None,
) -> AccessEvent:
    """Append one access event. ``detail`` must never carry a lookup code.

    ``school`` is for an event of several transcripts (``transcript`` None), such
    as a school page showing a class: ``detail["shown"]`` then holds each
    transcript's id as a key, and ``events_about`` finds the event for each."""
    kind, user, label = _actor_from_request(request)
    event = AccessEvent(
        at=at or timezone.now(),
        action=str(action),
        transcript=transcript,
        school=transcript.school if transcript is not None else school,
        actor_kind=str(actor_kind or kind),
        actor_user=user,
        actor_label=(actor_label or label)[:200],
        organisation=organisation[:200],
        purpose=purpose[:300],
        client=client_of(request) if client is None else client,
        detail=detail or {},
    )
    return _INSERT(event)


# Every lookup writes one row: the INSERT compiled once per process
# (hocbaso/prepared.py), as the ORM's compiling of it cost as much as its run;
# post_save is still sent, so the notices hear every read.
_INSERT = PreparedInsert(AccessEvent)


def events_about(transcript_ids: list[int]) -> QuerySet[AccessEvent]:
    """Every access event about these transcripts: their own, and those of pages
    that showed several at once (``detail["shown"]``, keyed by transcript id, a
    query SQLite and PostgreSQL both answer)."""
    ids = list(transcript_ids)
    if not ids:
        return AccessEvent.objects.none()
    shown = Q(
        transcript__isnull=True, detail__shown__has_any_keys=[str(i) for i in ids]
    )
    return AccessEvent.objects.filter(Q(transcript__in=ids) | shown)


def audit_verification(
    request: HttpRequest | None, report, *, extra: dict | None = None, **audit
) -> AccessEvent:
    """A verification's event: a copy whose lookup code matches nothing is a
    failed lookup (counted by the throttle like a wrong code typed in)."""
    if report.unknown_code:
        action, transcript = AccessAction.LOOKUP_FAILED, None
        detail = {"reason": "verify", "kind": report.kind}
    else:
        action, transcript = AccessAction.VERIFY, report.transcript
        detail = {"kind": report.kind, "status": report.status.value}
    return record_access(
        request,
        action=action,
        transcript=transcript,
        detail={**detail, **(extra or {})},
        **audit,
    )
