"""The portal's pages: lookup by code, verification of a copy, staff access to the
transcripts in their scope, and the department's search of the audit trail.

The lookup code only ever travels in a POST body (domain.md §9): the lookup page
reads a code a link carries in its fragment (#code, the printout's QR code) with a
small script and puts it in the form. Every view, download and verification is
written to the audit trail (audit.record_access); every failed lookup too, as
lookup_failed, which is also what the throttle counts.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta

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

from hocbaso.portal import limits, throttle
from hocbaso.portal.audit import audit_verification, record_access
from hocbaso.portal.forms import (
    AuditSearchForm,
    LookupForm,
    VerifyForm,
    clean_lookup,
)
from hocbaso.portal.models import AccessAction, AccessEvent, ActorKind
from hocbaso.portal.registry_view import (
    held_transcript,
    normalise_code,
    registry_transcript,
)
from hocbaso.portal.result_page import result_page
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


def _throttled(
    request: HttpRequest, template: str, context_of: Callable[[], dict]
) -> HttpResponse | None:
    """HTTP 429 while the client is in its wait (the refusal is recorded but does
    not lengthen the wait), else None. ``context_of`` gives the page's context,
    built only for a refusal."""
    standing = throttle.allowance(request)
    if not standing.is_waiting:
        return None
    record_access(
        request,
        action=AccessAction.LOOKUP_FAILED,
        transcript=None,
        detail={"throttled": True},
        client=standing.client,
    )
    context = {
        **context_of(),
        "error": throttle.throttled_message(standing.wait_seconds),
    }
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(standing.wait_seconds)
    return response


def _bound_form(request: HttpRequest) -> Callable[[], dict]:
    return lambda: {"form": LookupForm(request.POST)}


def _failed(request: HttpRequest, fields: dict, reason: str) -> None:
    record_access(
        request,
        action=AccessAction.LOOKUP_FAILED,
        transcript=None,
        organisation=fields.get("organisation", ""),
        purpose=fields.get("purpose", ""),
        detail={"reason": reason},
    )


def _fields(request: HttpRequest, template: str) -> dict | HttpResponse:
    """The lookup's fields, cleaned as LookupForm cleans them (forms.clean_lookup,
    no form built when they are valid), or the page with the form's errors: a
    code that cannot be one is a failed lookup; text the trail cannot keep
    (organisation, purpose) is only sent back to fix."""
    fields = clean_lookup(request.POST)
    if fields is not None:
        return fields
    form = LookupForm(request.POST)
    if form.is_valid():
        return form.cleaned_data
    if "code" in form.errors:
        _failed(request, form.cleaned_data, "malformed")
    return render(request, template, {"form": form}, status=400)


def _lookup(request: HttpRequest, fields: dict):
    """The transcript and its registry view for valid fields, or (None, None)."""
    code = normalise_code(fields["code"])
    transcript, view = held_transcript(code)
    if view is None:
        _failed(request, fields, "nothing" if code else "malformed")
        return None, None
    return transcript, view


def _nothing_found(request: HttpRequest, template: str) -> HttpResponse:
    context = {"form": LookupForm(request.POST), "error": NOTHING_FOUND}
    return render(request, template, context)


@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    template = "portal/lookup.html"
    if request.method == "GET":
        return render(request, template, {"form": LookupForm()})
    if refused := _throttled(request, template, _bound_form(request)):
        return refused
    fields = _fields(request, template)
    if isinstance(fields, HttpResponse):
        return fields
    transcript, view = _lookup(request, fields)
    if view is None:
        return _nothing_found(request, template)
    record_access(
        request,
        action=AccessAction.VIEW,
        transcript=transcript,
        organisation=fields["organisation"],
        purpose=fields["purpose"],
        detail={**view.source, "contact": fields["contact"].lower()}
        if fields.get("contact")
        else view.source,
    )
    # a transcript held elsewhere (the national repository) has no soft copy here;
    # the download form's fields are written plainly (a widget's template costs a
    # third of the page); the page shows no form, so none is built
    download = {k: fields[k] for k in ("code", "organisation", "purpose")}
    context = {"view": view, "download": download if transcript else None}
    return result_page(request, template, context)


@sensitive_post_parameters("code")
@require_POST
def download(request: HttpRequest) -> HttpResponse:
    """The signed soft copy of a transcript looked up by code (code in the body)."""
    template = "portal/lookup.html"
    if refused := _throttled(request, template, _bound_form(request)):
        return refused
    fields = _fields(request, template)
    if isinstance(fields, HttpResponse):
        return fields
    transcript, view = _lookup(request, fields)
    if view is None:
        return _nothing_found(request, template)
    if transcript is None:
        message = _(
            "The signed soft copy is issued by the department that manages this "
            "transcript; the national repository shows it only."
        )
        return render(request, "portal/message.html", {"message": message}, status=404)
    return _soft_copy(
        request,
        transcript,
        organisation=fields["organisation"],
        purpose=fields["purpose"],
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


@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """A copy's verification; an oversized body was refused before it was read
    (limits.UploadLimitMiddleware). A copy carries a lookup code, so checking it
    against the registry is a lookup: throttled, and a code that matches nothing
    is a failed lookup."""
    template = "portal/verify.html"
    if request.method == "GET":
        return render(request, template, {"form": VerifyForm()})
    if refused := _throttled(request, template, lambda: {"form": VerifyForm()}):
        return refused
    context: dict = {"form": VerifyForm()}
    form = VerifyForm(request.POST, request.FILES)
    if limits.is_refused(request):  # the body was cut off past the limit
        return limits.refusal(request)
    context["form"] = form
    if not form.is_valid():
        return render(request, template, context, status=400)
    upload = form.cleaned_data.get("file")
    try:
        if upload is not None:
            report = _verify_file(upload)
        else:
            report = verify_printout(
                form.cleaned_data["code"], form.cleaned_data["digest"]
            )
    except UploadError as exc:
        context["error"] = str(exc)
        return render(request, template, context, status=400)
    audit_verification(request, report)
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
