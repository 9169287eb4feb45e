"""The site's main navigation, shown in ``base.html``.

Each page family adds its entry here. An entry appears when its URL exists
and the predicate accepts the request's user, so a page family that is not
installed, or a user without the role, simply does not see the link.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


def anyone(request: HttpRequest) -> bool:
    return True


def staff(request: HttpRequest) -> bool:
    return bool(request.user.is_authenticated and request.user.is_staff)


def signed_in(request: HttpRequest) -> bool:
    return bool(request.user.is_authenticated)


def citizen(request: HttpRequest) -> bool:
    return bool(request.user.is_authenticated and not request.user.is_staff)


def department(request: HttpRequest) -> bool:
    if not staff(request):
        return False
    from hocbaso.portal.staff import is_department_staff

    return is_department_staff(request.user)


@dataclass(frozen=True)
class Entry:
    url_name: str
    label: str | Promise
    visible: Callable[[HttpRequest], bool] = anyone


ENTRIES: list[Entry] = [
    Entry("portal:lookup", _("Look up")),
    Entry("portal:verify", _("Verify a copy")),
    Entry("citizen:home", _("My transcripts"), citizen),
    Entry("portal:staff-list", _("Transcripts"), staff),
    Entry("school:home", _("School"), staff),
    Entry("rollout:home", _("Rollout"), staff),
    Entry("imports:home", _("Import"), staff),
    Entry("exchange:history", _("Exchange"), department),
    Entry("portal:audit", _("Audit trail"), department),
    Entry("admin:index", _("Administration"), staff),
]


def navigation(request: HttpRequest) -> dict[str, object]:
    """Context processor: the entries this request's user may see."""
    items = []
    for entry in ENTRIES:
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        if entry.visible(request):
            items.append(
                {
                    "url": url,
                    "label": entry.label,
                    "active": request.path.startswith(url) and url != "/",
                }
            )
    return {"navigation": items}
