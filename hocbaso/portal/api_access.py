"""Who calls the portal's API, under which limits, and how the call is audited.

Without a key the caller is its address (clients.client_hash) with the page's
allowance; with ``Authorization: Bearer hbv_…`` (keys.py) it is the
organisation's key, throttled and audited under ``key:<prefix>`` with the key's
own allowance and daily quota. Every refusal is one access event, so nothing is
refused unseen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from hocbaso.portal import keys, throttle
from hocbaso.portal.audit import audit_verification, client_hash, record_access
from hocbaso.portal.forms import text_problem
from hocbaso.portal.models import AccessAction, ActorKind, VerifierKey
from hocbaso.registry.api.errors import ApiError


@dataclass(frozen=True)
class Caller:
    client: str  # what the throttle counts and the trail records
    address: str  # the address's keyed hash, kept in the detail of a key's events
    key: VerifierKey | None = None

    @property
    def free_failures(self) -> int | None:
        return self.key.failure_allowance if self.key else None

    def audit_fields(self, organisation: str = "") -> dict[str, Any]:
        if self.key is None:
            return {"actor_kind": ActorKind.API, "organisation": organisation}
        return {
            "actor_kind": ActorKind.API,
            "actor_label": self.key.organisation,
            "organisation": self.key.organisation,
        }

    def detail(self, **detail: Any) -> dict[str, Any]:
        if self.key is not None:
            detail.update(key=self.key.prefix, address=self.address)
        return detail


def record(request: HttpRequest, caller: Caller, *, organisation="", **kwargs):
    kwargs["detail"] = caller.detail(**(kwargs.get("detail") or {}))
    return record_access(
        request, client=caller.client, **caller.audit_fields(organisation), **kwargs
    )


def caller_of(request: HttpRequest) -> Caller:
    """The caller, refused (401, 429) when its key is not valid or used up."""
    address = client_hash(request)
    presented = keys.presented_key(request)
    if presented is None:
        return Caller(address, address)
    refuse_if_throttled(request, Caller(address, address))
    try:
        row = keys.authenticate(presented)
    except keys.InvalidKeyError:
        record(
            request,
            Caller(address, address),
            action=AccessAction.LOOKUP_FAILED,
            transcript=None,
            detail={"reason": "key"},
        )
        raise ApiError(
            _(
                "The API key is not valid (unknown, mistyped or revoked). Ask the "
                "department for a key, or call without one."
            ),
            code="INVALID_API_KEY",
            status=401,
        ) from None
    caller = Caller(row.client, address, row)
    _refuse_over_quota(request, caller)
    return caller


def _refuse_over_quota(request: HttpRequest, caller: Caller) -> None:
    assert caller.key is not None
    if keys.calls_today(caller.key) < caller.key.daily_quota:
        return
    _record_refusal(request, caller, "quota")
    raise ApiError(
        _(
            "This key has used its %(quota)s lookups and verifications of the last "
            "24 hours. Ask the department for a larger quota."
        )
        % {"quota": caller.key.daily_quota},
        code="QUOTA_EXCEEDED",
        status=429,
    )


def _record_refusal(request: HttpRequest, caller: Caller, why: str) -> None:
    record(
        request,
        caller,
        action=AccessAction.LOOKUP_FAILED,
        transcript=None,
        detail={"throttled": why},
    )


def refuse_if_throttled(request: HttpRequest, caller: Caller) -> None:
    standing = throttle.allowance_of(caller.client, free=caller.free_failures)
    if standing.is_waiting:
        _record_refusal(request, caller, "wait")
        raise ApiError(
            throttle.throttled_message(standing.wait_seconds),
            code="LOOKUP_THROTTLED",
            status=429,
        )


def check_texts(**fields: tuple[str, str, int]) -> None:
    """400 INVALID_TEXT for typed text the trail cannot keep (forms.text_problem):
    ``name=(value, label, max_length)``."""
    for value, label, limit in fields.values():
        problem = text_problem(value, label, limit)
        if problem:
            raise ApiError(problem, code="INVALID_TEXT", status=400)


def audit_report(request: HttpRequest, caller: Caller, report) -> None:
    audit_verification(
        request,
        report,
        client=caller.client,
        extra=caller.detail(),
        **caller.audit_fields(),
    )
