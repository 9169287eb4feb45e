"""The page where a student or parent chooses their notices, confirms their
address and sees the notices sent (/me/notices/). Only a citizen login reads it,
and only its own rows."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from hocbaso.notices import confirming
from hocbaso.notices.forms import PreferenceForm
from hocbaso.notices.models import Notice, Preference
from hocbaso.notices.receivers import later
from hocbaso.notices.recipients import consenting
from hocbaso.portal.citizen.consent import visible_students
from hocbaso.portal.citizen.models import CitizenAccount

PAGE_SIZE = 20


class ConfirmForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code mailed to the address"), max_length=20
    )


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
    pref = Preference.objects.filter(account=account).first()
    pref = pref or Preference(account=account)
    posted = request.POST if request.method == "POST" else None
    confirming_code = posted is not None and "confirm" in posted
    confirm = ConfirmForm(posted if confirming_code else None)
    form = PreferenceForm(None if confirming_code else posted, instance=pref)
    if confirm.is_bound and _confirmed(request, pref, confirm):
        return redirect("notices:preferences")
    if form.is_bound and form.is_valid():
        _save(request, form)
        return redirect("notices:preferences")
    return _page(request, account, pref, form, confirm)


def _save(request: HttpRequest, form: PreferenceForm) -> None:
    from hocbaso.notices.tasks import send_confirmation

    pref = form.save()
    messages.success(request, _("Your notice choices are saved."))
    if pref.email and not pref.is_confirmed and "email" in form.changed_data:
        later(send_confirmation, pref.account_id, pref.email)
        messages.info(
            request,
            _(
                "A code was mailed to %(email)s: type it below. Nothing is sent "
                "there before."
            )
            % {"email": pref.email},
        )


def _confirmed(request: HttpRequest, pref: Preference, form: ConfirmForm) -> bool:
    if not form.is_valid():
        return False
    if pref.pk is None or not confirming.matches(pref, form.cleaned_data["code"]):
        form.add_error(
            "code",
            _(
                "This is not the code mailed to %(email)s. Check it, or save the "
                "address again to get a new one."
            )
            % {"email": pref.email or "-"},
        )
        return False
    pref.confirmed = pref.email
    pref.save(update_fields=["confirmed", "updated_at"])
    messages.success(request, _("The address is confirmed: notices go there now."))
    return True


def _page(request, account, pref, form, confirm) -> HttpResponse:
    sent = Notice.objects.filter(account=account).select_related("transcript__student")
    page = Paginator(sent, PAGE_SIZE).get_page(request.GET.get("page"))
    bad = bool(form.errors or confirm.errors)
    return render(
        request,
        "notices/preferences.html",
        {
            "form": form,
            "confirm": confirm,
            "pref": pref,
            "notices": page,
            "account": account,
            "without_consent": _without_consent(account),
        },
        status=400 if bad else 200,
    )


def _without_consent(account: CitizenAccount) -> list[str]:
    """The names of the children about whom nothing is sent: no consent to
    notifications is in force for them (docs/privacy.md)."""
    students = list(visible_students(account.personal_id))
    consented = consenting({s.pk for s in students})
    return [s.full_name for s in students if s.pk not in consented]
