"""The pages of a correction after the lock (docs/school.md, "Correction after the
lock"): the school's request, its status and the issue of the corrected version;
the approver's list, decision and evidence download.

Views are thin: the registry's public actions decide who may and say why not; a
refusal is shown in its words and nothing is written.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hocbaso.portal.audit import record_access
from hocbaso.portal.citizen import review as family
from hocbaso.portal.models import AccessAction
from hocbaso.records.models import Appointment, School, YearlyRecord
from hocbaso.records.scope import filter_for
from hocbaso.registry import actions
from hocbaso.registry.actors import Actor
from hocbaso.registry.errors import RegistryError
from hocbaso.registry.models import Correction
from hocbaso.school import clock
from hocbaso.school import correction_after_lock as cal
from hocbaso.school.access import person_of

EVIDENCE_PURPOSE = "correction evidence"


def _today():
    moment = clock.registry_clock()
    return timezone.localdate(moment() if moment else timezone.now())


def _school_roles(request, school_id: int, school_year_id: int) -> set[str]:
    return set(
        Appointment.objects.filter(
            person=person_of(request),
            school_id=school_id,
            school_year_id=school_year_id,
        ).values_list("role", flat=True)
    )


def _record(request, pk: int) -> YearlyRecord:
    records = filter_for(
        request.user,
        YearlyRecord.objects.select_related(
            "transcript__student", "school", "school_year", "school_class"
        ),
    )
    return get_object_or_404(records, pk=pk)


def _correction(public_id: str) -> Correction:
    return get_object_or_404(
        Correction.objects.select_related(
            "school__department", "record__school_year", "record__transcript__student"
        ),
        public_id=public_id,
    )


def _may_file(request, correction_or_record) -> bool:
    record = getattr(correction_or_record, "record", correction_or_record)
    roles = _school_roles(request, record.school_id, record.school_year_id)
    return bool(roles & set(cal.REQUESTING_ROLES))


@login_required
def request_page(request: HttpRequest, pk: int) -> HttpResponse:
    record = _record(request, pk)
    if not _may_file(request, record):
        raise PermissionDenied
    live = cal.correction_of(record)
    if live is not None:
        return redirect("school:correction", public_id=live.public_id)
    locked = cal.locked_submission(record)
    if locked is None:
        messages.error(request, _("Only a locked record is corrected this way."))
        return redirect("school:record", pk=record.pk)
    form = cal.RequestForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        made = _file_request(request, form, record, locked)
        if made is not None:
            # the family's requests to review this pupil-year are answered by it
            family.forward(record, made.public_id, made.requested_label)
            return redirect("school:correction", public_id=made.public_id)
    context = {"record": record, "form": form, "family": family.open_for(record)}
    return render(request, "school/correction_request.html", context)


@login_required
@require_POST
def family_decline(request: HttpRequest, pk: int, request_id: int) -> HttpResponse:
    """Decline a family's request to review the record, with its reason."""
    record = _record(request, pk)
    if not _may_file(request, record):
        raise PermissionDenied
    try:
        family.decline(
            request_id,
            record,
            request.POST.get("answer", ""),
            Actor.of_user(request.user).label,
        )
        messages.success(request, _("The family's request is declined; they read why."))
    except family.ReviewError as exc:
        messages.error(request, exc.message)
    return redirect("school:correction_request", pk=record.pk)


def _file_request(request, form, record, locked) -> Correction | None:
    upload = form.cleaned_data["evidence"]
    evidence = upload.read(cal.MAX_EVIDENCE_BYTES + 1)
    try:
        return actions.request_correction(
            locked.public_id,
            school=record.school,
            actor=Actor.of_user(request.user),
            reason=form.cleaned_data["reason"],
            evidence=evidence,
            evidence_name=cal.safe_file_name(upload.name),
            identity=form.identity(record) or None,
            clock=clock.registry_clock(),
        )
    except RegistryError as exc:
        messages.error(request, str(exc))
        return None


def _may_see(request, correction: Correction) -> tuple[bool, bool]:
    """(the school's leader, the approver)."""
    record = correction.record
    roles = _school_roles(request, record.school_id, record.school_year_id)
    school = bool(roles & {"principal", "deputy_principal", "clerk"})
    decides = cal.may_decide(Actor.of_user(request.user), correction, _today())
    return school, decides


