"""The pages of students and parents (/me/) and the share-code reading page."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import SuspiciousOperation
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from hocbaso.portal import purposes
from hocbaso.portal.audit import events_about, record_access
from hocbaso.portal.citizen import consent
from hocbaso.portal.citizen.auth import oidc_configured
from hocbaso.portal.citizen.forms import ShareForm, ShareReadForm
from hocbaso.portal.citizen.models import (
    CitizenAccount,
    ConsentPurpose,
    ShareCode,
    ShareUse,
    visible_transcripts,
)
from hocbaso.portal.citizen.registry import standings
from hocbaso.portal.citizen.sharing import (
    ShareError,
    make_share,
    read_share,
    revoke_share,
)
from hocbaso.portal.models import AccessAction, ActorKind
from hocbaso.registry.holdings import holdings

ACCESS_PAGE_SIZE = 20
_NEW_CODES = "citizen_new_share_codes"


# --- login --------------------------------------------------------------------


def login(request: HttpRequest) -> HttpResponse:
    if _account(request) is not None:
        return redirect("citizen:home")
    return render(
        request,
        "citizen/login.html",
        {"configured": oidc_configured(), "staff": request.user.is_authenticated},
    )


class StartLogin(OIDCAuthenticationRequestView):
    def get(self, request):
        if not oidc_configured():
            return redirect("citizen:login")
        return super().get(request)


class Callback(OIDCAuthenticationCallbackView):
    @property
    def failure_url(self):
        return reverse("citizen:login_failed")

    @property
    def success_url(self):
        return reverse("citizen:home")

    def get(self, request):
        try:
            return super().get(request)
        except SuspiciousOperation:
            return render(request, "citizen/login_failed.html", status=400)


def login_failed(request: HttpRequest) -> HttpResponse:
    return render(request, "citizen/login_failed.html", status=403)


# --- the citizen's own pages -----------------------------------------------------


def _account(request: HttpRequest) -> CitizenAccount | None:
    user = request.user
    if not user.is_authenticated or user.is_staff:
        return None
    return CitizenAccount.objects.filter(user=user).first()


def _require_account(request: HttpRequest) -> CitizenAccount:
    account = _account(request)
    if account is None:
        raise _NotCitizen
    return account


class _NotCitizenError(Exception):
    pass


_NotCitizen = _NotCitizenError()


def citizen_page(view):
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except _NotCitizenError:
            if request.user.is_authenticated:
                return render(request, "citizen/not_citizen.html", status=403)
            return redirect(f"{reverse('citizen:login')}")

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _transcripts(account: CitizenAccount):
    return (
        visible_transcripts(account.personal_id)
        .select_related("student", "school")
        .order_by("student__full_name", "level")
    )


@citizen_page
def home(request: HttpRequest) -> HttpResponse:
    account = _require_account(request)
    transcripts = list(_transcripts(account))
    cards = []
    for transcript in transcripts:
        records = transcript.yearly_records.select_related(
            "school_year", "school", "school_class"
        ).order_by("school_year__start_date", "pk")
        cards.append(
            {
                "transcript": transcript,
                "own": transcript.student.personal_id == account.personal_id,
                "records": standings(records),
            }
        )
    events = (
        events_about([t.pk for t in transcripts])
        .select_related("transcript__student")
        .order_by("-at", "-pk")
    )
    page = Paginator(events, ACCESS_PAGE_SIZE).get_page(request.GET.get("page"))
    _name_pupils_shown(page, transcripts)
    shares = (
        ShareCode.objects.filter(account=account)
        .select_related("transcript__student")
        .prefetch_related("records__school_year", "uses")
    )
    # privacy_views builds on this module's helpers: imported here, not above.
    from hocbaso.portal.citizen.privacy_views import privacy_context

    context = {"account": account, "cards": cards, "events": page, "shares": shares}
    return render(request, "citizen/home.html", context | privacy_context(account))


def _name_pupils_shown(events, transcripts) -> None:
    """An event of a page that showed a class names, of the family's children,
    those the page showed (``pupils``); one about a transcript names its own."""
    for event in events:
        shown = (event.detail or {}).get("shown") or {}
        event.pupils = (
            [event.transcript.student.full_name]
            if event.transcript is not None
            else [t.student.full_name for t in transcripts if str(t.pk) in shown]
        )


def _visible_transcript(account: CitizenAccount, pk: int):
    transcript = _transcripts(account).filter(pk=pk).first()
    if transcript is None:
        # The same answer whether the transcript exists or is someone else's.
        raise Http404(_("No such transcript among yours."))
    return transcript


@citizen_page
def soft_copy(request: HttpRequest, pk: int) -> HttpResponse:
    account = _require_account(request)
    transcript = _visible_transcript(account, pk)
    from hocbaso.portal import documents

    try:
        pdf = documents.soft_copy_pdf(transcript, request=request)
    except documents.DocumentError as exc:
        messages.error(request, str(exc))
        return redirect("citizen:home")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="hoc-ba-{transcript.student.student_code}.pdf"'
    )
    return response


@never_cache
@citizen_page
def transcript_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The transcript on screen as the public lookup shows it, read from what the
    registry holds (the signed packets, not the school side's rows)."""
    account = _require_account(request)
    transcript = _visible_transcript(account, pk)
    context = {
        "transcript": transcript,
        "view": holdings().of_transcript(transcript),
        "own": transcript.student.personal_id == account.personal_id,
    }
    # A family's own read is audited like any other (the access list shows it by
    # its purpose's label); the event and the page stand or fall together.
    with transaction.atomic():
        record_access(
            request,
            action=AccessAction.VIEW,
            transcript=transcript,
            actor_kind=ActorKind.CITIZEN,
            purpose=purposes.FAMILY_READ,
            detail={"purpose": purposes.FAMILY_READ},
        )
        return render(request, "citizen/transcript.html", context)


