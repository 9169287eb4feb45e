"""The page where a student or parent chooses their notices and sees those sent
(/me/notices/). Only a citizen login reads it, and only its own rows."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from hocbaso.notices.forms import PreferenceForm
from hocbaso.notices.models import Notice, Preference
from hocbaso.notices.recipients import consenting
from hocbaso.portal.citizen.consent import visible_students
from hocbaso.portal.citizen.models import CitizenAccount

PAGE_SIZE = 20


def _account(request: HttpRequest) -> CitizenAccount | None:
    user = request.user
    if not user.is_authenticated or user.is_staff:
        return None
    return CitizenAccount.objects.filter(user=user).first()


@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    account = _account(request)
    if account is None:
        if request.user.is_authenticated:  # staff, or a login without an account
            return render(request, "citizen/not_citizen.html", status=403)
        return redirect("citizen:login")
    found = Preference.objects.filter(account=account).first()
    pref = found or Preference(account=account)
    form = PreferenceForm(request.POST or None, instance=pref)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your notice choices are saved."))
        return redirect("notices:preferences")
    sent = Notice.objects.filter(account=account).select_related("transcript__student")
    page = Paginator(sent, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notices/preferences.html",
        {
            "form": form,
            "notices": page,
            "account": account,
            "without_consent": _without_consent(account),
        },
        status=400 if form.errors else 200,
    )


def _without_consent(account: CitizenAccount) -> list[str]:
    """The names of the children about whom nothing is sent: no consent to
    notifications is in force for them (docs/privacy.md)."""
    students = list(visible_students(account.personal_id))
    consented = consenting({s.pk for s in students})
    return [s.full_name for s in students if s.pk not in consented]