@login_required
def correction_page(request: HttpRequest, public_id: str) -> HttpResponse:
    correction = _correction(public_id)
    school, decides = _may_see(request, correction)
    if not (school or decides):
        raise Http404
    version = correction.version
    ready = (
        school
        and correction.state == Correction.State.APPROVED
        and version is not None
        and version.status == "issued"
    )
    context = {
        "correction": correction,
        "history": cal.history_of(correction),
        "school_side": school,
        "decides": decides,
        "issue_form": cal.IssueForm() if ready else None,
        "identity": cal.identity_changes(correction),
        "family": family.open_for(correction.record) if school else [],
    }
    return render(request, "school/correction.html", context)


@login_required
@require_POST
def issue_page(request: HttpRequest, public_id: str) -> HttpResponse:
    correction = _correction(public_id)
    if not _may_file(request, correction):
        raise PermissionDenied
    form = cal.IssueForm(request.POST)
    version = correction.version
    if not form.is_valid():
        messages.error(request, _("Tick the confirmation to issue the version."))
    elif version is None or not hasattr(version, "packet"):
        messages.error(request, _("The corrected version is not sealed yet."))
    else:
        try:
            actions.issue_correction(
                correction.public_id,
                bytes(version.packet.data),
                school=correction.school,
                actor=Actor.of_user(request.user),
                clock=clock.registry_clock(),
            )
            messages.success(request, _("The corrected version is issued."))
        except RegistryError as exc:
            messages.error(request, str(exc))
    return redirect("school:correction", public_id=correction.public_id)


# --- the approver ------------------------------------------------------------------


def _pending_for(request) -> list[Correction]:
    schools = filter_for(request.user, School.objects.all())
    actor, today = Actor.of_user(request.user), _today()
    rows = Correction.objects.filter(
        state=Correction.State.REQUESTED, school__in=schools
    ).select_related("school__department", "record__transcript__student")
    return [c for c in rows.order_by("requested_at") if cal.may_decide(actor, c, today)]


@login_required
def approver_list(request: HttpRequest) -> HttpResponse:
    pending = _pending_for(request)
    if not pending and not _is_officer(request):
        raise PermissionDenied
    return render(request, "school/corrections_pending.html", {"pending": pending})


def _is_officer(request) -> bool:
    roles = Appointment.objects.filter(person=person_of(request)).values_list(
        "role", flat=True
    )
    return bool(set(roles) & {"department_officer", "unit_officer"})


def _approver_correction(request, public_id: str) -> Correction:
    correction = _correction(public_id)
    if not cal.may_decide(Actor.of_user(request.user), correction, _today()):
        raise PermissionDenied
    return correction


@login_required
def decide_page(request: HttpRequest, public_id: str) -> HttpResponse:
    correction = _approver_correction(request, public_id)
    if correction.state != Correction.State.REQUESTED:
        return redirect("school:correction", public_id=public_id)
    form = cal.DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.decide_correction(
                public_id,
                actor=Actor.of_user(request.user),
                clock=clock.registry_clock(),
                **form.arguments(),
            )
            messages.success(request, _("The decision is recorded."))
            return redirect("school:correction", public_id=public_id)
        except RegistryError as exc:
            messages.error(request, str(exc))
    context = {"correction": correction, "form": form}
    return render(request, "school/correction_decide.html", context)


@login_required
def evidence_download(request: HttpRequest, public_id: str) -> HttpResponse:
    correction = _correction(public_id)
    school, decides = _may_see(request, correction)
    if not (school or decides):
        raise Http404
    record_access(
        request,
        action=AccessAction.DOWNLOAD,
        transcript=correction.record.transcript,
        actor_kind="staff",
        purpose=EVIDENCE_PURPOSE,
        detail={"correction": correction.public_id, "purpose": EVIDENCE_PURPOSE},
    )
    response = HttpResponse(
        bytes(correction.evidence.data), content_type="application/octet-stream"
    )
    response["Content-Disposition"] = content_disposition_header(
        True, cal.safe_file_name(correction.evidence_name)
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