@citizen_page
def share_new(request: HttpRequest, pk: int) -> HttpResponse:
    account = _require_account(request)
    transcript = _visible_transcript(account, pk)
    records = list(
        transcript.yearly_records.select_related("school_year", "school").order_by(
            "school_year__start_date", "pk"
        )
    )
    form = ShareForm(request.POST or None, records=records)
    if request.method == "POST" and form.is_valid():
        chosen = [r for r in records if r.pk in set(form.cleaned_data["records"])]
        now = timezone.now()
        expires = now + dt.timedelta(days=form.cleaned_data["days"])
        try:
            made = make_share(
                account,
                transcript,
                chosen,
                expires,
                recipient=form.cleaned_data["recipient"],
                now=now,
                request=request,
            )
        except ShareError as exc:
            form.add_error(None, exc.message)
        else:
            new_codes = request.session.get(_NEW_CODES, {})
            new_codes[str(made.share.pk)] = made.code
            request.session[_NEW_CODES] = new_codes
            return redirect("citizen:share", pk=made.share.pk)
    given = consent.in_force(transcript.student_id, ConsentPurpose.SHARING)
    context = {"transcript": transcript, "form": form, "consent_given": given}
    return render(request, "citizen/share_new.html", context)


@citizen_page
def share_detail(request: HttpRequest, pk: int) -> HttpResponse:
    account = _require_account(request)
    share = get_object_or_404(
        ShareCode.objects.select_related("transcript__student"),
        pk=pk,
        account=account,
    )
    new_codes = request.session.get(_NEW_CODES, {})
    code = new_codes.pop(str(share.pk), None)
    if code is not None:
        request.session[_NEW_CODES] = new_codes
    uses = ShareUse.objects.filter(share=share).select_related("event")
    return render(
        request,
        "citizen/share_detail.html",
        {
            "share": share,
            "code": code,
            "records": share.records.select_related("school_year").order_by(
                "school_year__start_date"
            ),
            "uses": uses,
        },
    )


@require_POST
@citizen_page
def share_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    account = _require_account(request)
    share = get_object_or_404(ShareCode, pk=pk, account=account)
    revoke_share(account, share)
    messages.success(
        request, _("The share code is revoked: it no longer opens anything.")
    )
    return redirect("citizen:share", pk=share.pk)


# --- reading with a share code (anyone holding one) ------------------------------


def share_read(request: HttpRequest) -> HttpResponse:
    form = ShareReadForm(request.POST or None)
    reading = None
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            reading = read_share(
                request,
                form.cleaned_data["code"],
                organisation=form.cleaned_data["organisation"],
                purpose=form.cleaned_data["purpose"],
                via="page",
            )
        except ShareError as exc:
            form.add_error(None, exc.message)
            status = exc.status
        else:
            form = ShareReadForm()
    return render(
        request,
        "citizen/share_read.html",
        {"form": form, "reading": reading},
        status=status,
    )
