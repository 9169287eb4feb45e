"""The user guide: docs/guide/<role>.md rendered as a page, and its screenshots.

Each page of the site links to the guide of its reader's role ("Hướng dẫn" in the
header): staff by their appointments, a student or parent signed in by the
citizen login, anyone else to the guide for an organisation checking a copy.
The screenshots are written by the browser journeys (hocbaso/tests/journeys/),
so the guide shows the pages as they are (docs/guide/README.md).
"""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hocbaso.records.models import Role
from hocbaso.web import guide_markdown
from hocbaso.web.navigation import _roles, citizen, staff

# The guide's pages, one per role; the URL slug is the file's name.
LABELS = {
    "clerk": Role.CLERK.label,
    "homeroom-teacher": Role.HOMEROOM_TEACHER.label,
    "principal": Role.PRINCIPAL.label,
    "unit-officer": Role.UNIT_OFFICER.label,
    "department-officer": Role.DEPARTMENT_OFFICER.label,
    "parent": _("Student or parent"),
    "organisation": _("Organisation checking a copy"),
}
PAGES = tuple(LABELS)
# Which page a staff role reads, in the order tried for someone with several.
_STAFF_PAGES = (
    (Role.PRINCIPAL, "principal"),
    (Role.DEPUTY_PRINCIPAL, "principal"),
    (Role.CLERK, "clerk"),
    (Role.HOMEROOM_TEACHER, "homeroom-teacher"),
    (Role.SUBJECT_TEACHER, "homeroom-teacher"),
    (Role.UNIT_OFFICER, "unit-officer"),
    (Role.DEPARTMENT_OFFICER, "department-officer"),
    (Role.DEPARTMENT_ADMIN, "department-officer"),
)
_IMAGE_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*\.png$")


def guide_dir() -> Path:
    return Path(settings.BASE_DIR) / "docs" / "guide"


def page_for(request: HttpRequest) -> str:
    """The guide page for the request's user."""
    if staff(request):
        roles = _roles(request)
        for role, page in _STAFF_PAGES:
            if role in roles:
                return page
        return "department-officer" if request.user.is_superuser else "clerk"
    if citizen(request):
        return "parent"
    return "organisation"


def guide_url(request: HttpRequest) -> str:
    return reverse("guide:page", args=[page_for(request)])


def index(request: HttpRequest) -> HttpResponse:
    """``/guide/``: the reader's own page (the header's "Hướng dẫn" link)."""
    return redirect(guide_url(request))


def page(request: HttpRequest, name: str) -> HttpResponse:
    if name not in PAGES:  # never a path built from the URL
        raise Http404
    try:
        text = (guide_dir() / f"{name}.md").read_text(encoding="utf-8")
    except FileNotFoundError:
        raise Http404 from None
    base = reverse("guide:page", args=[name])
    title, body = guide_markdown.render(text, base=base)
    others = [
        {"url": reverse("guide:page", args=[slug]), "label": LABELS[slug]}
        for slug in PAGES
        if slug != name
    ]
    return render(
        request,
        "web/guide.html",
        {"title": title, "body": body, "pages": others},
    )


def image(request: HttpRequest, name: str, filename: str) -> HttpResponse:
    """A screenshot of docs/guide/img/, by a plain file name only."""
    if name not in PAGES or not _IMAGE_NAME.match(filename):
        raise Http404
    path = guide_dir() / "img" / filename
    if not path.is_file():
        raise Http404
    response = FileResponse(path.open("rb"), content_type="image/png")
    response["Cache-Control"] = "public, max-age=3600"
    return response
