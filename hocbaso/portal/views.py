"""The portal's pages: lookup by code, verification of a copy, staff access to the
transcripts in their scope, and the department's search of the audit trail.

The lookup code only ever travels in a POST body (domain.md §9): the lookup page
reads a code a link carries in its fragment (#code, the printout's QR code) with a
small script and puts it in the form. Every view, download and verification is
written to the audit trail (audit.record_access); every failed lookup too, as
lookup_failed, which is also what the throttle counts.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Max, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from hocbaso.portal import throttle
from hocbaso.portal.audit import record_access
from hocbaso.portal.models import AccessAction, AccessEvent, ActorKind
from hocbaso.portal.registry_view import (
    held_transcript,
    normalise_code,
    registry_transcript,
)
from hocbaso.portal.staff import (
    is_department_staff,
    staff_transcripts,
    transcript_for_staff,
)
from hocbaso.portal.verification import (
    UploadError,
    check_size,
    verify_printout,
    verify_upload,
)
from hocbaso.records.models import School, Transcript

NOTHING_FOUND = gettext_lazy(
    "No transcript was found for this code. Check the 32 characters printed on "
    "the transcript, or ask the student or the school for the code."
)


class LookupForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Lookup code"),
        max_length=64,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "size": 40}
        ),
        help_text=gettext_lazy("32 letters and digits, printed on every page."),
    )
    organisation = forms.CharField(
        label=gettext_lazy("Your organisation (optional)"),
        max_length=200,
        required=False,
    )
    purpose = forms.CharField(
        label=gettext_lazy("Purpose of the lookup (optional)"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("Shown to the student and the family."),
    )


def _throttled(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    record_access(
        request,
        action=AccessAction.LOOKUP_FAILED,
        transcript=None,
        detail={"throttled": True},
    )
    context["error"] = throttle.throttled_message()
    return render(request, template, context, status=429)


def _failed(request: HttpRequest, form: LookupForm, reason: str) -> None:
    record_access(
        request,
        action=AccessAction.LOOKUP_FAILED,
        transcript=None,
        organisation=form.cleaned_data.get("organisation", "") if form.is_bound else "",
        purpose=form.cleaned_data.get("purpose", "") if form.is_bound else "",
        detail={"reason": reason},
    )


def _lookup(request: HttpRequest, form: LookupForm):
    """The transcript and its registry view for a valid form, or (None, None)."""
    code = normalise_code(form.cleaned_data["code"])
    transcript, view = held_transcript(code)
    if view is None:
        _failed(request, form, "nothing" if code else "malformed")
        return None, None
    return transcript, view


@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    template = "portal/lookup.html"
    if request.method == "GET":
        return render(request, template, {"form": LookupForm()})
    form = LookupForm(request.POST)
    context: dict = {"form": form}
    if throttle.is_throttled(request):
        return _throttled(request, template, context)
    if not form.is_valid():
        _failed(request, form, "malformed")
        return render(request, template, context)
    transcript, view = _lookup(request, form)
    if view is None:
        context["error"] = NOTHING_FOUND
        return render(request, template, context)
    record_access(
        request,
        action=AccessAction.VIEW,
        transcript=transcript,
        organisation=form.cleaned_data["organisation"],
        purpose=form.cleaned_data["purpose"],
        detail=view.source,
    )
    # a transcript held elsewhere (the national repository) has no soft copy here
    context.update(view=view, download_form=form if transcript else None)
    return render(request, template, context)


@sensitive_post_parameters("code")
@require_POST
def download(request: HttpRequest) -> HttpResponse:
    """The signed soft copy of a transcript looked up by code (code in the body)."""
    form = LookupForm(request.POST)
    context: dict = {"form": form}
    if throttle.is_throttled(request):
        return _throttled(request, "portal/lookup.html", context)
    if not form.is_valid():
        _failed(request, form, "malformed")
        return render(request, "portal/lookup.html", context)
    transcript, view = _lookup(request, form)
    if view is None:
        context["error"] = NOTHING_FOUND
        return render(request, "portal/lookup.html", context)
    if transcript is None:
        message = _(
            "The signed soft copy is issued by the department that manages this "
            "transcript; the national repository shows it only."
        )
        return render(request, "portal/message.html", {"message": message}, status=404)
    return _soft_copy(
        request,
        transcript,
        organisation=form.cleaned_data["organisation"],
        purpose=form.cleaned_data["purpose"],
    )


def _soft_copy(request: HttpRequest, transcript: Transcript, **audit) -> HttpResponse:
    from hocbaso.portal.documents import DocumentError, soft_copy_pdf

    try:
        pdf = soft_copy_pdf(transcript, request=request, **audit)
    except DocumentError as exc:
        return render(request, "portal/message.html", {"message": str(exc)}, status=503)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"hocba-{transcript.student.student_code}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


# --- verification ----------------------------------------------------------------


# Bytes of a multipart body besides the file itself (boundaries, other fields).
FORM_OVERHEAD = 64 * 1024


class VerifyForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Soft copy (PDF) or data packet (XML)"), required=False
    )
    code = forms.CharField(
        label=gettext_lazy("Lookup code or the address in the QR code"),
        max_length=400,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "size": 50}),
    )
    digest = forms.CharField(
        label=gettext_lazy("Content digest printed on the page"),
        max_length=40,
        required=False,
    )

    def clean(self):
        data = super().clean()
        if not data.get("file") and not data.get("code"):
            raise forms.ValidationError(
                _("Choose a file to check, or enter the code of a printout.")
            )
        return data


@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    template = "portal/verify.html"
    if request.method == "GET":
        return render(request, template, {"form": VerifyForm()})
    context: dict = {"form": VerifyForm()}
    try:  # refuse an oversized body before reading it
        check_size(int(request.META.get("CONTENT_LENGTH") or 0) - FORM_OVERHEAD)
    except UploadError as exc:
        context["error"] = str(exc)
        return render(request, template, context, status=413)
    form = VerifyForm(request.POST, request.FILES)
    context["form"] = form
    if not form.is_valid():
        return render(request, template, context, status=400)
    upload = form.cleaned_data.get("file")
    try:
        if upload is not None:
            report = _verify_file(upload)
        else:
            if throttle.is_throttled(request):
                return _throttled(request, template, context)
            report = verify_printout(
                form.cleaned_data["code"], form.cleaned_data["digest"]
            )
    except UploadError as exc:
        context["error"] = str(exc)
        return render(request, template, context, status=400)
    if report.transcript is None and upload is None:
        _failed(request, LookupForm(), "printout")
    else:
        record_access(
            request,
            action=AccessAction.VERIFY,
            transcript=report.transcript,
            detail={"kind": report.kind, "status": report.status.value},
        )
    context["report"] = report
    return render(request, template, context)


def _verify_file(upload):
    check_size(upload.size)
    return verify_upload(upload.read())


# --- staff -------------------------------------------------------------------------


@login_required
def staff_list(request: HttpRequest) -> HttpResponse:
    query = (request.GET.get("q") or "").strip()
    rows = staff_transcripts(request.user, query)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "portal/staff_list.html", {"page": page, "query": query})


@login_required
def staff_transcript(request: HttpRequest, pk: int) -> HttpResponse:
    transcript = get_object_or_404(
        Transcript.objects.select_related("student", "school"), pk=pk
    )
    if not transcript_for_staff(request.user, transcript):
        return _forbidden(request)
    view = registry_transcript(transcript)
    record_access(
        request,
        action=AccessAction.VIEW,
        transcript=transcript,
        actor_kind=ActorKind.STAFF,
    )
    return render(
        request,
        "portal/staff_transcript.html",
        {"transcript": transcript, "view": view},
    )


@login_required
@require_POST
def staff_download(request: HttpRequest, pk: int) -> HttpResponse:
    transcript = get_object_or_404(
        Transcript.objects.select_related("student", "school"), pk=pk
    )
    if not transcript_for_staff(request.user, transcript):
        return _forbidden(request)
    return _soft_copy(request, transcript, actor_kind=ActorKind.STAFF)


def _forbidden(request: HttpRequest) -> HttpResponse:
    message = _(
        "You may not see this transcript: it belongs to a school outside your "
        "scope (your school, management unit or department)."
    )
    return render(request, "portal/message.html", {"message": message}, status=403)


# --- the department's audit trail ---------------------------------------------------


class AuditSearchForm(forms.Form):
    since = forms.DateField(
        label=gettext_lazy("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = forms.DateField(
        label=gettext_lazy("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    action = forms.ChoiceField(
        label=gettext_lazy("Action"),
        required=False,
        choices=[("", "—"), *AccessAction.choices],
    )
    school = forms.CharField(label=gettext_lazy("School code"), required=False)
    actor = forms.CharField(label=gettext_lazy("Who"), required=False)
    client = forms.CharField(label=gettext_lazy("Client"), required=False)


SUSPICIOUS_WINDOW = timedelta(days=1)


@login_required
def audit(request: HttpRequest) -> HttpResponse:
    if not is_department_staff(request.user):
        message = _("Only staff of the department may search the audit trail.")
        return render(request, "portal/message.html", {"message": message}, status=403)
    form = AuditSearchForm(request.GET or None)
    events = AccessEvent.objects.select_related("school", "transcript__student")
    schools = School.objects.all()
    if not request.user.is_superuser:
        from hocbaso.records.scope import schools_visible_to

        schools = schools_visible_to(request.user)
        events = events.filter(Q(school__in=schools) | Q(school__isnull=True))
    if form.is_valid():
        events = _filter_events(events, form.cleaned_data)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    since = timezone.now() - SUSPICIOUS_WINDOW
    suspicious = (
        AccessEvent.objects.filter(action=AccessAction.LOOKUP_FAILED, at__gte=since)
        .exclude(client="")
        .values("client")
        .annotate(failures=Count("pk"), last=Max("at"))
        .filter(failures__gte=throttle.suspicious_count())
        .order_by("-failures")[:50]
    )
    return render(
        request,
        "portal/audit.html",
        {"form": form, "page": page, "suspicious": suspicious},
    )


def _filter_events(events, data):
    tz = timezone.get_current_timezone()
    if data.get("since"):
        events = events.filter(at__gte=datetime.combine(data["since"], time(), tz))
    if data.get("until"):
        end = datetime.combine(data["until"] + timedelta(days=1), time(), tz)
        events = events.filter(at__lt=end)
    if data.get("action"):
        events = events.filter(action=data["action"])
    if data.get("school"):
        events = events.filter(school__code=data["school"].strip())
    if data.get("actor"):
        who = data["actor"].strip()
        events = events.filter(
            Q(actor_label__icontains=who)
            | Q(actor_user__username__iexact=who)
            | Q(organisation__icontains=who)
        )
    if data.get("client"):
        events = events.filter(client__startswith=data["client"].strip().lower())
    return events
