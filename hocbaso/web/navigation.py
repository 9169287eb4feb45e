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

from hocbaso.records.models import Role


def anyone(request: HttpRequest) -> bool:
    return True


def staff(request: HttpRequest) -> bool:
    return bool(request.user.is_authenticated and request.user.is_staff)


def signed_in(request: HttpRequest) -> bool:
    return bool(request.user.is_authenticated)


def citizen(request: HttpRequest) -> bool:
    return bool(request.user.is_authenticated and not request.user.is_staff)


def _roles(request: HttpRequest) -> set[str]:
    """The roles of the user's appointments in active school years (cached)."""
    cached = getattr(request, "_hocbaso_roles", None)
    if cached is None:
        from hocbaso.records.models import Appointment, SchoolYear

        cached = set(
            Appointment.objects.filter(
                person__user=request.user,
                school_year__in=SchoolYear.objects.active(),
            ).values_list("role", flat=True)
        )
        request._hocbaso_roles = cached  # type: ignore[attr-defined]
    return cached


def holding(*roles: str) -> Callable[[HttpRequest], bool]:
    """Staff holding one of ``roles`` (superusers see everything)."""

    def visible(request: HttpRequest) -> bool:
        if not staff(request):
            return False
        return bool(request.user.is_superuser or _roles(request) & set(roles))

    return visible


def department(request: HttpRequest) -> bool:
    if not staff(request):
        return False
    return bool(request.user.is_superuser or Role.DEPARTMENT_OFFICER in _roles(request))


def administrator(request: HttpRequest) -> bool:
    """The admin site's users (``permissions.is_department_admin``), from the cache."""
    return holding(Role.DEPARTMENT_ADMIN)(request)


def appointer(request: HttpRequest) -> bool:
    """Whoever may appoint someone (``permissions.grantable_roles``), from the cache."""
    from hocbaso.records.permissions import GRANTS

    return holding(*(role for role, grants in GRANTS.items() if grants))(request)


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
    Entry(
        "school:home",
        _("School"),
        holding(
            Role.HOMEROOM_TEACHER,
            Role.SUBJECT_TEACHER,
            Role.PRINCIPAL,
            Role.DEPUTY_PRINCIPAL,
            Role.CLERK,
        ),
    ),
    Entry(
        "rollout:home",
        _("Rollout"),
        holding(
            Role.PRINCIPAL,
            Role.DEPUTY_PRINCIPAL,
            Role.CLERK,
            Role.UNIT_OFFICER,
            Role.DEPARTMENT_OFFICER,
        ),
    ),
    Entry(
        "imports:home",
        _("Import"),
        holding(
            Role.HOMEROOM_TEACHER, Role.PRINCIPAL, Role.DEPUTY_PRINCIPAL, Role.CLERK
        ),
    ),
    Entry(
        "deadlines:home",
        _("Deadlines and locks"),
        holding(Role.DEPARTMENT_OFFICER, Role.UNIT_OFFICER),
    ),
    Entry("exchange:history", _("Exchange"), department),
    Entry("portal:audit", _("Audit trail"), department),
    Entry("records:appointments", _("Appointments"), appointer),
    Entry("admin:index", _("Administration"), administrator),
]


def work_url(request: HttpRequest) -> str:
    """Where a member of staff works: the first page family their roles open."""
    for name, visible in (
        ("school:home", ENTRIES_BY_NAME["school:home"].visible),
        ("rollout:home", ENTRIES_BY_NAME["rollout:home"].visible),
    ):
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        if visible(request):
            return url
    return reverse("portal:staff-list")


ENTRIES_BY_NAME = {entry.url_name: entry for entry in ENTRIES}


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
