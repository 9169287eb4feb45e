"""Where a login lands: staff on their work page, anyone else on the lookup."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from hocbaso.web.navigation import staff, work_url


def work(request: HttpRequest) -> HttpResponse:
    """``LOGIN_REDIRECT_URL``: the first page family the user's roles open."""
    return redirect(work_url(request) if staff(request) else "/")
